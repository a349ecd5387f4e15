// Review moderation: find a user's reviews, hide an abusive one with a reason (kept in
// reputation's audit trail), and see the subject's score before and after.

import { call } from '../api.js';
import { h, mount, shortId } from '../dom.js';
import { formatInstant } from '../time.js';

const REASON_MAX = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIRECTIONS = {
  DIRECTION_OF_FREELANCER: 'by a client, of the freelancer',
  DIRECTION_OF_CLIENT: 'by a freelancer, of the client',
};

function scoreLine(score) {
  if (!score) return '—';
  const rating = Number(score.rating ?? 0).toFixed(3);
  const clientRating = Number(score.clientRating ?? 0).toFixed(3);
  return `as a freelancer ${rating} from ${score.reviewCount ?? 0} reviews; ` +
    `as a client ${clientRating} from ${score.clientReviewCount ?? 0} reviews` +
    ((score.badges || []).length ? `; badges: ${score.badges.join(', ')}` : '');
}

function stars(value) {
  const n = Math.max(0, Math.min(5, Number(value || 0)));
  return h('span', { class: 'stars', 'aria-label': `${n} of 5` }, '★'.repeat(n) + '☆'.repeat(5 - n));
}

export async function renderReviews(container, params, ctx) {
  const userInput = h('input', {
    id: 'review-user', value: params.query.get('user') || '', size: 38, spellcheck: 'false',
    placeholder: 'account id (UUID)', 'data-testid': 'review-user',
  });
  const formError = h('p', { class: 'error', role: 'alert' });
  const scoreBox = h('div', { 'data-testid': 'score-box' });
  const results = h('div', { 'data-testid': 'review-results' });

  async function find(userId) {
    history.replaceState(null, '', `#/reviews?user=${encodeURIComponent(userId)}`);
    const [scoreAnswer, reviewsAnswer] = await ctx.load(() => Promise.all([
      call('reputation', 'GetScore', { userId }),
      call('reputation', 'ListReviews', { userId, page: { pageSize: 100 } }),
    ]));
    mount(scoreBox, h('p', { class: 'score', 'data-testid': 'score-now' },
      h('strong', {}, 'Score now: '), scoreLine(scoreAnswer.score)));
    const reviews = reviewsAnswer.reviews || [];
    if (reviews.length === 0) {
      mount(results, h('p', { class: 'empty', 'data-testid': 'reviews-empty' },
        'No visible reviews of this account.'));
      return;
    }
    mount(results, h('ul', { class: 'reviews' }, reviews.map((review) =>
      reviewItem(review, scoreAnswer.score))));
    container.dataset.loaded = 'reviews';
  }

  function reviewItem(review, before) {
    const reason = h('textarea', {
      rows: 2, maxlength: REASON_MAX, required: true, 'aria-label': 'Why hide this review',
      'data-testid': 'hide-reason',
    });
    const error = h('p', { class: 'error', role: 'alert' });
    const button = h('button', { type: 'submit', class: 'danger', 'data-testid': 'hide-submit' },
      'Hide review');
    const item = h('li', { class: 'card review', 'data-testid': 'review', 'data-review-id': review.id },
      h('p', {}, stars(review.ratings?.overall), ' ', DIRECTIONS[review.direction] || '',
        ' · author ', shortId(review.authorId), ' · contract ', shortId(review.contractId),
        ' · ', formatInstant(review.createdAt)),
      review.comment ? h('blockquote', {}, review.comment) : h('p', { class: 'hint' }, 'No comment.'),
      review.reply ? h('p', { class: 'hint' }, 'Reply: ', h('q', {}, review.reply.text)) : null,
      h('form', {
        class: 'hide-form', novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          if (!reason.value.trim()) {
            error.textContent = 'Give a reason: it is kept in the audit trail.';
            reason.focus();
            return;
          }
          button.disabled = true;
          error.textContent = '';
          try {
            const answer = await call('reputation', 'HideReview', {
              reviewId: review.id, reason: reason.value.trim(),
            });
            mount(item, h('div', { role: 'status', 'data-testid': 'hidden-result' },
              h('p', {}, h('strong', {}, 'Hidden. '), 'It no longer counts and nobody sees it.'),
              h('p', { class: 'score-change', 'data-testid': 'score-change' },
                h('span', { class: 'before' }, `Before: ${scoreLine(before)}`), h('br'),
                h('span', { class: 'after', 'data-testid': 'score-after' },
                  `After: ${scoreLine(answer.subjectScore)}`))));
            mount(scoreBox, h('p', { class: 'score', 'data-testid': 'score-now' },
              h('strong', {}, 'Score now: '), scoreLine(answer.subjectScore)));
          } catch (failure) {
            error.textContent = `Reputation refused: ${failure.message}`;
            button.disabled = false;
          }
        },
      }, h('label', {}, 'Reason ', reason), button, error));
    return item;
  }

  mount(container,
    h('h1', {}, 'Review moderation'),
    h('form', {
      class: 'filters', novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const userId = userInput.value.trim();
        if (!UUID.test(userId)) {
          formError.textContent = 'Enter the account id of the reviewed user (a UUID).';
          return;
        }
        formError.textContent = '';
        await find(userId).catch((error) => {
          formError.textContent = `Reputation refused: ${error.message}`;
        });
      },
    },
    h('label', { for: 'review-user' }, 'Reviews of'), userInput,
    h('button', { type: 'submit', 'data-testid': 'review-find' }, 'Find reviews'), formError),
    h('p', { class: 'hint' }, 'Open a dispute and follow a party\'s "reviews" link, or paste an account id.'),
    scoreBox, results);
  const initial = params.query.get('user');
  if (initial && UUID.test(initial)) await find(initial);
}
