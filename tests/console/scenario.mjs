// The browser test's data, made through the public API as the marketplace's users would make
// it: a freelancer sells fixed-price offers, a client buys four of them and funds each, the
// freelancer delivers; the client disputes three deliveries (seconds apart, different amounts,
// two with the freelancer's answer) and approves the fourth, after which both review each other.
//
// It stands alone so that the demo data can take its place: whatever provides the data returns
// the same shape (see createScenario's result).
//
//   const scenario = await createScenario('http://127.0.0.1:38180');

import { randomUUID } from 'node:crypto';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class CallError extends Error {
  constructor(path, status, body) {
    super(`${path}: HTTP ${status} ${JSON.stringify(body)}`);
    this.status = status;
    this.code = body?.code;
  }
}

// A Connect unary call with JSON through the gateway.
export async function connectCall(gateway, path, body, token) {
  const headers = { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${gateway}/${path}`, {
    method: 'POST', headers, body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : {};
  if (!response.ok) throw new CallError(path, response.status, parsed);
  return parsed;
}

// Repeats `fn` while it fails with one of `codes` (the services learn from events, a moment
// after the call that caused them), up to `ms`.
async function eventually(fn, codes, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!codes.includes(error.code) || Date.now() > until) throw error;
      await sleep(200);
    }
  }
}

const IDENTITY = 'market.identity.v1.IdentityService';
const LISTINGS = 'market.listings.v1.ListingsService';
const ESCROW = 'market.escrow.v1.EscrowService';
const REPUTATION = 'market.reputation.v1.ReputationService';

const eur = (minorUnits) => ({ currency: 'EUR', minorUnits: String(minorUnits) });

async function signUp(gateway, who) {
  const email = `${who.name}.${randomUUID().slice(0, 8)}@example.com`;
  const password = `a long password for ${who.name}`;
  const { account } = await connectCall(gateway, `${IDENTITY}/Register`, {
    email, password, displayName: who.displayName, country: who.country, roles: [who.role],
    preferredCurrency: 'EUR', companyName: who.companyName,
  });
  const login = await connectCall(gateway, `${IDENTITY}/Login`, { email, password });
  return { id: account.id, email, password, token: login.accessToken };
}

// The four deliveries: three end in disputes (oldest first), the last is approved and reviewed.
const DISPUTED = [
  { title: 'Checkout flow accessibility audit', price: 48000, reason: 'The audit covers two of the five pages we agreed on.', answer: 'The other three pages were out of scope; see the offer text.' },
  { title: 'Payment webhook integration', price: 125000, reason: 'Webhooks are retried forever and charge customers twice.', answer: null },
  { title: 'Landing page copy in Portuguese', price: 26000, reason: 'Delivered late and half of it is machine translated.', answer: 'Delivered on the agreed day; every sentence was written by me.' },
];
const REVIEWED = { title: 'Logo refresh', price: 30000 };

export async function createScenario(gateway) {
  const freelancer = await signUp(gateway, {
    name: 'ana', displayName: 'Ana Ferreira', country: 'PT', role: 'ROLE_FREELANCER',
  });
  const client = await signUp(gateway, {
    name: 'kai', displayName: 'Kai Becker', country: 'DE', role: 'ROLE_CLIENT',
    companyName: 'Becker Shop GmbH',
  });
  const asFreelancer = (path, body) => connectCall(gateway, path, body, freelancer.token);
  const asClient = (path, body) => connectCall(gateway, path, body, client.token);

  // Offers pay out in the currency of the freelancer's hourly rate: EUR, as they are priced.
  await asFreelancer(`${LISTINGS}/UpsertMyProfile`, {
    headline: 'Web developer', overview: 'Accessible, fast web shops.', skills: ['javascript'],
    languages: ['pt', 'en'], timezone: 'Europe/Lisbon', hourlyRate: eur(6000),
    weeklyAvailabilityHours: 30,
  });
  await asClient(`${ESCROW}/TopUpWallet`, {
    idempotencyKey: randomUUID(), amount: eur(500000), paymentToken: 'sandbox-ok',
  });

  // Buy, fund and deliver each offer; escrow makes the contract from the purchase's event.
  const deliveries = [];
  for (const item of [...DISPUTED, REVIEWED]) {
    const { offer } = await asFreelancer(`${LISTINGS}/CreateOffer`, {
      offer: {
        title: item.title, description: `${item.title}, delivered as agreed.`,
        price: eur(item.price), deliveryDays: 7, revisionsIncluded: 1, skills: ['javascript'],
      },
    });
    const { purchase } = await asClient(`${LISTINGS}/BuyOffer`, {
      offerId: offer.id, expectedPrice: eur(item.price), idempotencyKey: randomUUID(),
    });
    const contract = await eventually(async () => {
      const { contracts = [] } = await asClient(`${ESCROW}/ListMyContracts`, {
        page: { pageSize: 100 },
      });
      const found = contracts.find((c) => c.sourceId === purchase.purchaseId);
      if (!found) throw Object.assign(new Error('no contract yet'), { code: 'not_yet' });
      return found;
    }, ['not_yet']);
    const milestone = { contractId: contract.id, milestoneId: contract.milestones[0].id };
    await asClient(`${ESCROW}/FundMilestone`, { idempotencyKey: randomUUID(), milestone });
    await asFreelancer(`${ESCROW}/SubmitMilestone`, { idempotencyKey: randomUUID(), milestone });
    deliveries.push({ item, contract, milestone });
  }

  const disputes = [];
  for (const { item, milestone } of deliveries.slice(0, DISPUTED.length)) {
    const { dispute } = await asClient(`${ESCROW}/OpenDispute`, {
      idempotencyKey: randomUUID(), milestone, reason: item.reason,
    });
    if (item.answer) {
      await asFreelancer(`${ESCROW}/RespondToDispute`, {
        idempotencyKey: randomUUID(), disputeId: dispute.id, statement: item.answer,
      });
    }
    disputes.push({ id: dispute.id, held: dispute.held, title: item.title });
    // Whole seconds apart, so that "oldest first" has one answer.
    await sleep(1100);
  }

  // The approved delivery completes its contract; reputation opens its review window from
  // escrow's event, so the reviews are retried until it has.
  const reviewed = deliveries[DISPUTED.length];
  await asClient(`${ESCROW}/ApproveMilestone`, {
    idempotencyKey: randomUUID(), milestone: reviewed.milestone,
  });
  const { review } = await eventually(() => asClient(`${REPUTATION}/WriteReview`, {
    contractId: reviewed.contract.id,
    ratings: { overall: 1, quality: 1, communication: 1, deadlines: 1 },
    comment: 'Useless. This person is a fraud and should be banned from the internet.',
  }), ['failed_precondition', 'not_found']);
  await eventually(() => asFreelancer(`${REPUTATION}/WriteReview`, {
    contractId: reviewed.contract.id,
    ratings: { overall: 5, communication: 5, clarity: 5, paymentPromptness: 5 },
    comment: 'Clear brief, paid at once.',
  }), ['failed_precondition', 'not_found']);

  return {
    // Oldest first.
    disputes,
    freelancer: { id: freelancer.id, email: freelancer.email, password: freelancer.password },
    client: { id: client.id, email: client.email, password: client.password },
    // The abusive review of the freelancer, visible now that both parties have reviewed.
    review: { id: review.id, subjectId: freelancer.id },
  };
}
