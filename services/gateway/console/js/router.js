// Hash routes ("#/disputes/<id>") to views. A view is a function (container, params, ctx)
// that fills the container; ctx lets it run timers and retries that stop when the operator
// leaves the view, and show a status banner.
//
//   route('disputes/:id', renderDispute);
//   startRouter(container, banner);

import { ApiError, SERVICE_NAMES } from './api.js';
import { h, mount } from './dom.js';

const RETRY_MS = 3000;
const routes = [];
let current = null;

export function route(pattern, view) {
  const names = [];
  const regex = new RegExp(
    '^' + pattern.replace(/:(\w+)/g, (_, name) => {
      names.push(name);
      return '([^/?]+)';
    }) + '(?:\\?(.*))?$');
  routes.push({ regex, names, view });
}

class ViewContext {
  constructor(banner) {
    this.banner = banner;
    this.timers = [];
    this.alive = true;
  }

  every(ms, fn) {
    this.timers.push(setInterval(() => this.alive && fn(), ms));
  }

  later(ms, fn) {
    this.timers.push(setTimeout(() => this.alive && fn(), ms));
  }

  status(text, kind = 'warn') {
    if (!this.alive) return;
    this.banner.hidden = !text;
    this.banner.className = `banner ${kind}`;
    this.banner.textContent = text || '';
  }

  // Runs `load` until it succeeds, telling the operator while a service is unavailable; gives
  // other errors back to the caller.
  async load(load) {
    for (;;) {
      try {
        const result = await load();
        this.status(null);
        return result;
      } catch (error) {
        if (!(error instanceof ApiError) || !error.transient) throw error;
        this.status(`${SERVICE_NAMES[error.service] || 'A service'} is unavailable; retrying`);
        await new Promise((resolve) => this.later(RETRY_MS, resolve));
        if (!this.alive) return new Promise(() => {});
      }
    }
  }

  stop() {
    this.alive = false;
    this.timers.forEach((timer) => clearInterval(timer));
    this.timers.forEach((timer) => clearTimeout(timer));
  }
}

// A message for a person, in place of the view, for an error `load` did not retry.
export function errorState(container, error) {
  const text = error instanceof ApiError && error.code === 'permission_denied'
    ? 'Your account may not see this.'
    : `Something went wrong: ${error.message}`;
  mount(container, h('p', { class: 'error', role: 'alert', 'data-testid': 'view-error' }, text));
}

export function show(container, banner) {
  current?.stop();
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  for (const { regex, names, view } of routes) {
    const match = regex.exec(hash);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    params.query = new URLSearchParams(match[names.length + 1] || '');
    current = new ViewContext(banner);
    banner.hidden = true;
    document.querySelectorAll('#nav a').forEach((link) => {
      const active = hash.startsWith(link.dataset.route);
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    mount(container);
    view(container, params, current).catch((error) => errorState(container, error));
    return;
  }
  mount(container, h('p', {}, 'No such page. ', h('a', { href: '#/overview' }, 'Back to the overview')));
}

export function stopCurrent() {
  current?.stop();
  current = null;
}
