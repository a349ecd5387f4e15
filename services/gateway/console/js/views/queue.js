// The dispute queue: open disputes sorted by age, amount or deadline, filtered by currency,
// amount and urgency, each with a live countdown to its response deadline; overdue ones stand
// out.

import { call } from '../api.js';
import { h, mount, shortId } from '../dom.js';
import { formatMoney, minorOf, parseAmount } from '../money.js';
import { age, countdown, formatInstant } from '../time.js';

const REFRESH_MS = 15000;
const SOON_MS = 24 * 3600 * 1000;
const ORDERS = {
  age: { order: 'DISPUTE_ORDER_AGE', label: 'Oldest first' },
  amount: { order: 'DISPUTE_ORDER_AMOUNT', label: 'Largest amount first' },
  deadline: { order: 'DISPUTE_ORDER_DEADLINE', label: 'Earliest deadline first' },
};
const URGENCY = {
  all: 'All open disputes',
  overdue: 'Overdue only',
  soon: 'Due within 24 hours or overdue',
};

// Sorting again in the page keeps one order when amounts of several currencies mix: by
// currency, then amount.
function sortDisputes(disputes, sort) {
  const list = [...disputes];
  if (sort === 'amount') {
    list.sort((a, b) => {
      const byCurrency = (a.held?.currency || '').localeCompare(b.held?.currency || '');
      if (byCurrency !== 0) return byCurrency;
      const diff = minorOf(b.held) - minorOf(a.held);
      return diff > 0n ? 1 : diff < 0n ? -1 : 0;
    });
  } else if (sort === 'deadline') {
    list.sort((a, b) => Date.parse(a.responseDeadline) - Date.parse(b.responseDeadline));
  } else {
    list.sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
  }
  return list;
}

function responded(dispute) {
  return (dispute.trail || []).some((event) => event.kind === 'responded');
}

export async function renderQueue(container, params, ctx) {
  const query = params.query;
  const state = {
    sort: ORDERS[query.get('sort')] ? query.get('sort') : 'age',
    urgency: URGENCY[query.get('urgency')] ? query.get('urgency') : 'all',
    currency: query.get('currency') || '',
    min: query.get('min') || '',
  };
  let disputes = [];

  const sortSelect = h('select', { id: 'queue-sort', 'data-testid': 'queue-sort' },
    Object.entries(ORDERS).map(([key, { label }]) =>
      h('option', { value: key, selected: key === state.sort }, label)));
  const urgencySelect = h('select', { id: 'queue-urgency', 'data-testid': 'queue-urgency' },
    Object.entries(URGENCY).map(([key, label]) =>
      h('option', { value: key, selected: key === state.urgency }, label)));
  const currencySelect = h('select', { id: 'queue-currency', 'data-testid': 'queue-currency' });
  const minInput = h('input', {
    id: 'queue-min', inputmode: 'decimal', value: state.min, placeholder: 'e.g. 100',
    'data-testid': 'queue-min', size: 10,
  });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });
  const list = h('div', { class: 'table-wrap' });

  function visible() {
    const now = Date.now();
    return sortDisputes(disputes, state.sort).filter((dispute) => {
      const left = Date.parse(dispute.responseDeadline) - now;
      if (state.urgency === 'overdue' && left >= 0) return false;
      if (state.urgency === 'soon' && left >= SOON_MS) return false;
      if (state.currency && dispute.held?.currency !== state.currency) return false;
      if (state.min && state.currency) {
        const min = parseAmount(state.min, state.currency);
        if (min !== null && minorOf(dispute.held) < min) return false;
      }
      return true;
    });
  }

  function drawRows() {
    const rows = visible();
    count.textContent = disputes.length === 0 ? '' :
      `${rows.length} of ${disputes.length} open disputes shown.`;
    if (disputes.length === 0) {
      mount(list, h('p', { class: 'empty', 'data-testid': 'queue-empty' }, 'No open disputes. 🎉'));
      return;
    }
    if (rows.length === 0) {
      mount(list, h('p', { class: 'empty', 'data-testid': 'queue-empty' },
        'No open disputes match these filters.'));
      return;
    }
    mount(list, h('table', { class: 'queue', 'data-testid': 'queue-table' },
      h('caption', { class: 'visually-hidden' }, 'Open disputes'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Dispute'),
        h('th', { scope: 'col' }, 'Opened'),
        h('th', { scope: 'col' }, 'Opened by'),
        h('th', { scope: 'col', class: 'num' }, 'Held'),
        h('th', { scope: 'col' }, 'Response'),
        h('th', { scope: 'col' }, 'Deadline'))),
      h('tbody', {}, rows.map((dispute) => {
        const due = countdown(dispute.responseDeadline);
        return h('tr', {
          class: due.overdue ? 'overdue' : '', 'data-testid': 'queue-row',
          'data-dispute-id': dispute.id,
        },
        h('td', {}, h('a', { href: `#/disputes/${dispute.id}`, 'data-testid': 'queue-open' },
          'Dispute ', shortId(dispute.id))),
        h('td', { title: formatInstant(dispute.openedAt) }, `${age(dispute.openedAt)} ago`),
        h('td', {}, dispute.openedBy),
        h('td', { class: 'num' }, formatMoney(dispute.held)),
        h('td', {}, responded(dispute) ? 'Responded' : 'Waiting'),
        h('td', { class: 'deadline', title: formatInstant(dispute.responseDeadline) },
          due.overdue ? h('strong', { class: 'badge overdue' }, due.text) : due.text));
      }))));
  }

  // Each second: the countdowns only, in place, so that focus and selection stay where the
  // operator left them.
  function tick() {
    const byId = new Map(disputes.map((dispute) => [dispute.id, dispute]));
    list.querySelectorAll('tr[data-dispute-id]').forEach((row) => {
      const dispute = byId.get(row.dataset.disputeId);
      if (!dispute) return;
      const due = countdown(dispute.responseDeadline);
      row.classList.toggle('overdue', due.overdue);
      mount(row.querySelector('.deadline'),
        due.overdue ? h('strong', { class: 'badge overdue' }, due.text) : due.text);
    });
  }

  function syncHash() {
    const query = new URLSearchParams();
    if (state.sort !== 'age') query.set('sort', state.sort);
    if (state.urgency !== 'all') query.set('urgency', state.urgency);
    if (state.currency) query.set('currency', state.currency);
    if (state.min) query.set('min', state.min);
    const text = query.toString();
    // replaceState: the filters belong in the address (a link can be shared) without a new
    // history entry per change, and without redrawing the view.
    history.replaceState(null, '', `#/disputes${text ? '?' + text : ''}`);
  }

  function onChange() {
    state.sort = sortSelect.value;
    state.urgency = urgencySelect.value;
    state.currency = currencySelect.value;
    state.min = minInput.value.trim();
    minInput.disabled = !state.currency;
    syncHash();
    drawRows();
  }
  [sortSelect, urgencySelect, currencySelect].forEach((el) => el.addEventListener('change', onChange));
  minInput.addEventListener('input', onChange);

  async function load() {
    const answer = await ctx.load(() => call('escrow', 'ListDisputes', {
      order: ORDERS[state.sort].order, limit: 100,
    }));
    disputes = answer.disputes || [];
    const currencies = [...new Set(disputes.map((d) => d.held?.currency).filter(Boolean))].sort();
    mount(currencySelect, h('option', { value: '' }, 'Any currency'),
      currencies.map((c) => h('option', { value: c, selected: c === state.currency }, c)));
    minInput.disabled = !state.currency;
    drawRows();
    container.dataset.loaded = 'queue';
  }

  mount(container,
    h('h1', {}, 'Dispute queue'),
    h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() },
      h('label', { for: 'queue-sort' }, 'Sort'), sortSelect,
      h('label', { for: 'queue-urgency' }, 'Show'), urgencySelect,
      h('label', { for: 'queue-currency' }, 'Currency'), currencySelect,
      h('label', { for: 'queue-min' }, 'Held at least (in the currency)'), minInput),
    count, list);
  await load();
  // The countdowns tick every second; the list itself is fetched again now and then, so a
  // dispute another operator resolved leaves it.
  ctx.every(1000, tick);
  let busy = false;
  ctx.every(REFRESH_MS, async () => {
    if (busy) return;
    busy = true;
    await load().catch(() => {});
    busy = false;
  });
}
