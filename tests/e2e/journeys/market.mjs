// What every journey shares: Connect JSON calls through the gateway (the only address a journey
// talks to), sign-up and login, waiting until the stack's events have done their work, killing
// a service under the supervisor of deploy/local/run.sh, and the money arithmetic of
// DESIGN.md's rules, done here again, independently of the services, so that a journey checks
// their figures instead of copying them. Node 20, no packages.
//
//   import * as market from './market.mjs';
//   const client = await market.signUp('client', { country: 'DE', currency: 'EUR' });
//   const job = await market.call('market.listings.v1.ListingsService/PostJob', { job }, client);
//   await market.eventually('the job reaches bidding', () => ...);
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (tests/e2e/journeys_test.sh sets it)`);
  return value;
};

export const gateway = env('MARKET_JOURNEY_GATEWAY');
// "gateway=21180,listings=21181,...": where each service answers /readyz.
const servicePorts = Object.fromEntries(
  env('MARKET_JOURNEY_PORTS').split(',').map((pair) => pair.split('=')));
const stackDir = env('MARKET_STACK_DIR');
// The stack's escrow runs with this review window (MARKET_ESCROW_REVIEW_WINDOW_S).
export const reviewWindowSeconds = Number(env('MARKET_JOURNEY_REVIEW_WINDOW_S'));
// And this one for weekly invoices (MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S).
export const invoiceReviewWindowSeconds = Number(env('MARKET_JOURNEY_INVOICE_REVIEW_WINDOW_S'));
// Every journey runs on its own accounts: a tag in their e-mails and in searchable text.
export const runTag = `j${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const key = () => randomUUID();

// ------------------------------------------------------------------------------------------
// Connect calls.

export class ConnectError extends Error {
  constructor(method, status, body) {
    super(`${method}: HTTP ${status} ${body.code}: ${body.message ?? ''}`);
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? [];
  }

  // The reason of the google.rpc.ErrorInfo detail (field 1 of the message), if any.
  get reason() {
    const info = this.details.find((detail) => detail.type === 'google.rpc.ErrorInfo');
    if (!info) return undefined;
    const bytes = Buffer.from(info.value, 'base64');
    let at = 0;
    while (at < bytes.length) {
      const tag = bytes[at++];
      let length = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at++];
        length |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      if (tag === 0x0a) return bytes.subarray(at, at + length).toString('utf8');
      at += length;  // every ErrorInfo field is length-delimited
    }
    return undefined;
  }
}

// The transport failures and answers a client retries: the gateway or a service is being
// restarted by the supervisor, or a rate limit asks to wait. Calls that move money carry an
// idempotency key, so a retry never moves money twice.
const kRetryFor = 30_000;

function retryable(error) {
  if (error instanceof ConnectError) {
    return error.code === 'unavailable' || error.code === 'resource_exhausted';
  }
  return true;  // refused, reset or closed connection
}

// Calls `method` ("market.escrow.v1.EscrowService/GetWallet") with `body` as `user` (an object
// with a token, or undefined), returning the decoded JSON reply; a Connect error is thrown as a
// ConnectError.
export async function call(method, body, user) {
  const until = Date.now() + kRetryFor;
  for (let attempt = 1; ; ++attempt) {
    try {
      return await callOnce(method, body, user);
    } catch (error) {
      if (!retryable(error) || Date.now() > until) throw error;
      await sleep(Math.min(100 * attempt, 1000));
    }
  }
}

async function callOnce(method, body, user) {
  const headers = { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' };
  if (user?.token) headers.Authorization = `Bearer ${user.token}`;
  const response = await fetch(`${gateway}/${method}`, {
    method: 'POST', headers, body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  let decoded;
  try {
    decoded = text ? JSON.parse(text) : {};
  } catch {
    throw new ConnectError(method, response.status, { code: 'unknown', message: text });
  }
  if (response.status !== 200) throw new ConnectError(method, response.status, decoded);
  return decoded;
}

// Expects `promise` to fail with `code` (and `reason`, when given); returns the error.
export async function refused(promise, code, reason) {
  const error = await promise.then(
    (reply) => assert.fail(`expected ${code}${reason ? ` ${reason}` : ''}, got ${JSON.stringify(reply)}`),
    (caught) => caught);
  if (!(error instanceof ConnectError)) throw error;
  assert.equal(error.code, code, error.message);
  if (reason) assert.equal(error.reason, reason, error.message);
  return error;
}

// The services' short names, for the calls of each package.
export const listings = (method, body, user) =>
  call(`market.listings.v1.ListingsService/${method}`, body, user);
export const bidding = (method, body, user) =>
  call(`market.bidding.v1.BiddingService/${method}`, body, user);
export const escrow = (method, body, user) =>
  call(`market.escrow.v1.EscrowService/${method}`, body, user);
export const reputation = (method, body, user) =>
  call(`market.reputation.v1.ReputationService/${method}`, body, user);
export const identity = (method, body, user) =>
  call(`market.identity.v1.IdentityService/${method}`, body, user);

// ------------------------------------------------------------------------------------------
// Accounts.

const kPassword = 'a long journey password';

// Registers a new freelancer or client account and logs it in: { id, email, token, country,
// currency, name }.
export async function signUp(role, { country, currency, name }) {
  const email = `${role}-${country.toLowerCase()}-${runTag}-${randomUUID().slice(0, 8)}@example.com`;
  const roles = [role === 'client' ? 'ROLE_CLIENT' : 'ROLE_FREELANCER'];
  await identity('Register', {
    email, password: kPassword, displayName: name ?? `${role} in ${country}`, country, roles,
    preferredCurrency: currency, ...(role === 'client' ? { companyName: `${name ?? 'SME'} GmbH` } : {}),
  });
  return { ...(await logIn(email, kPassword)), country, currency };
}

export async function logIn(email, password) {
  const reply = await identity('Login', { email, password });
  return { id: reply.account.id, email, token: reply.accessToken, account: reply.account };
}

// The operator account the driver created with market-create-operator.
export async function operator() {
  return logIn(env('MARKET_JOURNEY_OPERATOR_EMAIL'), env('MARKET_JOURNEY_OPERATOR_PASSWORD'));
}

// ------------------------------------------------------------------------------------------
// Waiting for the events.

// Calls `probe` until it returns something other than undefined or false (or stops throwing),
// and returns that. Events travel through outboxes and Redis Streams, so their effects show a
// moment after the call that caused them.
export async function eventually(what, probe, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
      last = new Error('not yet');
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}: ${last?.message}`);
    }
    await sleep(intervalMs);
  }
}

// ------------------------------------------------------------------------------------------
// The supervisor: kill a service, wait until run.sh has restarted it.

function pidOf(service) {
  return Number(readFileSync(`${stackDir}/pids/${service}`, 'utf8').trim());
}

async function ready(service) {
  try {
    const response = await fetch(`http://127.0.0.1:${servicePorts[service]}/readyz`);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

// SIGKILLs the service's process (no drain, no goodbye) and waits until the supervisor has
// started a new one and it is ready.
export async function killAndAwaitRestart(service) {
  const pid = pidOf(service);
  const started = Date.now();
  process.kill(pid, 'SIGKILL');
  log(`    killed ${service} (pid ${pid})`);
  const restarted = await eventually(`${service} is restarted`, async () => {
    let current;
    try {
      current = pidOf(service);
    } catch {
      return false;
    }
    return current !== pid && (await ready(service)) && current;
  }, { timeoutMs: 30_000, intervalMs: 100 });
  log(`    ${service} is back as pid ${restarted} after ${Date.now() - started} ms`);
}

// ------------------------------------------------------------------------------------------
// Steps and their log.

export function log(line) {
  console.log(line);
}

let stepNumber = 0;
export async function step(name, body) {
  const started = Date.now();
  ++stepNumber;
  try {
    const result = await body();
    log(`  ok ${stepNumber} ${name} (${Date.now() - started} ms)`);
    return result;
  } catch (error) {
    log(`  FAILED ${stepNumber} ${name}: ${error.stack ?? error}`);
    throw error;
  }
}

// A step the platform cannot do yet: logged, so the gap shows in every run.
export function todo(name, why) {
  log(`  TODO ${name}: ${why}`);
}

// Runs a journey: its steps, then the ledger check; exits non-zero on the first failure.
export async function journey(name, body) {
  log(`journey: ${name} (run ${runTag})`);
  const started = Date.now();
  try {
    await body();
    await step('the ledger check passes', async () => assertLedgerBalances(await operator()));
  } catch (error) {
    log(`journey FAILED: ${name}: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  log(`journey passed: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export async function assertLedgerBalances(operatorUser) {
  const check = await escrow('CheckLedger', {}, operatorUser);
  assert.deepEqual(check.problems ?? [], [], 'the ledger check reports no problem');
  assert.equal(check.ok, true, 'the ledger check passes');
  for (const currency of check.currencies ?? []) {
    assert.equal(BigInt(currency.sumMinorUnits ?? 0), 0n, `${currency.currency} sums to zero`);
  }
}

// ------------------------------------------------------------------------------------------
// Money, computed here from the frozen terms (DESIGN.md, money rules 1 and 7).

// Minor-unit exponents of the currencies the journeys use (libs/money's table has them all).
const kExponents = { EUR: 2, USD: 2, INR: 2, BRL: 2, CAD: 2, PLN: 2, GBP: 2, CHF: 2, PHP: 2, JPY: 0 };

export function exponent(currency) {
  assert.ok(currency in kExponents, `the journeys know the exponent of ${currency}`);
  return kExponents[currency];
}

export const money = (currency, minorUnits) => ({ currency, minorUnits: String(minorUnits) });
export const minor = (amount) => BigInt(amount?.minorUnits ?? 0);

// numerator / denominator rounded half-even; both BigInt, denominator positive.
export function divideHalfEven(numerator, denominator) {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twice = 2n * (n % denominator);
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

// A release of `gross` minor units at `feeBps` and the locked `rate` ("90.4517"), from the
// contract currency into the payout currency: { fee, net, paid } as the design defines them.
export function release(gross, feeBps, rate, fromCurrency, toCurrency) {
  const fee = divideHalfEven(gross * BigInt(feeBps), 10000n);
  const net = divideHalfEven(gross * BigInt(10000 - feeBps), 10000n);
  return { fee, net, paid: convert(net, rate, fromCurrency, toCurrency) };
}

// `amount` minor units of `fromCurrency` at `rate` (an exact decimal string) into minor units of
// `toCurrency`, rounded half-even.
export function convert(amount, rate, fromCurrency, toCurrency) {
  const [whole, fraction = ''] = rate.split('.');
  const rateUnits = BigInt(whole + fraction);
  let numerator = amount * rateUnits;
  let denominator = 10n ** BigInt(fraction.length);
  const shift = exponent(toCurrency) - exponent(fromCurrency);
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  return divideHalfEven(numerator, denominator);
}

// Loads FX rates as the operator, quoted now: [['EUR', 'INR', '90.4517'], ...].
export async function loadRates(operatorUser, rates) {
  const quotedAt = new Date().toISOString();
  const reply = await escrow('LoadFxRates', {
    rates: rates.map(([base, quote, rate]) => ({
      baseCurrency: base, quoteCurrency: quote, rate, quotedAt,
    })),
  }, operatorUser);
  assert.equal(reply.stored, rates.length, `stored ${JSON.stringify(reply)}`);
}

// The balance of `user`'s wallet in `currency`, in minor units.
export async function wallet(user, currency) {
  const reply = await escrow('GetWallet', {}, user);
  const balance = (reply.balances ?? []).find((b) => b.available?.currency === currency);
  return minor(balance?.available);
}

export async function topUp(client, amount) {
  return escrow('TopUpWallet', { idempotencyKey: key(), amount, paymentToken: 'sandbox-ok' }, client);
}

// The freelancer withdraws `amount` through the sandbox payout method; the same `idempotencyKey`
// asks for the same payout again.
export async function requestPayout(freelancer, amount, idempotencyKey = key()) {
  const reply = await escrow('RequestPayout', { idempotencyKey, amount, method: 'sandbox-payout-ok' }, freelancer);
  return reply.payout;
}

export const milestoneRef = (contract, index) =>
  ({ contractId: contract.id, milestoneId: contract.milestones[index].id });

export async function contract(user, contractId) {
  return (await escrow('GetContract', { contractId }, user)).contract;
}

// The contracts `user` is a party to that came from `sourceId` (a bid or a purchase).
export async function contractsFrom(user, sourceId) {
  const reply = await escrow('ListMyContracts', { page: { pageSize: 100 } }, user);
  return (reply.contracts ?? []).filter((c) => c.sourceId === sourceId);
}

// A date `days` from now, as proto3 JSON writes a Timestamp.
export const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString();

export { assert };
