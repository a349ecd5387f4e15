// Escrow overview: money held per currency and milestone state, its age as a chart, the other
// figures escrow reports (invoices, payouts, withholding), and the ledger check.

import { call } from '../api.js';
import { barChart } from '../chart.js';
import { h, mount } from '../dom.js';
import { formatMinor, formatMoney, minorOf } from '../money.js';

const REFRESH_MS = 15000;
const BUCKETS = ['0-7d', '8-30d', '31-90d', '>90d'];
const STATE_NAMES = {
  MILESTONE_STATE_FUNDED: 'Funded',
  MILESTONE_STATE_SUBMITTED: 'Submitted, in review',
  MILESTONE_STATE_DISPUTED: 'Disputed (frozen)',
  MILESTONE_STATE_PENDING: 'Pending (rolled over)',
};
// Figures escrow's summary may carry beyond held and ageing, by their JSON names; any other
// field it gains is shown too, under its own name.
const FIGURE_NAMES = {
  invoicesPaymentDue: 'Invoices payment due',
  invoicesDue: 'Invoices payment due',
  payoutsPending: 'Payouts pending',
  pendingPayouts: 'Payouts pending',
  withholdingHeld: 'Withholding held',
  withheld: 'Withholding held',
};

function stateName(state) {
  return STATE_NAMES[state] || state.replace(/^MILESTONE_STATE_/, '').toLowerCase();
}

function humanise(key) {
  return FIGURE_NAMES[key] || key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

function byCurrency(rows) {
  const groups = new Map();
  for (const row of rows || []) {
    const currency = row.held?.currency || '';
    if (!groups.has(currency)) groups.set(currency, []);
    groups.get(currency).push(row);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function isMoney(value) {
  return value && typeof value === 'object' && 'currency' in value &&
    Object.keys(value).every((k) => k === 'currency' || k === 'minorUnits');
}

// One figure of any shape escrow sends: an amount, a count, a list of rows of those.
function figureValue(value) {
  if (isMoney(value)) return formatMoney(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return h('ul', { class: 'plain' }, value.map((item) => h('li', {}, figureValue(item))));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([k, v], i) => [
      i ? ', ' : '', isMoney(v) ? '' : `${humanise(k).toLowerCase()} `, figureValue(v)]);
  }
  return String(value);
}

function heldSection(summary) {
  const groups = byCurrency(summary.held);
  if (groups.length === 0) {
    return h('section', { class: 'card', 'data-testid': 'held' },
      h('h2', {}, 'Money held in escrow'), h('p', { class: 'empty' }, 'Escrow holds no money.'));
  }
  return h('section', { class: 'card', 'data-testid': 'held' },
    h('h2', {}, 'Money held in escrow'),
    groups.map(([currency, rows]) => {
      const total = rows.reduce((sum, row) => sum + minorOf(row.held), 0n);
      return h('div', { class: 'currency-block' },
        h('h3', {}, currency, ' ', h('span', { class: 'total', 'data-testid': `held-total-${currency}` },
          formatMinor(total, currency))),
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col', class: 'num' }, 'Milestones'),
            h('th', { scope: 'col', class: 'num' }, 'Held'))),
          h('tbody', {}, rows.map((row) => h('tr', {},
            h('td', {}, stateName(row.state)),
            h('td', { class: 'num' }, row.milestones ?? 0),
            h('td', { class: 'num' }, formatMinor(minorOf(row.held), currency)))))));
    }));
}

function ageingSection(summary) {
  const groups = byCurrency(summary.ageing);
  return h('section', { class: 'card', 'data-testid': 'ageing' },
    h('h2', {}, 'Age of held money'),
    h('p', { class: 'hint' }, 'Since each milestone was funded.'),
    groups.length === 0 ? h('p', { class: 'empty' }, 'Nothing held, so nothing ageing.') :
      groups.map(([currency, rows]) => {
        const amounts = new Map(rows.map((row) => [row.bucket, minorOf(row.held)]));
        const buckets = [...BUCKETS, ...[...amounts.keys()].filter((b) => !BUCKETS.includes(b))];
        return h('figure', { class: 'chart-figure' },
          barChart({
            title: `${currency} held by age`,
            bars: buckets.map((bucket, i) => ({
              label: bucket,
              value: amounts.get(bucket) ?? 0n,
              text: formatMinor(amounts.get(bucket) ?? 0n, currency),
              className: `age-${Math.min(i, 3)}`,
            })),
          }),
          h('figcaption', {}, `${currency} held by age`));
      }));
}

function otherFigures(summary) {
  const keys = Object.keys(summary).filter((key) => key !== 'held' && key !== 'ageing');
  if (keys.length === 0) return null;
  return h('section', { class: 'card', 'data-testid': 'figures' },
    h('h2', {}, 'Invoices, payouts and withholding'),
    h('dl', { class: 'figures' }, keys.map((key) => [
      h('dt', {}, humanise(key)), h('dd', {}, figureValue(summary[key]))])));
}

function ledgerSection(check) {
  const ok = Boolean(check.ok);
  return h('section', {
    class: `card ledger ${ok ? 'ok' : 'failed'}`, 'data-testid': 'ledger',
    'data-ok': String(ok),
  },
  h('h2', {}, 'Ledger check'),
  h('p', { class: 'verdict', role: 'status' }, ok
    ? '✔ The ledger balances: every currency sums to zero and every account matches its transfers.'
    : '✘ The ledger does not balance.'),
  h('p', { class: 'hint' }, `${check.transfers ?? 0} transfers, ${check.legs ?? 0} legs checked.`),
  (check.problems || []).length ? h('ul', { class: 'problems' },
    check.problems.map((problem) => h('li', {}, problem))) : null,
  (check.currencies || []).map((currency) => {
    const sum = BigInt(currency.sumMinorUnits ?? 0);
    return h('div', { class: 'currency-block' },
      h('h3', {}, currency.currency, ' ',
        h('span', { class: sum === 0n ? 'sum ok' : 'sum failed' },
          `sum ${formatMinor(sum, currency.currency)}`)),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Accounts'),
          h('th', { scope: 'col', class: 'num' }, 'Stored'),
          h('th', { scope: 'col', class: 'num' }, 'Recomputed'))),
        h('tbody', {}, (currency.accounts || []).map((account) => {
          const stored = minorOf(account.stored);
          const recomputed = minorOf(account.recomputed);
          return h('tr', { class: stored === recomputed ? '' : 'mismatch' },
            h('td', {}, account.kind.replace(/_/g, ' ')),
            h('td', { class: 'num' }, formatMinor(stored, currency.currency)),
            h('td', { class: 'num' }, formatMinor(recomputed, currency.currency)));
        }))));
  }));
}

export async function renderOverview(container, _params, ctx) {
  const draw = async () => {
    const [summary, check] = await ctx.load(() => Promise.all([
      call('escrow', 'GetEscrowSummary', {}),
      call('escrow', 'CheckLedger', {}),
    ]));
    mount(container,
      h('h1', {}, 'Escrow overview'),
      h('div', { class: 'grid' },
        ledgerSection(check), heldSection(summary), ageingSection(summary), otherFigures(summary)));
    container.dataset.loaded = 'overview';
  };
  await draw();
  let busy = false;
  ctx.every(REFRESH_MS, async () => {
    if (busy) return;
    busy = true;
    await draw().catch(() => {});
    busy = false;
  });
}
