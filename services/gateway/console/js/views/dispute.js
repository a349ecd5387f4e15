// One dispute: the contract's frozen terms, the disputed milestone, both parties' statements,
// the audit trail, and the resolution form: a split of the held amount (freelancer part +
// client part = held, checked here and again by escrow) with a reason.

import { ApiError, call } from '../api.js';
import { h, mount, shortId } from '../dom.js';
import { formatMinor, formatMoney, inputOf, minorOf, parseAmount } from '../money.js';
import { countdown, formatDuration, formatInstant } from '../time.js';

const REASON_MAX = 2000;
const EVENT_NAMES = { opened: 'Opened', responded: 'Responded', resolved: 'Resolved' };

// Escrow has no call for one dispute: the queue holds every open one (at most 100 are listed;
// older resolved ones come from the resolved list).
async function findDispute(id) {
  for (const state of ['DISPUTE_STATE_OPEN', 'DISPUTE_STATE_RESOLVED']) {
    const answer = await call('escrow', 'ListDisputes', { state, limit: 100 });
    const found = (answer.disputes || []).find((dispute) => dispute.id === id);
    if (found) return found;
  }
  return null;
}

function partyName(contract, accountId) {
  if (accountId === contract.clientId) return 'client';
  if (accountId === contract.freelancerId) return 'freelancer';
  return 'operator';
}

function termsSection(contract, milestoneId) {
  const policy = contract.policy || {};
  const rate = contract.lockedRate;
  return h('section', { class: 'card', 'data-testid': 'terms' },
    h('h2', {}, 'Contract terms (frozen at creation)'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Contract'), h('dd', {}, contract.title, ' ', shortId(contract.id)),
      h('dt', {}, 'Client'), h('dd', {}, shortId(contract.clientId), ` (${contract.clientCountry})`,
        ' · ', h('a', { href: `#/reviews?user=${contract.clientId}` }, 'reviews')),
      h('dt', {}, 'Freelancer'), h('dd', {}, shortId(contract.freelancerId),
        ` (${contract.freelancerCountry})`, ' · ',
        h('a', { href: `#/reviews?user=${contract.freelancerId}` }, 'reviews')),
      h('dt', {}, 'Currency'), h('dd', {}, contract.currency,
        contract.payoutCurrency !== contract.currency
          ? ` → paid in ${contract.payoutCurrency} at ${rate?.rate} (quoted ${formatInstant(rate?.quotedAt)})`
          : ''),
      h('dt', {}, 'Platform fee'),
      h('dd', {}, `${(policy.freelancerFeeBasisPoints ?? 1000) / 100} % of each release`),
      h('dt', {}, 'Review window'),
      h('dd', {}, formatDuration(Number(policy.reviewWindowSeconds || 0) * 1000)),
      h('dt', {}, 'Dispute response window'),
      h('dd', {}, formatDuration(Number(policy.disputeResponseWindowSeconds || 0) * 1000)),
      h('dt', {}, 'Created'), h('dd', {}, formatInstant(contract.createdAt))),
    (contract.milestones || []).length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'Milestones'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Title'),
        h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'num' }, 'Amount'),
        h('th', { scope: 'col', class: 'num' }, 'Held'))),
      h('tbody', {}, contract.milestones.map((m) => h('tr', {
        class: m.id === milestoneId ? 'highlight' : '',
        'aria-current': m.id === milestoneId ? 'true' : null,
      },
      h('td', {}, m.position), h('td', {}, m.title, m.id === milestoneId ? ' (disputed)' : ''),
      h('td', {}, (m.state || '').replace(/^MILESTONE_STATE_/, '').toLowerCase()),
      h('td', { class: 'num' }, formatMoney(m.amount)),
      h('td', { class: 'num' }, formatMoney(m.held))))))) : null);
}

function statementsSection(dispute) {
  const opened = (dispute.trail || []).find((event) => event.kind === 'opened');
  const responded = (dispute.trail || []).find((event) => event.kind === 'responded');
  const other = dispute.openedBy === 'client' ? 'freelancer' : 'client';
  const statement = (title, event, missing) => h('article', { class: 'statement' },
    h('h3', {}, title),
    event ? [h('blockquote', {}, event.text),
      h('p', { class: 'hint' }, formatInstant(event.at))] : h('p', { class: 'empty' }, missing));
  return h('section', { class: 'card', 'data-testid': 'statements' },
    h('h2', {}, 'Statements'),
    h('div', { class: 'statements' },
      statement(`The ${dispute.openedBy} (opened the dispute)`, opened, 'No statement.'),
      statement(`The ${other}`, responded,
        `The ${other} has not responded yet. ${countdown(dispute.responseDeadline).text}.`)));
}

function trailSection(dispute, contract) {
  return h('section', { class: 'card', 'data-testid': 'trail' },
    h('h2', {}, 'Audit trail'),
    h('ol', { class: 'trail' }, (dispute.trail || []).map((event) => h('li', {},
      h('strong', {}, EVENT_NAMES[event.kind] || event.kind), ' by the ',
      partyName(contract, event.actorId), ' ', shortId(event.actorId), ', ',
      formatInstant(event.at), event.text ? [': ', h('q', {}, event.text)] : ''))));
}

function resolvedSection(dispute) {
  return h('section', { class: 'card resolved', 'data-testid': 'resolution' },
    h('h2', {}, 'Resolved'),
    h('p', {}, `To the freelancer ${formatMoney(dispute.toFreelancer)}, to the client ${formatMoney(dispute.toClient)}.`));
}

function resolveForm(dispute, ctx, onResolved) {
  const currency = dispute.held.currency;
  const held = minorOf(dispute.held);
  // One key per opened form: a retried submit (a lost answer) cannot resolve twice, and escrow
  // answers the same key with the first result.
  const idempotencyKey = `console-${crypto.randomUUID()}`;
  const toFreelancer = h('input', {
    id: 'to-freelancer', inputmode: 'decimal', required: true, 'data-testid': 'to-freelancer',
    'aria-describedby': 'split-check',
  });
  const toClient = h('input', {
    id: 'to-client', inputmode: 'decimal', required: true, 'data-testid': 'to-client',
    'aria-describedby': 'split-check',
  });
  const reason = h('textarea', {
    id: 'reason', rows: 3, maxlength: REASON_MAX, required: true, 'data-testid': 'resolve-reason',
  });
  const check = h('p', { id: 'split-check', class: 'split-check', 'aria-live': 'polite',
    'data-testid': 'split-check' });
  const submit = h('button', { type: 'submit', 'data-testid': 'resolve-submit' }, 'Resolve dispute');
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'resolve-error' });

  function validate() {
    const f = parseAmount(toFreelancer.value, currency);
    const c = parseAmount(toClient.value, currency);
    let message = '';
    if (f === null) message = `The freelancer's part must be an amount in ${currency}.`;
    else if (c === null) message = `The client's part must be an amount in ${currency}.`;
    else if (f + c !== held) {
      const diff = held - f - c;
      message = `The parts must add up to the held ${formatMoney(dispute.held)}: ` +
        (diff > 0n ? `${formatMinor(diff, currency)} still to assign.`
          : `${formatMinor(-diff, currency)} too much.`);
    } else if (!reason.value.trim()) message = 'Give a reason: the parties and the audit trail see it.';
    check.textContent = message || `✔ ${formatMinor(f, currency)} + ${formatMinor(c, currency)} = ${formatMoney(dispute.held)}`;
    check.className = `split-check ${message ? 'pending' : 'ok'}`;
    submit.disabled = Boolean(message);
    return message ? null : { f, c };
  }

  // Typing one part fills in the other, so the sum holds unless the operator breaks it.
  toFreelancer.addEventListener('input', () => {
    const f = parseAmount(toFreelancer.value, currency);
    if (f !== null && f <= held) toClient.value = inputOf(held - f, currency);
    validate();
  });
  toClient.addEventListener('input', validate);
  reason.addEventListener('input', validate);

  const preset = (label, f, testid) => h('button', {
    type: 'button', class: 'secondary', 'data-testid': testid,
    onclick: () => {
      toFreelancer.value = inputOf(f, currency);
      toClient.value = inputOf(held - f, currency);
      validate();
    },
  }, label);

  const form = h('form', {
    class: 'card resolve', 'data-testid': 'resolve-form', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const parts = validate();
      if (!parts) return;
      submit.disabled = true;
      error.textContent = '';
      try {
        const answer = await call('escrow', 'ResolveDispute', {
          idempotencyKey,
          disputeId: dispute.id,
          toFreelancer: { currency, minorUnits: parts.f.toString() },
          toClient: { currency, minorUnits: parts.c.toString() },
          reason: reason.value.trim(),
        });
        onResolved(answer);
      } catch (failure) {
        error.textContent = failure instanceof ApiError && failure.transient
          ? `${failure.message}. Nothing was lost: try again, it will not resolve twice.`
          : `Escrow refused: ${failure.message}`;
        submit.disabled = false;
      }
    },
  },
  h('h2', {}, 'Resolve'),
  h('p', {}, 'Split the held ', h('strong', {}, formatMoney(dispute.held)),
    ' between the parties. The freelancer\'s part is released like an approval (platform fee, locked rate).'),
  h('div', { class: 'presets' },
    preset('All to the freelancer', held, 'split-freelancer'),
    preset('Half each', held / 2n, 'split-half'),
    preset('All to the client', 0n, 'split-client')),
  h('div', { class: 'split' },
    h('label', { for: 'to-freelancer' }, `To the freelancer (${currency})`), toFreelancer,
    h('label', { for: 'to-client' }, `To the client (${currency})`), toClient),
  h('label', { for: 'reason' }, 'Reason (both parties see it)'), reason,
  check, submit, error);
  validate();
  return form;
}

export async function renderDispute(container, params, ctx) {
  const dispute = await ctx.load(() => findDispute(params.id));
  if (!dispute) {
    mount(container, h('p', { class: 'empty', 'data-testid': 'view-error' },
      'No such dispute. ', h('a', { href: '#/disputes' }, 'Back to the queue')));
    return;
  }
  const { contract } = await ctx.load(() =>
    call('escrow', 'GetContract', { contractId: dispute.contractId }));
  const milestone = (contract.milestones || []).find((m) => m.id === dispute.milestoneId);
  const open = dispute.state === 'DISPUTE_STATE_OPEN';
  const due = countdown(dispute.responseDeadline);

  const draw = (current, resolution) => mount(container,
    h('p', {}, h('a', { href: '#/disputes' }, '← Dispute queue')),
    h('h1', {}, 'Dispute on ', h('q', {}, milestone?.title || 'a milestone')),
    h('p', { class: 'lead', 'data-testid': 'dispute-summary' },
      `Held ${formatMoney(current.held)} · opened by the ${current.openedBy} ${formatInstant(current.openedAt)} · `,
      open && !resolution ? h('span', { class: due.overdue ? 'badge overdue' : 'badge' },
        `Response ${due.text.toLowerCase()}`) : h('span', { class: 'badge ok' }, 'Resolved')),
    resolution ? h('section', { class: 'card resolved', role: 'status', 'data-testid': 'resolved' },
      h('h2', {}, 'Dispute resolved'),
      h('p', {}, `To the freelancer ${formatMoney(resolution.dispute.toFreelancer)} ` +
        `(paid ${formatMoney(resolution.release?.paid)} after a fee of ${formatMoney(resolution.release?.fee)}), ` +
        `to the client ${formatMoney(resolution.dispute.toClient)}.`),
      h('p', {}, h('a', { href: '#/disputes', 'data-testid': 'back-to-queue' }, 'Back to the queue'),
        ' · ', h('a', { href: '#/overview' }, 'Escrow overview'))) : null,
    h('div', { class: 'detail' },
      h('div', { class: 'detail-main' },
        statementsSection(current),
        trailSection(current, contract),
        termsSection(contract, current.milestoneId)),
      h('div', { class: 'detail-side' },
        open && !resolution ? resolveForm(current, ctx, (answer) => draw(answer.dispute, answer))
          : (resolution ? null : resolvedSection(current)))));
  draw(dispute, null);
  container.dataset.loaded = 'dispute';
}
