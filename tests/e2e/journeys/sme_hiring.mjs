// An SME hiring abroad (issue 13): a client in Germany paying in EUR posts a fixed-price job;
// freelancers in India, Brazil and Canada, paid in INR, BRL and CAD, find it by search and bid;
// the client shortlists two and accepts one; funds both milestones; approves the first with a
// partial release and lets the second be approved automatically after its review window; both
// sides review each other and the reviews appear together; the freelancer's score and job
// success change; the freelancer withdraws the INR. On the way one service after another is
// SIGKILLed and restarted by run.sh's supervisor, and the journey checks that nothing was lost
// or doubled: one contract, exact wallets and escrow, one review each way, one payout.
import * as m from './market.mjs';

const { assert } = m;

// FX rates loaded for this journey (escrow -> payout currencies, and EUR -> USD for the
// reputation weight of the contract).
const kRates = { INR: '90.4517', BRL: '5.4873', CAD: '1.4962', USD: '1.0842' };
const kFeeBps = 1000;  // the platform's default fee, 10 %
// The winning bid: 2,400.00 EUR in two milestones.
const kMilestones = [150000n, 90000n];
// The client releases 1,200.00 EUR of the first milestone and gets 300.00 EUR back.
const kFirstRelease = 120000n;
const kTopUp = 300000n;

await m.journey('an SME in Germany hires a freelancer in India', async () => {
  const operator = await m.operator();
  await m.step('the operator loads the FX rates', () => m.loadRates(operator,
    Object.entries(kRates).map(([quote, rate]) => ['EUR', quote, rate])));

  const client = await m.signUp('client', { country: 'DE', currency: 'EUR', name: 'Berlin SME' });
  const freelancers = {
    IN: await m.signUp('freelancer', { country: 'IN', currency: 'INR', name: 'Asha' }),
    BR: await m.signUp('freelancer', { country: 'BR', currency: 'BRL', name: 'Bruno' }),
    CA: await m.signUp('freelancer', { country: 'CA', currency: 'CAD', name: 'Claire' }),
  };
  const payout = { IN: 'INR', BR: 'BRL', CA: 'CAD' };

  const job = await m.step('the client posts a fixed-price job in EUR', async () => {
    const reply = await m.listings('PostJob', {
      job: {
        title: `Payments integration for our shop ${m.runTag}`,
        description: 'Connect our Berlin web shop to a payment provider, with refunds.',
        skills: ['payments', 'typescript'],
        budget: { fixedPrice: m.money('EUR', 300000) },
        expectedDuration: 'JOB_DURATION_ONE_TO_FOUR_WEEKS',
        allowedCountries: ['IN', 'BR', 'CA', 'DE'],
        visibility: 'JOB_VISIBILITY_PUBLIC',
        bidDeadline: m.inDays(7),
      },
    }, client);
    assert.equal(reply.job.status, 'JOB_STATUS_OPEN');
    assert.equal(reply.job.clientCountry, 'DE');
    return reply.job;
  });

  const bids = {};
  await m.step('three freelancers find it by search and bid', async () => {
    const prices = { IN: kMilestones, BR: [130000n, 130000n], CA: [200000n, 80000n] };
    for (const [country, freelancer] of Object.entries(freelancers)) {
      const found = await m.listings('SearchJobs', {
        query: `payments ${m.runTag}`, skills: ['payments'], country,
      }, freelancer);
      assert.deepEqual((found.jobs ?? []).map((j) => j.id), [job.id], `${country} finds exactly the job`);
      const amounts = prices[country];
      const total = amounts.reduce((a, b) => a + b, 0n);
      // Bidding learns of the job from listings' JobPosted event.
      bids[country] = await m.eventually('bidding knows the job', async () => (await m.bidding('PlaceBid', {
        jobId: job.id,
        payoutCurrency: payout[country],
        terms: {
          fixedPrice: m.money('EUR', total),
          deliveryDays: 21,
          milestones: amounts.map((amount, i) => ({
            title: `Part ${i + 1}`, amount: m.money('EUR', amount), dueInDays: 7 * (i + 1),
          })),
          coverLetter: `I have built payment integrations from ${country} for years.`,
        },
      }, freelancer)).bid);
      assert.equal(bids[country].status, 'BID_STATUS_ACTIVE');
      assert.equal(bids[country].freelancerCountry, country);
    }
  });

  await m.step('bidding is killed and restarted: the three bids are there once each', async () => {
    await m.killAndAwaitRestart('bidding');
    const listed = await m.bidding('ListJobBids', { jobId: job.id }, client);
    assert.deepEqual((listed.bids ?? []).map((b) => b.id).sort(), Object.values(bids).map((b) => b.id).sort());
    for (const freelancer of Object.values(freelancers)) {
      const credits = await m.bidding('GetCreditBalance', {}, freelancer);
      const spends = (credits.entries ?? []).filter((e) => e.kind === 'CREDIT_ENTRY_KIND_BID_SPEND');
      assert.equal(spends.length, 1, 'one bid, paid for once');
      assert.equal(BigInt(credits.balance), BigInt(credits.monthlyAllowance) + BigInt(spends[0].credits));
    }
  });

  await m.step('the client shortlists two bids and accepts the one from India', async () => {
    for (const country of ['IN', 'BR']) {
      const reply = await m.bidding('ShortlistBid', { bidId: bids[country].id, shortlisted: true }, client);
      assert.equal(reply.bid.shortlisted, true);
    }
    const shortlist = await m.bidding('ListJobBids', { jobId: job.id, shortlistedOnly: true }, client);
    assert.deepEqual((shortlist.bids ?? []).map((b) => b.id).sort(), [bids.IN.id, bids.BR.id].sort());
    const accepted = await m.bidding('AcceptBid', { bidId: bids.IN.id, idempotencyKey: m.key() }, client);
    assert.equal(accepted.bid.status, 'BID_STATUS_ACCEPTED');
  });

  await m.step('escrow and listings are killed with BidAccepted on its way', async () => {
    await m.killAndAwaitRestart('escrow');
    await m.killAndAwaitRestart('listings');
  });

  const contract = await m.step('exactly one contract holds the agreed, frozen terms', async () => {
    const found = await m.eventually('escrow created the contract', async () => {
      const mine = await m.contractsFrom(client, bids.IN.id);
      return mine.length > 0 && mine;
    });
    await m.sleep(1000);  // a duplicate, were one made, would show by now
    assert.equal((await m.contractsFrom(client, bids.IN.id)).length, 1, 'one contract for the bid');
    assert.equal(found.length, 1);
    const terms = await m.contract(freelancers.IN, found[0].id);
    assert.equal(terms.source, 'CONTRACT_SOURCE_ACCEPTED_BID');
    assert.equal(terms.clientId, client.id);
    assert.equal(terms.freelancerId, freelancers.IN.id);
    assert.equal(terms.clientCountry, 'DE');
    assert.equal(terms.freelancerCountry, 'IN');
    assert.equal(terms.currency, 'EUR');
    assert.equal(terms.payoutCurrency, 'INR');
    assert.equal(terms.lockedRate.rate, kRates.INR);
    assert.equal(terms.policy.freelancerFeeBasisPoints ?? 1000, kFeeBps);
    assert.equal(Number(terms.policy.reviewWindowSeconds), m.reviewWindowSeconds);
    assert.deepEqual(terms.milestones.map((x) => m.minor(x.amount)), kMilestones);
    assert.equal(terms.state, 'CONTRACT_STATE_ACTIVE');
    return terms;
  });

  await m.step('the job is filled and the other bids are not chosen', async () => {
    await m.eventually('listings marks the job filled', async () =>
      (await m.listings('GetJob', { jobId: job.id }, client)).job.status === 'JOB_STATUS_FILLED');
    for (const country of ['BR', 'CA']) {
      const reply = await m.bidding('GetBid', { bidId: bids[country].id }, freelancers[country]);
      assert.equal(reply.bid.status, 'BID_STATUS_NOT_CHOSEN');
    }
    // No second contract for anyone else.
    for (const country of ['BR', 'CA']) {
      const theirs = await m.escrow('ListMyContracts', {}, freelancers[country]);
      assert.deepEqual(theirs.contracts ?? [], []);
    }
  });

  const freelancer = freelancers.IN;
  await m.step('the client tops up and funds both milestones', async () => {
    await m.topUp(client, m.money('EUR', kTopUp));
    for (const index of [0, 1]) {
      const funded = await m.escrow('FundMilestone', {
        idempotencyKey: m.key(), milestone: m.milestoneRef(contract, index),
      }, client);
      assert.equal(funded.milestone.state, 'MILESTONE_STATE_FUNDED');
      assert.equal(m.minor(funded.milestone.held), kMilestones[index]);
    }
    assert.equal(await m.wallet(client, 'EUR'), kTopUp - kMilestones[0] - kMilestones[1]);
  });

  await m.step('the gateway is killed: its clients retry and nothing moves twice', async () => {
    await m.killAndAwaitRestart('gateway');
    assert.equal(await m.wallet(client, 'EUR'), kTopUp - kMilestones[0] - kMilestones[1]);
    const held = await m.contract(client, contract.id);
    assert.deepEqual(held.milestones.map((x) => m.minor(x.held)), kMilestones);
  });

  const first = m.release(kFirstRelease, kFeeBps, kRates.INR, 'EUR', 'INR');
  await m.step('the freelancer delivers the first milestone; the client releases part of it', async () => {
    await m.escrow('SubmitMilestone', { idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0) }, freelancer);
    const approveKey = m.key();
    const request = {
      idempotencyKey: approveKey,
      milestone: m.milestoneRef(contract, 0),
      releaseAmount: m.money('EUR', kFirstRelease),
      remainder: 'REMAINDER_REFUND',
    };
    const approved = await m.escrow('ApproveMilestone', request, client);
    assert.equal(approved.milestone.state, 'MILESTONE_STATE_RELEASED');
    assert.equal(m.minor(approved.release.gross), kFirstRelease);
    assert.equal(m.minor(approved.release.fee), first.fee);
    assert.equal(approved.release.paid.currency, 'INR');
    assert.equal(m.minor(approved.release.paid), first.paid);
    assert.equal(m.minor(approved.refunded), kMilestones[0] - kFirstRelease);
    // The same key again returns the first answer and moves nothing.
    const again = await m.escrow('ApproveMilestone', request, client);
    assert.equal(again.release.transferId, approved.release.transferId);
    await m.refused(m.escrow('ApproveMilestone', { ...request, idempotencyKey: m.key() }, client),
      'failed_precondition', 'ALREADY_RESOLVED');
    assert.equal(await m.wallet(freelancer, 'INR'), first.paid);
    assert.equal(await m.wallet(client, 'EUR'), kTopUp - kMilestones[0] - kMilestones[1] + (kMilestones[0] - kFirstRelease));
  });

  await m.step('reputation is killed with the release on its way', () => m.killAndAwaitRestart('reputation'));

  const scoreBefore = (await m.reputation('GetScore', { userId: freelancer.id }, client)).score;

  const second = m.release(kMilestones[1], kFeeBps, kRates.INR, 'EUR', 'INR');
  await m.step('the second milestone, delivered and left alone, is approved automatically', async () => {
    const submitted = await m.escrow('SubmitMilestone', {
      idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 1),
    }, freelancer);
    assert.equal(submitted.milestone.state, 'MILESTONE_STATE_SUBMITTED');
    const deadline = Date.parse(submitted.milestone.reviewDeadline);
    // Escrow dies while the window runs; the approval must still come, once.
    await m.killAndAwaitRestart('escrow');
    if (Date.now() < deadline - 1000) {
      const waiting = await m.contract(client, contract.id);
      assert.equal(waiting.milestones[1].state, 'MILESTONE_STATE_SUBMITTED', 'still in its window');
    }
    const settled = await m.eventually('the review window passes', async () => {
      const now = await m.contract(client, contract.id);
      return now.state === 'CONTRACT_STATE_COMPLETED' && now;
    }, { timeoutMs: (m.reviewWindowSeconds + 20) * 1000, intervalMs: 500 });
    assert.ok(Date.now() >= deadline - 1000, 'not approved before its review deadline');
    assert.equal(settled.milestones[1].state, 'MILESTONE_STATE_RELEASED');
    assert.equal(m.minor(settled.milestones[1].released), kMilestones[1]);
    assert.equal(m.minor(settled.milestones[0].released), kFirstRelease);
    assert.equal(m.minor(settled.milestones[0].refunded), kMilestones[0] - kFirstRelease);
    for (const milestone of settled.milestones) assert.equal(m.minor(milestone.held), 0n);
  });

  await m.step('the wallets hold exactly what the terms say', async () => {
    assert.equal(await m.wallet(freelancer, 'INR'), first.paid + second.paid);
    assert.equal(await m.wallet(freelancer, 'EUR'), 0n);
    assert.equal(await m.wallet(client, 'EUR'), kTopUp - kFirstRelease - kMilestones[1]);
  });

  const reviews = {};
  await m.step('both sides review; the reviews stay hidden until both have written', async () => {
    reviews.ofFreelancer = await m.eventually('reputation has the contract ended', async () =>
      (await m.reputation('WriteReview', {
        contractId: contract.id,
        ratings: { overall: 5, quality: 5, communication: 5, deadlines: 4 },
        comment: 'Clean integration, delivered early.',
      }, client)).review);
    const hidden = await m.reputation('ListReviews', { userId: freelancer.id }, freelancer);
    assert.deepEqual(hidden.reviews ?? [], [], 'double-blind: hidden while one side has written');
    reviews.ofClient = (await m.reputation('WriteReview', {
      contractId: contract.id,
      ratings: { overall: 5, communication: 5, clarity: 4, paymentPromptness: 5 },
      comment: 'Clear brief, paid on time.',
    }, freelancer)).review;
    const ofFreelancer = await m.reputation('ListReviews', { userId: freelancer.id }, client);
    const ofClient = await m.reputation('ListReviews', { userId: client.id }, freelancer);
    assert.deepEqual((ofFreelancer.reviews ?? []).map((r) => r.id), [reviews.ofFreelancer.id]);
    assert.deepEqual((ofClient.reviews ?? []).map((r) => r.id), [reviews.ofClient.id]);
    await m.refused(m.reputation('WriteReview', {
      contractId: contract.id, ratings: { overall: 1, quality: 1, communication: 1, deadlines: 1 },
    }, client), 'already_exists');
  });

  await m.step("the freelancer's score and job success change", async () => {
    const explained = await m.reputation('ExplainScore', { userId: freelancer.id }, freelancer);
    const after = explained.score;
    assert.equal(after.reviewCount ?? 0, 1);
    assert.equal(scoreBefore.reviewCount ?? 0, 0);
    assert.equal((scoreBefore.jobSuccessContracts ?? 0) + 1, after.jobSuccessContracts);
    assert.deepEqual((explained.outcomes ?? []).map((o) => [o.contractId, o.kind]), [[contract.id, 'good']]);
    // The contract weighs its whole US dollars at the EUR -> USD rate (reputation's README).
    const total = kMilestones[0] + kMilestones[1];
    const weight = Number(m.convert(total, kRates.USD, 'EUR', 'USD') / 100n);
    const prior = Number(explained.priorMean);
    const priorWeight = Number(explained.priorWeight);
    const expected = (priorWeight * prior + weight * 5) / (priorWeight + weight);
    assert.ok(Math.abs(after.rating - expected) < 1e-9, `rating ${after.rating}, expected ${expected}`);
    assert.ok(after.rating > scoreBefore.rating);
    if (expected >= 4.6) assert.ok((after.badges ?? []).includes('rising_talent'), 'rising talent');
  });

  const earned = first.paid + second.paid;
  const withdrawal = await m.step('the freelancer withdraws the INR; escrow is killed and the request repeated', async () => {
    const idempotencyKey = m.key();
    const paid = await m.requestPayout(freelancer, m.money('INR', earned), idempotencyKey);
    assert.equal(paid.state, 'PAYOUT_STATE_PAID');
    await m.killAndAwaitRestart('escrow');
    // A client that lost the answer asks again with the same key: the same payout, once.
    const again = await m.requestPayout(freelancer, m.money('INR', earned), idempotencyKey);
    assert.equal(again.id, paid.id);
    assert.equal(again.state, 'PAYOUT_STATE_PAID');
    return paid;
  });

  await m.step('after every restart: one contract, one review each way, exact money', async () => {
    assert.equal((await m.contractsFrom(client, bids.IN.id)).length, 1);
    const mine = await m.escrow('ListMyContracts', {}, freelancer);
    assert.equal((mine.contracts ?? []).length, 1);
    assert.equal((await m.reputation('ListReviews', { userId: freelancer.id }, client)).reviews.length, 1);
    assert.equal((await m.reputation('ListReviews', { userId: client.id }, client)).reviews.length, 1);
    assert.equal(await m.wallet(freelancer, 'INR'), 0n);
    const payouts = (await m.escrow('ListPayouts', {}, freelancer)).payouts ?? [];
    assert.deepEqual(payouts.map((p) => [p.id, m.minor(p.amount)]), [[withdrawal.id, earned]]);
  });
});
