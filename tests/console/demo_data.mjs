// What the browser test works on: the stack's demo data (deploy/local/demo/seed.mjs), read back
// through the public API as the demo operator sees it. Nothing here is made up by the test:
// the disputes, the money held and the reviews are the demo's, so the expectations are derived
// from the API's answers, not written down.
//
//   const demo = await readDemoData('http://127.0.0.1:22180');

import { DEMO_PASSWORD, FREELANCERS, OPERATOR } from '../../deploy/local/demo/catalog.mjs';
import { minorOf } from '../../services/gateway/console/js/money.js';

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

const IDENTITY = 'market.identity.v1.IdentityService';
const ESCROW = 'market.escrow.v1.EscrowService';
const REPUTATION = 'market.reputation.v1.ReputationService';

// The queue's two orders as the console computes them (queue.js): by the time opened; by
// currency, then the largest amount.
const byAge = (a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt);
function byAmount(a, b) {
  const byCurrency = (a.held?.currency || '').localeCompare(b.held?.currency || '');
  if (byCurrency !== 0) return byCurrency;
  const diff = minorOf(b.held) - minorOf(a.held);
  return diff > 0n ? 1 : diff < 0n ? -1 : 0;
}

export async function readDemoData(gateway) {
  const operator = { email: OPERATOR.email, password: DEMO_PASSWORD };
  const freelancer = { email: FREELANCERS[0].email, password: DEMO_PASSWORD };
  const login = await connectCall(gateway, `${IDENTITY}/Login`, operator);
  const token = login.accessToken;
  try {
    const { disputes = [] } = await connectCall(gateway, `${ESCROW}/ListDisputes`,
      { order: 'DISPUTE_ORDER_AGE', limit: 100 }, token);
    if (disputes.length < 2) {
      throw new Error(`the demo data has ${disputes.length} open disputes; the test needs two`);
    }
    const freelancerLogin = await connectCall(gateway, `${IDENTITY}/Login`, freelancer);
    await connectCall(gateway, `${IDENTITY}/Logout`, { refreshToken: freelancerLogin.refreshToken });
    const subjectId = freelancerLogin.account.id;
    const { reviews = [] } = await connectCall(gateway, `${REPUTATION}/ListReviews`,
      { userId: subjectId, direction: 'DIRECTION_OF_FREELANCER' }, token);
    if (reviews.length === 0) throw new Error('the demo freelancer has no visible review');
    const { score } = await connectCall(gateway, `${REPUTATION}/GetScore`, { userId: subjectId }, token);
    return {
      operator,
      freelancer,
      // Oldest first, and the first by amount.
      disputes: [...disputes].sort(byAge),
      largestFirst: [...disputes].sort(byAmount)[0],
      // The newest review of the demo freelancer, and how many count towards its score.
      review: { id: reviews[0].id, subjectId, reviewCount: Number(score?.reviewCount ?? 0) },
    };
  } finally {
    await connectCall(gateway, `${IDENTITY}/Logout`, { refreshToken: login.refreshToken });
  }
}
