// A freelancer selling an offer (issue 13): a freelancer in Poland, paid in PLN, posts a
// fixed-price offer in USD; a client in the United States finds it and buys it; escrow turns the
// purchase into a one-milestone contract; the client funds it, the freelancer delivers, the
// client approves, the freelancer is paid in PLN at the rate locked at purchase, and both review.
import * as m from './market.mjs';

const { assert } = m;

const kRate = '3.9871';  // USD -> PLN
const kPrice = 45000n;   // USD 450.00
const kFeeBps = 1000;

await m.journey('a freelancer in Poland sells an offer to a client in the US', async () => {
  const operator = await m.operator();
  await m.step('the operator loads the USD -> PLN rate', () =>
    m.loadRates(operator, [['USD', 'PLN', kRate]]));
  const seller = await m.signUp('freelancer', { country: 'PL', currency: 'PLN', name: 'Piotr' });
  const buyer = await m.signUp('client', { country: 'US', currency: 'USD', name: 'Austin Labs' });

  await m.step('the freelancer publishes a profile (paid in PLN) and an offer in USD', async () => {
    await m.listings('UpsertMyProfile', {
      headline: 'Security reviews of REST APIs',
      skills: ['security', 'rest'],
      languages: ['pl', 'en'],
      timezone: 'Europe/Warsaw',
      hourlyRate: m.money('PLN', 25000),
      weeklyAvailabilityHours: 30,
    }, seller);
  });
  const offer = await m.step('the offer is on sale', async () => (await m.listings('CreateOffer', {
    offer: {
      title: `A security review of your REST API ${m.runTag}`,
      description: 'An OWASP-based review of one API, with a written report.',
      price: m.money('USD', kPrice),
      deliveryDays: 5,
      revisionsIncluded: 1,
      skills: ['security'],
    },
  }, seller)).offer);

  const purchase = await m.step('the client finds the offer and buys it at the price seen', async () => {
    const found = await m.listings('SearchOffers', { query: `security ${m.runTag}` }, buyer);
    assert.deepEqual((found.offers ?? []).map((o) => o.id), [offer.id]);
    const request = { offerId: offer.id, expectedPrice: m.money('USD', kPrice), idempotencyKey: m.key() };
    const bought = (await m.listings('BuyOffer', request, buyer)).purchase;
    // A retried purchase with its key buys nothing more.
    assert.equal((await m.listings('BuyOffer', request, buyer)).purchase.purchaseId, bought.purchaseId);
    assert.equal(m.minor(bought.price), kPrice);
    return bought;
  });

  const contract = await m.step('escrow makes one contract of the purchase, paid out in PLN', async () => {
    const [made] = await m.eventually('escrow created the contract', async () => {
      const mine = await m.contractsFrom(buyer, purchase.purchaseId);
      return mine.length > 0 && mine;
    });
    const terms = await m.contract(seller, made.id);
    assert.equal(terms.source, 'CONTRACT_SOURCE_BOUGHT_OFFER');
    assert.equal(terms.currency, 'USD');
    assert.equal(terms.payoutCurrency, 'PLN');
    assert.equal(terms.lockedRate.rate, kRate);
    assert.deepEqual(terms.milestones.map((x) => m.minor(x.amount)), [kPrice]);
    return terms;
  });

  const paid = m.release(kPrice, kFeeBps, kRate, 'USD', 'PLN');
  await m.step('the client funds, the freelancer delivers, the client approves', async () => {
    await m.topUp(buyer, m.money('USD', kPrice));
    await m.escrow('FundMilestone', { idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0) }, buyer);
    assert.equal(await m.wallet(buyer, 'USD'), 0n);
    await m.escrow('SubmitMilestone', { idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0) }, seller);
    const approved = await m.escrow('ApproveMilestone', {
      idempotencyKey: m.key(), milestone: m.milestoneRef(contract, 0),
    }, buyer);
    assert.equal(m.minor(approved.release.fee), paid.fee);
    assert.equal(m.minor(approved.release.paid), paid.paid);
    assert.equal((await m.contract(buyer, contract.id)).state, 'CONTRACT_STATE_COMPLETED');
  });

  await m.step('the freelancer is paid in PLN at the locked rate, less the fee', async () => {
    assert.equal(await m.wallet(seller, 'PLN'), paid.paid);
    assert.equal(await m.wallet(buyer, 'USD'), 0n);
  });

  await m.step('both review; the freelancer gets reviewed', async () => {
    await m.eventually('reputation has the contract ended', async () =>
      m.reputation('WriteReview', {
        contractId: contract.id,
        ratings: { overall: 4, quality: 4, communication: 5, deadlines: 5 },
        comment: 'A thorough report.',
      }, buyer));
    await m.reputation('WriteReview', {
      contractId: contract.id,
      ratings: { overall: 5, communication: 5, clarity: 5, paymentPromptness: 5 },
    }, seller);
    const received = await m.reputation('ListReviews', { userId: seller.id }, buyer);
    assert.equal((received.reviews ?? []).length, 1);
    assert.equal((received.reviews ?? [])[0].ratings.overall, 4);
    assert.equal((received.reviews ?? [])[0].authorId, buyer.id);
    const score = (await m.reputation('GetScore', { userId: seller.id }, buyer)).score;
    assert.equal(score.reviewCount, 1);
  });
});
