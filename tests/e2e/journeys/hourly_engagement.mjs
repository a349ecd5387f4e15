// An hourly engagement (issue 13): a client in the United Kingdom posts an hourly job in GBP; a
// freelancer in the Philippines, paid in PHP, bids an hourly rate with a weekly limit; the
// client accepts, and escrow makes an hourly contract of the bid. The freelancer keeps the work
// diary of the current UTC week (the overlap and weekly-limit rules hold through the gateway),
// the client reads it, pauses the contract and resumes it.
//
// Weekly invoices (the week closing into an invoice, charged unless disputed) are being built:
// those steps are marked TODO below. Time can only be logged for the current UTC week and not
// before the contract's first day, so the diary needs 2 h 30 min of today (UTC) behind it; earlier
// the journey says so and skips the diary.
import * as m from './market.mjs';

const { assert } = m;

const kRate = '72.8152';  // GBP -> PHP
const kHourly = 3000n;    // GBP 30.00 an hour
const kWeeklyHours = 2;

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

  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const todayStart = Date.parse(new Date().toISOString().slice(0, 10));
  const at = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString();
  if (now - todayStart < 150 * 60_000) {
    m.todo('the work diary', 'less than 2 h 30 min of today (UTC) has passed; run later for this part');
  } else {
    await m.step('the freelancer logs time within the rules', async () => {
      const log = (minutesAgo, minutes, memo) =>
        m.escrow('LogTime', { contractId: contract.id, start: at(minutesAgo), minutes, memo }, freelancer);
      assert.equal((await log(140, 45, 'Onboarding call and brief')).weekMinutes, 45);
      assert.equal((await log(90, 60, 'Checkout wireframes')).weekMinutes, 105);
      await m.refused(log(100, 20, 'Overlaps the first two'), 'failed_precondition', 'OVERLAP');
      await m.refused(log(28, 20, 'Beyond the weekly limit'), 'failed_precondition', 'WEEKLY_LIMIT');
      assert.equal((await log(28, 15, 'Review notes')).weekMinutes, 120);
      await m.refused(m.escrow('LogTime', {
        contractId: contract.id, start: at(-60), minutes: 10, memo: 'In the future',
      }, freelancer), 'invalid_argument');
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
      await m.refused(m.escrow('LogTime', {
        contractId: contract.id, start: at(10), minutes: 5, memo: 'While paused',
      }, freelancer), 'failed_precondition', 'NOT_ACTIVE');
      await m.escrow('ResumeContract', { contractId: contract.id }, client);
      assert.equal((await m.escrow('LogTime', {
        contractId: contract.id, start: at(10), minutes: 5, memo: 'Handover',
      }, freelancer)).weekMinutes, 110);
    });

    // What the week's invoice must come to, from the frozen terms: 110 minutes at GBP 30.00.
    const weekAmount = m.divideHalfEven(110n * kHourly, 60n);
    const payout = m.release(weekAmount, 1000, kRate, 'GBP', 'PHP');
    m.todo('the week closes into an invoice',
      `weekly invoices are being built; this step will check an invoice of ${weekAmount} pence ` +
      `(110 min at GBP 30.00), charged after its review window, paying ${payout.paid} centavos`);
  }
  m.todo('a second week, and one invoice disputed and split by an operator',
    'needs weekly invoices; time can only be logged for the current UTC week');

  await m.step('no money moved: the wallets are empty', async () => {
    assert.equal(await m.wallet(client, 'GBP'), 0n);
    assert.equal(await m.wallet(freelancer, 'PHP'), 0n);
  });
});
