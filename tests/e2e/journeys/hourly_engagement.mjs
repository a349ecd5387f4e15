// An hourly engagement (issue 13): a client in the United Kingdom posts an hourly job in GBP; a
// freelancer in the Philippines, paid in PHP, bids an hourly rate with a weekly limit; the
// client accepts, and escrow makes an hourly contract of the bid. The freelancer keeps the work
// diary (the overlap, weekly-limit and closed-week rules hold through the gateway), the client
// reads it, pauses the contract and resumes it. Weeks close into invoices charged to the
// client's wallet: week 1 is released after its review window, week 2 is disputed and split by
// an operator, and the freelancer withdraws the PHP.
//
// Weeks pass on the contract's sandbox test clock (AdvanceContractClock, as an operator): it
// starts in the middle of next week, so whole days of the diary's week lie behind it whatever
// the time of day; invoice review windows run on real time, a few seconds in this stack.
import * as m from './market.mjs';

const { assert } = m;

const kRate = '72.8152';  // GBP -> PHP
const kHourly = 3000n;    // GBP 30.00 an hour
const kWeeklyHours = 2;
const kTopUp = 20000n;    // GBP 200.00

await m.journey('a client in the UK engages a freelancer in the Philippines by the hour', async () => {
  const operator = await m.operator();
  await m.step('the operator loads the GBP -> PHP rate', () => m.loadRates(operator, [['GBP', 'PHP', kRate]]));
  const client = await m.signUp('client', { country: 'GB', currency: 'GBP', name: 'Leeds Studio' });
  const freelancer = await m.signUp('freelancer', { country: 'PH', currency: 'PHP', name: 'Maria' });

  const job = (await m.step('the client posts an hourly job', () => m.listings('PostJob', {
    job: {
      title: `Ongoing design support ${m.runTag}`,
      description: 'A few hours a week of product design for our studio.',
      skills: ['figma'],
      budget: { hourlyRate: { min: m.money('GBP', 2000), max: m.money('GBP', 4000) } },
      expectedDuration: 'JOB_DURATION_ONE_TO_THREE_MONTHS',
      visibility: 'JOB_VISIBILITY_PUBLIC',
      bidDeadline: m.inDays(3),
    },
  }, client))).job;

  const bid = await m.step('the freelancer bids an hourly rate with a weekly limit', async () =>
    m.eventually('bidding knows the job', async () => (await m.bidding('PlaceBid', {
      jobId: job.id,
      payoutCurrency: 'PHP',
      terms: {
        hourlyRate: m.money('GBP', kHourly),
        deliveryDays: 60,
        weeklyHourLimit: kWeeklyHours,
        coverLetter: 'Product designer, eight years, happy to overlap with UK mornings.',
      },
    }, freelancer)).bid));

  const contract = await m.step('the client accepts: one hourly contract with the bid\'s terms', async () => {
    await m.bidding('AcceptBid', { bidId: bid.id, idempotencyKey: m.key() }, client);
    const [made] = await m.eventually('escrow created the contract', async () => {
      const mine = await m.contractsFrom(client, bid.id);
      return mine.length > 0 && mine;
    });
    const terms = await m.contract(freelancer, made.id);
    assert.equal(terms.state, 'CONTRACT_STATE_ACTIVE');
    assert.equal(terms.currency, 'GBP');
    assert.equal(terms.payoutCurrency, 'PHP');
    assert.equal(terms.lockedRate.rate, kRate);
    assert.equal(m.minor(terms.hourly.hourlyRate), kHourly);
    assert.equal(terms.hourly.weeklyHourLimit, kWeeklyHours);
    assert.deepEqual(terms.milestones ?? [], []);
    assert.equal(terms.hourly.startDate, new Date().toISOString().slice(0, 10));
    return terms;
  });

  await m.step('the client tops up GBP 200.00 for the weekly invoices', () =>
    m.topUp(client, m.money('GBP', kTopUp)));

  // The contract's clock: Wednesday 12:00 UTC of next week, then a week at a time.
  let contractNow = Date.now();
  const advance = async (seconds) => {
    const moved = await m.escrow('AdvanceContractClock', { contractId: contract.id, seconds }, operator);
    contractNow = Date.parse(moved.contractNow);
  };
  const kDay = 86_400_000;
  const weekStart = () => {
    const day = new Date(contractNow).getUTCDay();  // 0 is Sunday
    return Date.parse(new Date(contractNow).toISOString().slice(0, 10)) - ((day + 6) % 7) * kDay;
  };
  await m.step('the operator moves the contract\'s test clock to the middle of next week', async () => {
    await m.refused(m.escrow('AdvanceContractClock', { contractId: contract.id, seconds: 60 }, client),
      'permission_denied');
    const target = weekStart() + 7 * kDay + 2.5 * kDay;
    await advance(Math.floor((target - Date.now()) / 1000));
    assert.equal(new Date(contractNow).getUTCDay(), 3);
  });
  // A time in the contract's current week: `day` days and `minutes` minutes after Monday 00:00.
  const at = (day, minutes) => new Date(weekStart() + day * kDay + minutes * 60_000).toISOString();
  const log = (start, minutes, memo) =>
    m.escrow('LogTime', { contractId: contract.id, start, minutes, memo }, freelancer);

  await m.step('the freelancer logs time within the rules', async () => {
    assert.equal((await log(at(0, 9 * 60), 45, 'Onboarding call and brief')).weekMinutes, 45);
    assert.equal((await log(at(0, 10 * 60), 60, 'Checkout wireframes')).weekMinutes, 105);
    await m.refused(log(at(0, 9 * 60 + 30), 20, 'Overlaps the first two'), 'failed_precondition', 'OVERLAP');
    await m.refused(log(at(1, 9 * 60), 20, 'Beyond the weekly limit'), 'failed_precondition', 'WEEKLY_LIMIT');
    assert.equal((await log(at(1, 9 * 60), 15, 'Review notes')).weekMinutes, 120);
    await m.refused(log(at(4, 9 * 60), 10, 'In the future'), 'invalid_argument');
  });

  await m.step('the client reads the week; the freelancer corrects it', async () => {
    const week = await m.escrow('ListTimeEntries', { contractId: contract.id }, client);
    assert.equal(week.totalMinutes, 120);
    assert.equal(week.limitMinutes, kWeeklyHours * 60);
    assert.equal(week.closed ?? false, false);
    assert.deepEqual((week.entries ?? []).map((e) => e.minutes), [45, 60, 15]);
    const last = (week.entries ?? [])[2];
    await m.escrow('DeleteTimeEntry', { contractId: contract.id, entryId: last.id }, freelancer);
    const corrected = await m.escrow('ListTimeEntries', { contractId: contract.id }, freelancer);
    assert.equal(corrected.totalMinutes, 105);
  });

  await m.step('the client pauses the contract: no time is logged until it resumes', async () => {
    await m.escrow('PauseContract', { contractId: contract.id }, client);
    await m.refused(log(at(1, 14 * 60), 5, 'While paused'), 'failed_precondition', 'NOT_ACTIVE');
    await m.escrow('ResumeContract', { contractId: contract.id }, client);
    assert.equal((await log(at(1, 14 * 60), 5, 'Handover')).weekMinutes, 110);
  });

  // What week 1's invoice must come to, from the frozen terms: 110 minutes at GBP 30.00.
  const week1Amount = m.divideHalfEven(110n * kHourly, 60n);
  const week1 = m.release(week1Amount, 1000, kRate, 'GBP', 'PHP');
  const invoices = async (user) =>
    (await m.escrow('ListInvoices', { contractId: contract.id }, user)).invoices ?? [];
  const week1Start = at(0, 0);

  await m.step('a week later the week closes into an invoice charged to the client\'s wallet', async () => {
    await advance(7 * 24 * 3600);
    const [invoice] = await m.eventually('the week is invoiced', async () => {
      const mine = await invoices(client);
      return mine.length === 1 && mine;
    });
    assert.equal(invoice.minutes, 110);
    assert.equal(m.minor(invoice.amount), week1Amount);
    assert.equal(invoice.amount.currency, 'GBP');
    assert.ok(['INVOICE_STATE_IN_REVIEW', 'INVOICE_STATE_RELEASED'].includes(invoice.state), invoice.state);
    assert.equal(await m.wallet(client, 'GBP'), kTopUp - week1Amount);
    // The invoiced week is closed.
    await m.refused(log(new Date(Date.parse(week1Start) + 2 * kDay).toISOString(), 10, 'Late'),
      'failed_precondition', 'WEEK_CLOSED');
  });

  await m.step('undisputed, it is released after its review window, at the locked rate', async () => {
    await m.eventually('week 1 is released', async () =>
      (await invoices(freelancer))[0].state === 'INVOICE_STATE_RELEASED',
    { timeoutMs: (m.invoiceReviewWindowSeconds + 20) * 1000 });
    assert.equal(await m.wallet(freelancer, 'PHP'), week1.paid);
  });

  // Week 2: 90 minutes, disputed; the operator gives the freelancer 60 of them.
  const week2Amount = m.divideHalfEven(90n * kHourly, 60n);
  const kToFreelancer = m.divideHalfEven(60n * kHourly, 60n);
  const week2 = m.release(kToFreelancer, 1000, kRate, 'GBP', 'PHP');
  const dispute = await m.step('the client disputes week 2\'s invoice within its window', async () => {
    assert.equal((await log(at(0, 9 * 60), 90, 'Design system tokens')).weekMinutes, 90);
    await advance(7 * 24 * 3600);
    const [invoice] = await m.eventually('week 2 is invoiced', async () => {
      const mine = await invoices(client);
      return mine.length === 2 && mine;
    });
    assert.equal(m.minor(invoice.amount), week2Amount);
    const disputed = await m.escrow('DisputeInvoice', {
      idempotencyKey: m.key(), invoiceId: invoice.id,
      reason: 'Half an hour of this was a meeting we cancelled.',
    }, client);
    assert.equal(disputed.invoice.state, 'INVOICE_STATE_DISPUTED');
    return disputed.dispute;
  });

  await m.step('the operator splits it; the disputed invoice is never released on its own', async () => {
    await m.sleep((m.invoiceReviewWindowSeconds + 2) * 1000);  // past its window: still frozen
    assert.equal((await invoices(client))[0].state, 'INVOICE_STATE_DISPUTED');
    const resolved = await m.escrow('ResolveDispute', {
      idempotencyKey: m.key(), disputeId: dispute.id,
      toFreelancer: m.money('GBP', kToFreelancer), toClient: m.money('GBP', week2Amount - kToFreelancer),
      reason: 'One hour is documented; the cancelled meeting is refunded.',
    }, operator);
    assert.equal(resolved.dispute.state, 'DISPUTE_STATE_RESOLVED');
    assert.equal((await invoices(client))[0].state, 'INVOICE_STATE_RESOLVED');
    assert.equal(await m.wallet(freelancer, 'PHP'), week1.paid + week2.paid);
    assert.equal(await m.wallet(client, 'GBP'), kTopUp - week1Amount - kToFreelancer);
  });

  await m.step('the freelancer withdraws the PHP to a bank account', async () => {
    const total = week1.paid + week2.paid;
    const idempotencyKey = m.key();
    const paid = await m.requestPayout(freelancer, m.money('PHP', total), idempotencyKey);
    assert.equal(paid.state, 'PAYOUT_STATE_PAID');
    const again = await m.requestPayout(freelancer, m.money('PHP', total), idempotencyKey);
    assert.equal(again.id, paid.id, 'one payout per key');
    assert.equal(await m.wallet(freelancer, 'PHP'), 0n);
    const listed = (await m.escrow('ListPayouts', {}, freelancer)).payouts ?? [];
    assert.deepEqual(listed.map((p) => [p.id, m.minor(p.amount)]), [[paid.id, total]]);
  });
});
