// The operator console in a real browser (Debian's chromium, driven by puppeteer-core) against
// the real stack with its demo data: the demo freelancer is refused; the demo operator sees the
// escrow overview, works the dispute queue (sorting, the keyboard, the oldest dispute resolved
// with a split that leaves the ledger balanced), hides a review and sees the score change, sees
// "unavailable; retrying" while escrow cannot be reached, and signs out, which revokes the
// session. What to expect is read from the API first (demo_data.mjs).
//
//   node console_test.mjs   (environment: CONSOLE_GATEWAY, CONSOLE_ARTEFACTS, [CONSOLE_DOCS_DIR])
//
// Prints one line per check and "N passed, N failed" at the end; exits 1 when any failed.

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

import { formatMinor, inputOf, minorOf, parseAmount } from '../../services/gateway/console/js/money.js';
import { connectCall, readDemoData } from './demo_data.mjs';

const gateway = process.env.CONSOLE_GATEWAY;
const artefacts = process.env.CONSOLE_ARTEFACTS;
const docsDir = process.env.CONSOLE_DOCS_DIR || '';
const DESKTOP = { width: 1280, height: 900 };
// Width and height only: emulating touch makes puppeteer reload the page by itself, which
// would race the explicit reload below for the session's one-use refresh token.
const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 15000 };

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

async function screenshot(page, name) {
  const file = join(artefacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent);
const rowIds = (page) => page.$$eval('[data-testid="queue-row"]', (rows) =>
  rows.map((row) => row.dataset.disputeId));

// Signs in; returns when the form was sent (Date.now()).
async function login(page, who) {
  await page.waitForSelector('[data-testid="login-email"]', { visible: true, ...WAIT });
  await page.type('[data-testid="login-email"]', who.email);
  await page.type('[data-testid="login-password"]', who.password);
  const sent = Date.now();
  await page.click('[data-testid="login-submit"]');
  return sent;
}

async function main() {
  mkdirSync(artefacts, { recursive: true });
  const demo = await readDemoData(gateway);
  const { operator } = demo;
  const [oldest] = demo.disputes;
  // The oldest dispute's held amount, split 3 : 2 in the page.
  const currency = oldest.held.currency;
  const held = minorOf(oldest.held);
  const toFreelancer = (held * 3n) / 5n;
  const shortClient = (held - toFreelancer) / 2n;
  console.log(`demo data: ${demo.disputes.length} open disputes; the oldest holds ` +
    `${currency} ${formatMinor(held, currency)}`);

  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // The test may run as root, where chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=en-GB'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport(DESKTOP);
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A refused call (403 for the freelancer, 503 while escrow is blocked) is logged by the
      // browser as a failed resource; anything else at error level is the page's own fault.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
        pageErrors.push(message.text());
      }
    });

    // The page itself: served by the gateway with its security headers, fast.
    const response = await page.goto(`${gateway}/console/`, { waitUntil: 'load' });
    // The browser's own account of a load, from the request to the end of the load event, every
    // module and the stylesheet included; measured on the second visit, as an operator opens
    // it, not on the first page of a browser process that is still starting.
    await page.reload({ waitUntil: 'load' });
    const loadMs = Math.round(await page.evaluate(
      () => performance.getEntriesByType('navigation')[0].loadEventEnd));
    const csp = response.headers()['content-security-policy'] || '';
    check('the console is served with a strict Content-Security-Policy',
      csp.includes("script-src 'self'") && csp.includes("connect-src 'self'") &&
      !csp.includes('unsafe-inline'), csp);
    check('nosniff and no-referrer', response.headers()['x-content-type-options'] === 'nosniff' &&
      response.headers()['referrer-policy'] === 'no-referrer');
    check(`the page loads in under a second (${loadMs} ms)`, loadMs < 1000);

    // A freelancer is told the console is for operators, and sees nothing of it.
    await login(page, demo.freelancer);
    await page.waitForSelector('[data-testid="denied"]', WAIT);
    check('a freelancer is refused the console',
      (await text(page, '[data-testid="denied"]')).includes('operators'));
    check('the freelancer sees no navigation',
      await page.$eval('#nav', (nav) => nav.hidden));
    const leftovers = await page.evaluate(() => ({
      session: sessionStorage.length, local: localStorage.length, cookie: document.cookie,
    }));
    check('the refused session leaves no token in the tab',
      leftovers.session === 0 && leftovers.local === 0 && leftovers.cookie === '',
      JSON.stringify(leftovers));
    await screenshot(page, '01-freelancer-refused');
    await page.click('[data-testid="denied-back"]');

    // The operator: the escrow overview with a balanced ledger.
    const loginStart = await login(page, operator);
    await page.waitForSelector('[data-loaded="overview"]', WAIT);
    const overviewMs = Date.now() - loginStart;
    // Signing in hashes the password with scrypt, slow on purpose: a looser bound than a page's.
    check(`the overview shows within 3 s of signing in (${overviewMs} ms)`, overviewMs < 3000);
    check('the ledger check is green', await page.$eval('[data-testid="ledger"]',
      (el) => el.dataset.ok === 'true' && el.classList.contains('ok')));
    const heldBefore = await text(page, `[data-testid="held-total-${currency}"]`);
    check(`money held in ${currency} is shown (${heldBefore})`,
      parseAmount(heldBefore, currency) >= held, heldBefore);
    // One chart per currency held, four age buckets each.
    const charts = (await page.$$('[data-testid="ageing"] figure')).length;
    const bars = (await page.$$('[data-testid="ageing"] svg rect')).length;
    check(`the ageing charts are drawn (${charts} currencies)`, charts >= 1 && bars === 4 * charts,
      `${bars} bars`);
    const storage = await page.evaluate(() => ({
      local: localStorage.length, cookie: document.cookie,
      keys: Object.keys(sessionStorage),
    }));
    check('only the refresh token is kept, in sessionStorage',
      storage.local === 0 && storage.cookie === '' &&
      storage.keys.join() === 'market.console.refresh', JSON.stringify(storage));
    const overviewShot = await screenshot(page, '02-escrow-overview');

    // The queue: oldest first, and by amount on request.
    await page.click('a[data-route="disputes"]');
    await page.waitForSelector('[data-loaded="queue"]', WAIT);
    let ids = await rowIds(page);
    check(`the queue lists the ${demo.disputes.length} open disputes, oldest first`,
      ids.join() === demo.disputes.map((d) => d.id).join(), ids.join());
    check('each dispute shows a countdown to its deadline',
      (await page.$$eval('[data-testid="queue-row"] .deadline',
        (cells) => cells.every((cell) => / left$/.test(cell.textContent)))));
    const queueShot = await screenshot(page, '03-dispute-queue');
    await page.select('[data-testid="queue-sort"]', 'amount');
    ids = await rowIds(page);
    check('sorted by amount, the largest comes first', ids[0] === demo.largestFirst.id, ids.join());
    await page.select('[data-testid="queue-urgency"]', 'overdue');
    check('no dispute is overdue yet, and the page says so',
      (await text(page, '[data-testid="queue-empty"]')).includes('No open disputes match'));
    await page.select('[data-testid="queue-urgency"]', 'all');
    await page.select('[data-testid="queue-sort"]', 'age');

    // Keyboard only: Tab to the first dispute's link and open it with Enter.
    let reached = false;
    for (let i = 0; i < 30 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => document.activeElement?.dataset?.testid === 'queue-open');
    }
    check('the first dispute is reachable with the keyboard', reached);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-loaded="dispute"]', WAIT);
    check('Enter opens the oldest dispute', page.url().endsWith(`#/disputes/${oldest.id}`), page.url());
    const statements = await text(page, '[data-testid="statements"]');
    const opening = oldest.trail.find((event) => event.kind === 'opened');
    check('the opening statement is shown, and the other party\'s silence',
      statements.includes(opening.text) && statements.includes('has not responded yet'));
    check('the frozen terms name the disputed milestone',
      (await text(page, '[data-testid="terms"]')).includes('(disputed)'));
    check('the audit trail lists the opening',
      (await page.$$('[data-testid="trail"] li')).length === oldest.trail.length);

    // The split must add up before the page lets it go.
    await page.type('[data-testid="to-freelancer"]', inputOf(toFreelancer, currency));
    await page.$eval('[data-testid="to-client"]', (el) => { el.value = ''; });
    await page.type('[data-testid="to-client"]', inputOf(shortClient, currency));
    const missing = `${formatMinor(held - toFreelancer - shortClient, currency)} still to assign`;
    check(`a split short of the held amount is refused in the page (${missing})`,
      (await text(page, '[data-testid="split-check"]')).includes(missing) &&
      await page.$eval('[data-testid="resolve-submit"]', (b) => b.disabled));
    await page.$eval('[data-testid="to-freelancer"]', (el) => { el.value = ''; });
    await page.type('[data-testid="to-freelancer"]', inputOf(toFreelancer, currency));
    check('typing the freelancer\'s part fills in the client\'s',
      await page.$eval('[data-testid="to-client"]', (el) => el.value) ===
        inputOf(held - toFreelancer, currency));
    await page.type('[data-testid="resolve-reason"]',
      'Three fifths of the requirements were delivered; the client pays for those.');
    check('a split that adds up can be sent', await page.$eval('[data-testid="resolve-submit"]',
      (b) => !b.disabled));
    await screenshot(page, '04-dispute-detail');

    // And escrow checks the same rule itself.
    const apiLogin = await connectCall(gateway, 'market.identity.v1.IdentityService/Login', operator);
    const refused = await connectCall(gateway, 'market.escrow.v1.EscrowService/ResolveDispute', {
      idempotencyKey: 'console-test-bad-split', disputeId: oldest.id,
      toFreelancer: { currency, minorUnits: String(toFreelancer) },
      toClient: { currency, minorUnits: String(shortClient) }, reason: 'does not add up',
    }, apiLogin.accessToken).then(() => null, (error) => error);
    check('escrow refuses a split that does not add up', refused?.code === 'invalid_argument',
      String(refused?.message));
    await connectCall(gateway, 'market.identity.v1.IdentityService/Logout',
      { refreshToken: apiLogin.refreshToken });

    await page.click('[data-testid="resolve-submit"]');
    await page.waitForSelector('[data-testid="resolved"]', WAIT);
    check('the resolution is confirmed with the release',
      (await text(page, '[data-testid="resolved"]')).includes(
        `To the freelancer ${currency} ${formatMinor(toFreelancer, currency)}`));
    await screenshot(page, '05-dispute-resolved');

    await page.click('[data-testid="back-to-queue"]');
    await page.waitForSelector('[data-loaded="queue"]', WAIT);
    ids = await rowIds(page);
    check('the resolved dispute left the queue',
      ids.length === demo.disputes.length - 1 && !ids.includes(oldest.id),
      ids.join());
    const overviewStart = Date.now();
    await page.click('a[data-route="overview"]');
    await page.waitForSelector('[data-loaded="overview"]', WAIT);
    const revisitMs = Date.now() - overviewStart;
    check(`the overview with its ledger check shows in under a second (${revisitMs} ms)`,
      revisitMs < 1000);
    check('the ledger check stays green after the resolution',
      await page.$eval('[data-testid="ledger"]', (el) => el.dataset.ok === 'true'));
    const heldAfter = await page.$$eval(`[data-testid="held-total-${currency}"]`,
      (els) => (els.length ? els[0].textContent : '0'));
    check(`the money held went down by the resolved amount (${heldBefore} -> ${heldAfter})`,
      parseAmount(heldAfter, currency) === parseAmount(heldBefore, currency) - held);

    // Review moderation: a review goes, the freelancer's score changes.
    await page.goto(`${gateway}/console/#/reviews?user=${demo.review.subjectId}`);
    await page.waitForSelector('[data-loaded="reviews"]', WAIT);
    const before = await text(page, '[data-testid="score-now"]');
    check('the review is found', (await page.$$(`[data-review-id="${demo.review.id}"]`)).length === 1);
    await page.type(`[data-review-id="${demo.review.id}"] [data-testid="hide-reason"]`,
      'Names a competitor; says nothing about the work.');
    await screenshot(page, '06-review-moderation');
    await page.click(`[data-review-id="${demo.review.id}"] [data-testid="hide-submit"]`);
    await page.waitForSelector('[data-testid="score-after"]', WAIT);
    const after = await text(page, '[data-testid="score-after"]');
    const count = demo.review.reviewCount;
    check('the subject\'s score visibly changes', before.includes(`from ${count} reviews`) &&
      after.includes(`from ${count - 1} reviews`) &&
      !after.includes(before.replace('Score now: ', '')),
      `${before} | ${after}`);
    await screenshot(page, '07-review-hidden');

    // Escrow unreachable: the page says so in words and retries by itself.
    await page.setRequestInterception(true);
    let blocked = true;
    const onRequest = (request) => {
      if (blocked && request.url().includes('/market.escrow.v1.')) {
        request.respond({
          status: 503, contentType: 'application/json',
          body: JSON.stringify({ code: 'unavailable', message: 'the escrow service is unavailable' }),
        });
      } else request.continue();
    };
    page.on('request', onRequest);
    await page.click('a[data-route="disputes"]');
    await page.waitForFunction(() => !document.getElementById('banner').hidden, WAIT);
    check('an unreachable escrow is shown as "unavailable; retrying"',
      (await text(page, '#banner')) === 'The escrow service is unavailable; retrying');
    await screenshot(page, '08-escrow-unavailable');
    blocked = false;
    await page.waitForSelector('[data-loaded="queue"]', WAIT);
    check('the queue appears once escrow answers again, without a reload',
      await page.$eval('#banner', (el) => el.hidden));
    page.off('request', onRequest);
    await page.setRequestInterception(false);

    // A phone's width: nothing wider than the screen.
    await page.setViewport(PHONE);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-loaded="queue"]', WAIT);
    const queueWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    check(`the queue fits a phone (${queueWidth} px)`, queueWidth <= PHONE.width);
    await screenshot(page, '09-queue-phone');
    await page.goto(`${gateway}/console/#/overview`);
    await page.waitForSelector('[data-loaded="overview"]', WAIT);
    const overviewWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    check(`the overview fits a phone (${overviewWidth} px)`, overviewWidth <= PHONE.width);
    await screenshot(page, '10-overview-phone');
    await page.setViewport(DESKTOP);

    // Signing out revokes the refresh token on the server, not only in the tab.
    const refreshToken = await page.evaluate(() => sessionStorage.getItem('market.console.refresh'));
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-email"]', { visible: true, ...WAIT });
    check('signing out clears the tab', await page.evaluate(() => sessionStorage.length === 0));
    const reused = await connectCall(gateway, 'market.identity.v1.IdentityService/Refresh',
      { refreshToken }).then(() => null, (error) => error);
    check('the signed-out refresh token is refused', reused?.code === 'unauthenticated',
      String(reused?.message));

    check('no script error or CSP violation on any page', pageErrors.length === 0,
      pageErrors.join(' | '));

    if (docsDir) {
      mkdirSync(docsDir, { recursive: true });
      copyFileSync(overviewShot, join(docsDir, 'console-overview.png'));
      copyFileSync(queueShot, join(docsDir, 'console-queue.png'));
      console.log(`copied the overview and queue screenshots into ${docsDir}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  failed += 1;
  console.log(`FAIL ${error.stack || error}`);
}).finally(() => {
  console.log(`screenshots in ${artefacts}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
});
