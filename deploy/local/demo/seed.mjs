// Loads the local stack's demo data through the gateway's public Connect JSON API, as the users
// themselves would: clients and freelancers in six currencies, profiles, ~110 jobs (fixed and
// hourly, some invite-only), offers, bids, accepted bids and bought offers (contracts in escrow,
// made by the services' own events) left funded, submitted, partly released, completed with
// reviews, or disputed; FX rates loaded by the demo operator.
//
//   node seed.mjs http://127.0.0.1:8080
//
// The demo operator must exist already (deploy/local/demo.sh creates it). Idempotent: when the
// demo client can log in, the data is there and nothing is loaded again. Exits non-zero with a
// message naming the step that failed. Node 20, no packages: global fetch only.
//
// The gateway allows 30 password checks a minute per client address (burst 10), and each user
// costs two (Register, Login): the user count, not the data, bounds how long this takes.
import { DEMO_PASSWORD, OPERATOR, CLIENTS, FREELANCERS, FIELDS, CURRENCIES } from "./catalog.mjs";

const gateway = (process.argv[2] || "").replace(/\/$/, "");
if (!/^https?:\/\//.test(gateway)) {
  console.error("usage: node seed.mjs GATEWAY_URL (e.g. http://127.0.0.1:8080)");
  process.exit(2);
}

// ---- calls -------------------------------------------------------------------------------

class CallError extends Error {
  constructor(method, code, message) {
    super(`${method}: ${code}: ${message}`);
    this.code = code;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CALL_TIMEOUT_MS = 30000;
// Rate-limit refusals (resource_exhausted, HTTP 429) wait as long as the gateway says, at most
// this many times per call.
const MAX_RATE_LIMIT_WAITS = 60;

async function call(method, body, token) {
  for (let waits = 0; ; waits++) {
    const headers = { "Content-Type": "application/json", "Connect-Protocol-Version": "1" };
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(`${gateway}/${method}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CallError(method, "unavailable", `the gateway at ${gateway} did not answer (${error.message})`);
    }
    const text = await response.text();
    let json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CallError(method, "unknown", `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (response.ok) return json;
    if (response.status === 429 && waits < MAX_RATE_LIMIT_WAITS) {
      const seconds = Number(response.headers.get("retry-after")) || 1;
      await sleep(seconds * 1000);
      continue;
    }
    throw new CallError(method, json.code || `http_${response.status}`, json.message || text);
  }
}

// Retries `attempt` while it fails with one of `codes` (an effect of an event not applied yet),
// for up to `limitMs`.
async function eventually(what, codes, attempt, limitMs = 30000) {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!codes.includes(error.code) || Date.now() > until) {
        throw new Error(`${what}: ${error.message}`);
      }
      await sleep(200);
    }
  }
}

// Runs `work` over `items`, `parallel` at a time.
async function each(items, parallel, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(runners);
}

const IDENTITY = "market.identity.v1.IdentityService";
const LISTINGS = "market.listings.v1.ListingsService";
const BIDDING = "market.bidding.v1.BiddingService";
const ESCROW = "market.escrow.v1.EscrowService";
const REPUTATION = "market.reputation.v1.ReputationService";

// ---- data --------------------------------------------------------------------------------

// A fixed generator, so that every demo stack holds the same data.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(20261202);
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));

// Minor units of `currency` worth about `usd` US dollars, rounded to a friendly figure.
function amountOf(usd, currency) {
  const { usdPerUnit, exponent } = CURRENCIES[currency];
  const major = usd / usdPerUnit;
  const step = major >= 100000 ? 1000 : major >= 1000 ? 50 : 5;
  return Math.max(step, Math.round(major / step) * step) * 10 ** exponent;
}
const money = (currency, minorUnits) => ({ currency, minorUnits: String(minorUnits) });
const daysAhead = (days) => new Date(Date.now() + days * 86400000).toISOString().replace(/\.\d+Z$/, "Z");

// The exchange rates between every two demo currencies (escrow locks the exact pair into a
// contract), as exact decimals with at most 12 fractional digits.
function fxRates() {
  const quotedAt = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, "Z");
  const rates = [];
  for (const base of Object.keys(CURRENCIES)) {
    for (const quote of Object.keys(CURRENCIES)) {
      if (base === quote) continue;
      const value = CURRENCIES[base].usdPerUnit / CURRENCIES[quote].usdPerUnit;
      const rate = value.toFixed(value >= 1 ? 6 : 10).replace(/0+$/, "").replace(/\.$/, "");
      rates.push({ baseCurrency: base, quoteCurrency: quote, rate, quotedAt });
    }
  }
  return rates;
}

// ~110 jobs, spread over the clients, each from one field of work.
function planJobs() {
  const jobs = [];
  let n = 0;
  for (const field of FIELDS) {
    for (const title of field.titles) {
      const client = CLIENTS[n % CLIENTS.length];
      const hourly = n % 10 >= 7;
      const usd = hourly ? 0 : between(field.usd[0], field.usd[1]);
      const job = {
        index: n,
        client,
        field,
        hourly,
        title,
        description: `${pick(field.openers)} ${pick(field.details)} ${pick(field.closers)}`,
        skills: [...new Set([pick(field.skills), pick(field.skills), pick(field.skills)])],
        currency: client.currency,
        usd,
        // One in fifteen invite-only; one in eight limited to a few countries.
        inviteOnly: n % 15 === 4,
        allowedCountries: n % 8 === 3 ? ["IN", "BR", "PT", "CA"] : [],
        duration: usd > 4000 ? "JOB_DURATION_ONE_TO_THREE_MONTHS" : "JOB_DURATION_ONE_TO_FOUR_WEEKS",
        deadlineDays: between(7, 30),
      };
      jobs.push(job);
      n++;
    }
  }
  return jobs;
}

function jobFields(job) {
  const budget = job.hourly
    ? {
        hourlyRate: {
          min: money(job.currency, amountOf(between(20, 35), job.currency)),
          max: money(job.currency, amountOf(between(45, 90), job.currency)),
        },
      }
    : { fixedPrice: money(job.currency, amountOf(job.usd, job.currency)) };
  return {
    title: job.title,
    description: job.description,
    skills: job.skills,
    budget,
    expectedDuration: job.duration,
    allowedCountries: job.allowedCountries,
    allowedLanguages: [],
    visibility: job.inviteOnly ? "JOB_VISIBILITY_INVITE_ONLY" : "JOB_VISIBILITY_PUBLIC",
    bidDeadline: daysAhead(job.deadlineDays),
  };
}

function bidTerms(job, posted, freelancer) {
  const letter =
    `Hello ${job.client.displayName}, I am ${freelancer.displayName} (${freelancer.headline}). ` +
    `I have done this kind of work before and can start this week.`;
  if (job.hourly) {
    const range = posted.budget.hourlyRate;
    const low = Number(range.min.minorUnits);
    const high = Number(range.max.minorUnits);
    const step = 10 ** CURRENCIES[job.currency].exponent;
    const rate = Math.round((low + (high - low) * random()) / step) * step || low;
    return { hourlyRate: money(job.currency, rate), deliveryDays: between(14, 60), weeklyHourLimit: between(10, 30), coverLetter: letter };
  }
  const budget = Number(posted.budget.fixedPrice.minorUnits);
  const unit = 10 ** CURRENCIES[job.currency].exponent;
  const amount = Math.max(unit, Math.round((budget * (0.8 + random() * 0.3)) / unit) * unit);
  const first = Math.round(amount * 0.4 / unit) * unit || unit;
  const milestones =
    amount >= 2 * unit
      ? [
          { title: "First delivery", amount: money(job.currency, first), dueInDays: 7 },
          { title: "Final delivery", amount: money(job.currency, amount - first), dueInDays: 21 },
        ]
      : [{ title: "Delivery", amount: money(job.currency, amount), dueInDays: 14 }];
  return { fixedPrice: money(job.currency, amount), deliveryDays: between(10, 45), milestones, coverLetter: letter };
}

// ---- steps -------------------------------------------------------------------------------

const tokens = new Map(); // email -> access token

async function registerAndLogin(user) {
  await call(`${IDENTITY}/Register`, {
    email: user.email,
    password: DEMO_PASSWORD,
    displayName: user.displayName,
    country: user.country,
    roles: [user.role],
    companyName: user.company || "",
    preferredCurrency: user.currency,
  });
  const login = await call(`${IDENTITY}/Login`, { email: user.email, password: DEMO_PASSWORD });
  user.id = login.account.id;
  tokens.set(user.email, login.accessToken);
}

const as = (user) => tokens.get(user.email);

async function alreadyLoaded() {
  try {
    await call(`${IDENTITY}/Login`, { email: CLIENTS[0].email, password: DEMO_PASSWORD });
    return true;
  } catch (error) {
    if (error.code === "unauthenticated") return false;
    throw error;
  }
}

async function postJobs(client, jobs) {
  for (const job of jobs.filter((j) => j.client === client)) {
    const posted = await call(`${LISTINGS}/PostJob`, { job: jobFields(job) }, as(client));
    job.id = posted.job.id;
    job.posted = posted.job;
  }
}

async function setUpFreelancer(freelancer) {
  await call(
    `${LISTINGS}/UpsertMyProfile`,
    {
      headline: freelancer.headline,
      overview: freelancer.overview,
      skills: freelancer.skills,
      languages: freelancer.languages,
      timezone: freelancer.timezone,
      hourlyRate: money(freelancer.currency, amountOf(freelancer.rateUsd, freelancer.currency)),
      weeklyAvailabilityHours: freelancer.hours,
      expectedVersion: "0",
    },
    as(freelancer),
  );
  if (freelancer.portfolio) {
    await call(`${LISTINGS}/AddPortfolioItem`, freelancer.portfolio, as(freelancer));
  }
  freelancer.offers = [];
  for (const offer of freelancer.offerTitles) {
    const created = await call(
      `${LISTINGS}/CreateOffer`,
      {
        offer: {
          title: offer.title,
          description: offer.description,
          price: money(freelancer.currency, amountOf(offer.usd, freelancer.currency)),
          deliveryDays: offer.days,
          revisionsIncluded: 2,
          skills: freelancer.skills.slice(0, 3),
        },
      },
      as(freelancer),
    );
    freelancer.offers.push(created.offer);
  }
}

async function placeBid(job, freelancer) {
  const terms = bidTerms(job, job.posted, freelancer);
  // Bidding learns of the job (and its invitations) from listings' events a moment later.
  const placed = await eventually(`bid on "${job.title}"`, ["not_found"], () =>
    call(`${BIDDING}/PlaceBid`, { jobId: job.id, terms, payoutCurrency: freelancer.currency }, as(freelancer)),
  );
  job.bids.push({ bid: placed.bid, freelancer });
}

async function contractsOf(client) {
  const listed = await call(`${ESCROW}/ListMyContracts`, { page: { pageSize: 100 } }, as(client));
  return listed.contracts || [];
}

// Waits until escrow made a contract of every source id (bid or purchase) in `wanted`.
async function waitForContracts(wanted) {
  const found = new Map();
  const until = Date.now() + 60000;
  while (found.size < wanted.length) {
    const clients = [...new Set(wanted.map((w) => w.client))];
    for (const client of clients) {
      for (const contract of await contractsOf(client)) found.set(contract.sourceId, contract);
    }
    if (wanted.every((w) => found.has(w.sourceId))) break;
    if (Date.now() > until) {
      const missing = wanted.filter((w) => !found.has(w.sourceId)).length;
      throw new Error(`contracts: escrow made ${wanted.length - missing} of ${wanted.length} contracts within 60 s`);
    }
    await sleep(300);
  }
  return wanted.map((w) => ({ ...w, contract: found.get(w.sourceId) }));
}

const key = (what, id) => `demo-${what}-${id}`;
const ref = (contract, milestone) => ({ contractId: contract.id, milestoneId: milestone.id });

async function fund(entry, milestone) {
  await call(`${ESCROW}/FundMilestone`, { idempotencyKey: key("fund", milestone.id), milestone: ref(entry.contract, milestone) }, as(entry.client));
}
async function submit(entry, milestone) {
  await call(`${ESCROW}/SubmitMilestone`, { idempotencyKey: key("submit", milestone.id), milestone: ref(entry.contract, milestone) }, as(entry.freelancer));
}
async function approve(entry, milestone) {
  await call(`${ESCROW}/ApproveMilestone`, { idempotencyKey: key("approve", milestone.id), milestone: ref(entry.contract, milestone) }, as(entry.client));
}

async function review(entry, author, ratings, comment) {
  // Reputation learns that the contract ended from escrow's events a moment later.
  await eventually(`review of "${entry.contract.title}"`, ["not_found", "failed_precondition"], () =>
    call(`${REPUTATION}/WriteReview`, { contractId: entry.contract.id, ratings, comment }, as(author)),
  );
}

// What each contract is left as: the demo shows every state.
async function playOut(entry, state, index) {
  const milestones = entry.contract.milestones || [];
  if (milestones.length === 0 || state === "awaiting funding") return;
  const [first, ...rest] = milestones;
  await fund(entry, first);
  if (state === "funded") return;
  await submit(entry, first);
  if (state === "submitted") return;
  // Only submitted work can be disputed.
  if (state === "disputed") {
    const byClient = index % 2 === 0;
    await call(
      `${ESCROW}/OpenDispute`,
      {
        idempotencyKey: key("dispute", first.id),
        milestone: ref(entry.contract, first),
        reason: byClient
          ? "The delivery misses two of the agreed requirements and the freelancer stopped answering."
          : "The work was delivered as agreed but the client neither approves nor explains what is missing.",
      },
      as(byClient ? entry.client : entry.freelancer),
    );
    return;
  }
  await approve(entry, first);
  if (state === "released") return;
  for (const milestone of rest) {
    await fund(entry, milestone);
    await submit(entry, milestone);
    await approve(entry, milestone);
  }
  // Completed: both sides review (double-blind: both become visible once both are written).
  const overall = index % 5 === 3 ? 3 : index % 3 === 0 ? 4 : 5;
  await review(
    entry,
    entry.client,
    { overall, quality: overall, communication: 5, deadlines: Math.max(3, overall - 1) },
    overall >= 5 ? "Excellent work, clear communication, delivered early." : "Good result; a few rounds of changes were needed.",
  );
  await review(
    entry,
    entry.freelancer,
    { overall: 5, communication: 5, clarity: 4, paymentPromptness: 5 },
    "Clear brief and quick approvals. Happy to work together again.",
  );
}

// ---- main --------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  if (await alreadyLoaded()) {
    console.log("demo data: already loaded (the demo client exists); nothing to do");
    return;
  }
  const operatorLogin = await call(`${IDENTITY}/Login`, { email: OPERATOR.email, password: DEMO_PASSWORD }).catch(
    (error) => {
      throw new Error(`the demo operator cannot log in (demo.sh creates it): ${error.message}`);
    },
  );
  const operatorToken = operatorLogin.accessToken;
  await call(`${ESCROW}/LoadFxRates`, { rates: fxRates() }, operatorToken);

  const jobs = planJobs();
  for (const job of jobs) job.bids = [];

  // Clients first: their jobs go up while the freelancers register (password checks are
  // rate-limited, so registration sets the pace).
  const jobsPosted = [];
  for (const client of CLIENTS) {
    await registerAndLogin(client);
    jobsPosted.push(postJobs(client, jobs));
  }
  const freelancerWork = [];
  for (const freelancer of FREELANCERS) {
    await registerAndLogin(freelancer);
    freelancerWork.push(setUpFreelancer(freelancer));
  }
  await Promise.all(jobsPosted);
  await Promise.all(freelancerWork);
  console.log(`demo data: ${CLIENTS.length + FREELANCERS.length} users, ${jobs.length} jobs (${Math.round((Date.now() - started) / 1000)} s)`);

  // Invitations, then bids: about half the jobs get two or three bids, within each freelancer's
  // monthly bid credits (bidding's defaults: 60 a month, 2 for a job of up to four weeks, 4 for
  // a longer one, nothing for an invited bid).
  const allowed = (job) =>
    FREELANCERS.filter((f) => job.allowedCountries.length === 0 || job.allowedCountries.includes(f.country));
  const invited = jobs.filter((job) => job.inviteOnly);
  await each(invited, 3, async (job, i) => {
    const eligible = allowed(job);
    job.guests = [eligible[i % eligible.length], eligible[(i + 2) % eligible.length]];
    await call(`${LISTINGS}/InviteToJob`, { jobId: job.id, freelancerIds: job.guests.map((f) => f.id) }, as(job.client));
  });
  const credits = new Map(FREELANCERS.map((f) => [f.email, 0]));
  const bidPlan = [];
  for (const job of jobs) {
    if (job.index % 2 === 1 && !job.inviteOnly) continue;
    const eligible = job.inviteOnly ? job.guests : allowed(job);
    const cost = job.inviteOnly ? 0 : job.duration === "JOB_DURATION_ONE_TO_FOUR_WEEKS" ? 2 : 4;
    const wanted = Math.min(eligible.length, job.inviteOnly ? 2 : between(2, 3));
    const start = between(0, eligible.length - 1);
    for (let k = 0, placed = 0; k < eligible.length && placed < wanted; k++) {
      const freelancer = eligible[(start + k) % eligible.length];
      if (credits.get(freelancer.email) + cost > 50) continue;
      credits.set(freelancer.email, credits.get(freelancer.email) + cost);
      bidPlan.push({ job, freelancer });
      placed++;
    }
  }
  await each(bidPlan, 4, ({ job, freelancer }) => placeBid(job, freelancer));

  // Accepted bids and bought offers become contracts in escrow through the services' events.
  const withBids = jobs.filter((job) => job.bids.length > 0);
  const fixedToAccept = withBids.filter((job) => !job.hourly).slice(0, 22);
  const hourlyToAccept = withBids.filter((job) => job.hourly).slice(0, 3);
  const wanted = [];
  await each([...fixedToAccept, ...hourlyToAccept], 3, async (job) => {
    const chosen = job.bids[job.index % job.bids.length];
    await call(`${BIDDING}/AcceptBid`, { bidId: chosen.bid.id, idempotencyKey: key("accept", chosen.bid.id) }, as(job.client));
    wanted.push({ sourceId: chosen.bid.id, client: job.client, freelancer: chosen.freelancer, hourly: job.hourly });
  });
  const purchases = FREELANCERS.slice(0, 6).map((freelancer, i) => ({ freelancer, offer: freelancer.offers[0], client: CLIENTS[i % CLIENTS.length] }));
  await each(purchases, 3, async ({ freelancer, offer, client }) => {
    const bought = await call(
      `${LISTINGS}/BuyOffer`,
      { offerId: offer.id, expectedPrice: offer.price, idempotencyKey: key("buy", offer.id) },
      as(client),
    );
    wanted.push({ sourceId: bought.purchase.purchaseId, client, freelancer, hourly: false });
  });
  const contracts = await waitForContracts(wanted);
  console.log(`demo data: ${contracts.length} contracts in escrow (${Math.round((Date.now() - started) / 1000)} s)`);

  // Wallets: each client tops up what its contracts will need, per currency (in steps within
  // the top-up limit).
  // The demo freelancer's contracts first, so that its first one completes with reviews.
  const demoFirst = (entry) => (entry.freelancer === FREELANCERS[0] ? 0 : 1);
  const fixed = contracts.filter((c) => !c.hourly).sort((a, b) => demoFirst(a) - demoFirst(b));
  const needs = new Map();
  for (const entry of fixed) {
    const k = `${entry.client.email} ${entry.contract.currency}`;
    const total = (entry.contract.milestones || []).reduce((sum, m) => sum + Number(m.amount.minorUnits), 0);
    needs.set(k, (needs.get(k) || 0) + total);
  }
  for (const [k, total] of needs) {
    const [email, currency] = k.split(" ");
    const client = CLIENTS.find((c) => c.email === email);
    const limit = 1000000 * 10 ** CURRENCIES[currency].exponent;
    for (let left = total, step = 0; left > 0; left -= limit, step++) {
      await call(
        `${ESCROW}/TopUpWallet`,
        { idempotencyKey: key("topup", `${client.id}-${currency}-${step}`), amount: money(currency, Math.min(left, limit)), paymentToken: "sandbox-ok" },
        as(client),
      );
    }
  }

  const states = ["completed", "funded", "submitted", "released", "completed", "disputed", "awaiting funding", "completed"];
  await each(fixed, 3, (entry, i) => playOut(entry, states[i % states.length], i));

  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `demo data: loaded in ${seconds} s: ${jobs.length} jobs, ${bidPlan.length} bids, ${contracts.length} contracts ` +
      `(${fixed.filter((_, i) => states[i % states.length] === "completed").length} completed with reviews, ` +
      `${fixed.filter((_, i) => states[i % states.length] === "disputed").length} disputed)`,
  );
}

main().catch((error) => {
  console.error(`demo data: FAILED: ${error.message}`);
  console.error("demo data: the stack keeps running; to load the demo from scratch, stop it and delete its data folder");
  process.exit(1);
});
