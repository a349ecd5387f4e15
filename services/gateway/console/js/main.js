// The console's entry: sign-in, the operator-only gate, and the routes to the four screens.

import * as api from './api.js';
import { h, mount } from './dom.js';
import { route, show, stopCurrent } from './router.js';
import * as session from './session.js';
import { renderDispute } from './views/dispute.js';
import { renderOverview } from './views/overview.js';
import { renderQueue } from './views/queue.js';
import { renderReviews } from './views/reviews.js';

const ROLE_NAMES = { ROLE_FREELANCER: 'freelancer', ROLE_CLIENT: 'client', ROLE_OPERATOR: 'operator' };

const el = {
  nav: document.getElementById('nav'),
  who: document.getElementById('who'),
  whoName: document.getElementById('who-name'),
  logout: document.getElementById('logout'),
  banner: document.getElementById('banner'),
  login: document.getElementById('login'),
  loginForm: document.getElementById('login-form'),
  loginError: document.getElementById('login-error'),
  view: document.getElementById('view'),
  main: document.getElementById('main'),
};

route('overview', renderOverview);
route('disputes', renderQueue);
route('disputes/:id', renderDispute);
route('reviews', renderReviews);

function showLogin(message = '') {
  stopCurrent();
  el.nav.hidden = true;
  el.who.hidden = true;
  el.banner.hidden = true;
  mount(el.view);
  el.login.hidden = false;
  el.loginError.textContent = message;
  el.loginForm.elements.email.focus();
}

function showApp(account) {
  el.login.hidden = true;
  el.nav.hidden = false;
  el.who.hidden = false;
  el.whoName.textContent = account.displayName || account.email;
  if (!location.hash) history.replaceState(null, '', '#/overview');
  show(el.view, el.banner);
}

// Anyone but an operator is told so and sees nothing: the session is ended on the server at
// once, so no token of theirs stays in this tab.
async function deny(account) {
  await api.logout();
  showLogin();
  el.login.hidden = true;
  const roles = (account.roles || []).map((role) => ROLE_NAMES[role] || role).join(' and ');
  mount(el.view, h('section', { class: 'card denied', role: 'alert', 'data-testid': 'denied' },
    h('h1', {}, 'Operators only'),
    h('p', {}, `You signed in as ${account.email}, a ${roles || 'user'} account. ` +
      'This console is for the marketplace\'s operators; it shows nothing to other accounts.'),
    h('p', {}, 'You have been signed out. ',
      h('button', { type: 'button', 'data-testid': 'denied-back', onclick: () => showLogin() },
        'Sign in as an operator'))));
}

el.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = el.loginForm.elements.email.value.trim();
  const password = el.loginForm.elements.password.value;
  if (!email || !password) {
    el.loginError.textContent = 'Enter your email and password.';
    return;
  }
  el.loginError.textContent = '';
  const button = el.loginForm.querySelector('button');
  button.disabled = true;
  try {
    const answer = await api.login(email, password);
    session.start(answer, answer.account);
    el.loginForm.reset();
    if (session.isOperator(answer.account)) showApp(answer.account);
    else await deny(answer.account);
  } catch (error) {
    el.loginError.textContent = error.code === 'unauthenticated'
      ? 'Wrong email or password.'
      : error.code === 'resource_exhausted'
        ? `Too many attempts: ${error.message}`
        : `Signing in failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
});

el.logout.addEventListener('click', async () => {
  await api.logout();
  showLogin('Signed out.');
});

// The skip link moves focus without touching the address, which holds the route.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  el.main.focus();
});

api.onSessionEnded(() => showLogin('Your session ended; sign in again.'));

window.addEventListener('hashchange', () => {
  if (!session.isOperator()) return;
  show(el.view, el.banner);
  el.main.focus();
});

// A reload keeps the tab's session: its refresh token gives a new access token.
if (session.storedRefreshToken()) {
  api.resume().then((account) => {
    session.start({}, account);
    if (session.isOperator(account)) showApp(account);
    else deny(account);
  }).catch(() => showLogin());
} else {
  showLogin();
}
