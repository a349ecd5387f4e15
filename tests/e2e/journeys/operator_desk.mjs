// The operator's desk (issue 13): a client in Switzerland buys an offer from a freelancer in
// Poland, funds it, and disputes the delivery. The operator sees the money held in escrow and the
// dispute in the queue, resolves it with a split (the freelancer's part paid like a release: fee,
// locked rate), and hides the client's abusive review; the freelancer's score is recomputed
// without it. Every figure is computed here from the contract's frozen terms.
import * as m from './market.mjs';

const { assert } = m;

const kRate = '4.5617';  // CHF -> PLN
const kPrice = 80000n;   // CHF 800.00
const kToFreelancer = 48000n;
const kToClient = kPrice - kToFreelancer;
const kFeeBps = 1000;

// The operator's view of CHF held in one milestone state.
async function held(operator, state) {
  const summary = await m.escrow('GetEscrowSummary', {}, operator);
  const row = (summary.held ?? []).find((h) => h.state === state && h.held?.currency === 'CHF');
  return { amount: m.minor(row?.held), milestones: row?.milestones ?? 0 };
}

await m.journey('an operator resolves a dispute and hides an abusive review', async () => {
  const operator = await m.operator();
  await m.step('the operator loads the CHF -> PLN rate', () => m.loadRates(operator, [['CHF', 'PLN', kRate]]));
  const freelancer = await m.signUp('freelancer', { country: 'PL', currency: 'PLN', name: 'Ola' });
  const client = await m.signUp('client', { country: 'CH', currency: 'CHF', name: 'Zurich AG' });

  const contract = await m.step('a client buys an offer and escrow makes the contract', async () => {
    await m.listings('UpsertMyProfile', {
      headline: 'Data migrations', skills: ['postgresql'], languages: ['pl'],
      timezone: 'Europe/Warsaw', hourlyRate: m.money('PLN', 20000), weeklyAvailabilityHours: 20,
    }, freelancer);
    const offer = (await m.listings('CreateOffer', {
      offer: {
        title: `Migrate your database to PostgreSQL ${m.runTag}`,
        description: 'Schema, data and a rollback plan.',
        price: m.money('CHF', kPrice), deliveryDays: 10, revisionsIncluded: 0, skills: ['postgresql'],
      },
    }, freelancer)).offer;
    const purchase = (await m.listings('BuyOffer', {
      offerId: offer.id, expectedPrice: m.money('CHF', kPrice), idempotencyKey: m.key(),
    }, client)).purchase;
    const [made] = await m.eventually('escrow created the contract', async () => {
      const mine = await m.contractsFrom(client, purchase.purchaseId);
      return mine.length > 0 && mine;
    });
    assert.equal(made.lockedRate.rate, kRate);
    return made;
  });

  const before = {
    funded: await held(operator, 'MILESTONE_STATE_FUNDED'),
    disputed: await held(operator, 'MILESTONE_STATE_DISPUTED'),
  };
  await m.step('the client funds it: the operator sees the money held', async () => {
    await m.topUp(client, m.money('CHF', kPrice));
    await m.escrow('FundMilestone', { idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0) }, client);
    const funded = await held(operator, 'MILESTONE_STATE_FUNDED');
    assert.equal(funded.amount - before.funded.amount, kPrice);
    assert.equal(funded.milestones - before.funded.milestones, 1);
  });

  const dispute = await m.step('the delivery is disputed: it joins the queue, its money frozen', async () => {
    await m.escrow('SubmitMilestone', { idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0) }, freelancer);
    const opened = (await m.escrow('OpenDispute', {
      idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0),
      reason: 'The rollback plan is missing.',
    }, client)).dispute;
    await m.escrow('RespondToDispute', {
      idempotencyKey: m.key(), disputeId: opened.id, statement: 'It is in the appendix, page 4.',
    }, freelancer);
    const queue = await m.escrow('ListDisputes', { order: 'DISPUTE_ORDER_AMOUNT', limit: 100 }, operator);
    const mine = (queue.disputes ?? []).filter((d) => d.id === opened.id);
    assert.equal(mine.length, 1, 'the dispute is in the open queue once');
    assert.equal(mine[0].state, 'DISPUTE_STATE_OPEN');
    assert.equal(m.minor(mine[0].held), kPrice);
    assert.deepEqual((mine[0].trail ?? []).map((e) => e.kind), ['opened', 'responded']);
    const disputed = await held(operator, 'MILESTONE_STATE_DISPUTED');
    assert.equal(disputed.amount - before.disputed.amount, kPrice);
    // Frozen: the client cannot take the money back by approving nothing.
    await m.refused(m.escrow('ApproveMilestone', {
      idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0),
    }, client), 'failed_precondition');
    // Parties cannot resolve their own dispute.
    await m.refused(m.escrow('ResolveDispute', {
      idempotencyKey: m.key(), disputeId: opened.id, toFreelancer: m.money('CHF', kPrice),
      toClient: m.money('CHF', 0), reason: 'mine',
    }, freelancer), 'permission_denied');
    return opened;
  });

  const part = m.release(kToFreelancer, kFeeBps, kRate, 'CHF', 'PLN');
  await m.step('the operator splits the held amount, with a reason', async () => {
    await m.refused(m.escrow('ResolveDispute', {
      idempotencyKey: m.key(), disputeId: dispute.id, toFreelancer: m.money('CHF', kToFreelancer),
      toClient: m.money('CHF', kToClient - 1n), reason: 'Does not add up',
    }, operator), 'invalid_argument');
    const resolved = await m.escrow('ResolveDispute', {
      idempotencyKey: m.key(), disputeId: dispute.id, toFreelancer: m.money('CHF', kToFreelancer),
      toClient: m.money('CHF', kToClient), reason: 'The plan exists but is incomplete: 60/40.',
    }, operator);
    assert.equal(resolved.dispute.state, 'DISPUTE_STATE_RESOLVED');
    assert.equal(m.minor(resolved.release.fee), part.fee);
    assert.equal(m.minor(resolved.release.paid), part.paid);
    assert.equal(await m.wallet(freelancer, 'PLN'), part.paid);
    assert.equal(await m.wallet(client, 'CHF'), kToClient);
    const queue = await m.escrow('ListDisputes', { limit: 100 }, operator);
    assert.equal((queue.disputes ?? []).filter((d) => d.id === dispute.id).length, 0, 'off the open queue');
    const settled = await m.contract(operator, contract.id);
    assert.equal(settled.state, 'CONTRACT_STATE_COMPLETED');
    assert.equal(settled.milestones[0].state, 'MILESTONE_STATE_RESOLVED');
    const disputed = await held(operator, 'MILESTONE_STATE_DISPUTED');
    assert.equal(disputed.amount, before.disputed.amount, 'nothing left frozen');
  });

  const abusive = await m.step('the client writes an abusive review; both become visible', async () => {
    const review = await m.eventually('reputation has the contract ended', async () =>
      (await m.reputation('WriteReview', {
        contractId: contract.id,
        ratings: { overall: 1, quality: 1, communication: 1, deadlines: 1 },
        comment: 'Useless fraud, everybody avoid this idiot.',
      }, client)).review);
    await m.reputation('WriteReview', {
      contractId: contract.id, ratings: { overall: 3, communication: 3, clarity: 2, paymentPromptness: 4 },
    }, freelancer);
    const visible = await m.reputation('ListReviews', { userId: freelancer.id }, operator);
    assert.deepEqual((visible.reviews ?? []).map((r) => r.id), [review.id]);
    assert.equal((await m.reputation('GetScore', { userId: freelancer.id }, operator)).score.reviewCount, 1);
    return review;
  });

  await m.step('the operator hides it: gone from the list, the score recomputed', async () => {
    await m.refused(m.reputation('HideReview', { reviewId: abusive.id, reason: 'mine' }, freelancer),
      'permission_denied');
    const hidden = await m.reputation('HideReview', {
      reviewId: abusive.id, reason: 'Insults, not a review of the work (policy 4.2).',
    }, operator);
    assert.equal(hidden.subjectScore.reviewCount ?? 0, 0);
    const listed = await m.reputation('ListReviews', { userId: freelancer.id }, client);
    assert.deepEqual(listed.reviews ?? [], []);
    const score = (await m.reputation('GetScore', { userId: freelancer.id }, client)).score;
    assert.equal(score.reviewCount ?? 0, 0);
    // The freelancer's review of the client stays.
    assert.equal((await m.reputation('ListReviews', { userId: client.id }, client)).reviews.length, 1);
  });
});
