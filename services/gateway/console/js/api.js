// Calls to the marketplace's public Connect API with JSON (connectrpc.com/docs/protocol), from
// the gateway's own origin: POST /<package>.<Service>/<Method>.
//
//   const summary = await call('escrow', 'GetEscrowSummary', {});
//
// A refused call throws ApiError with the Connect code and message. An expired access token is
// renewed once with the refresh token and the call repeated; when that fails too the session
// has ended and onSessionEnded's handler runs.

import * as session from './session.js';

const SERVICES = {
  identity: 'market.identity.v1.IdentityService',
  escrow: 'market.escrow.v1.EscrowService',
  reputation: 'market.reputation.v1.ReputationService',
  listings: 'market.listings.v1.ListingsService',
};

// What a person is told when a service cannot be reached.
export const SERVICE_NAMES = {
  identity: 'The sign-in service',
  escrow: 'The escrow service',
  reputation: 'The reputation service',
  listings: 'The listings service',
};

const TIMEOUT_MS = 10000;

export class ApiError extends Error {
  constructor(code, message, service) {
    super(message);
    this.code = code;
    this.service = service;
  }

  // Worth retrying by itself: the service is down, overloaded or slow.
  get transient() {
    return ['unavailable', 'deadline_exceeded', 'resource_exhausted', 'network'].includes(
      this.code);
  }
}

let sessionEnded = () => {};
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

async function post(service, method, body, token) {
  const headers = {
    'Content-Type': 'application/json',
    'Connect-Protocol-Version': '1',
    'Connect-Timeout-Ms': String(TIMEOUT_MS),
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`/${SERVICES[service]}/${method}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS + 1000),
    });
  } catch {
    throw new ApiError('network', `${SERVICE_NAMES[service]} cannot be reached`, service);
  }
  const text = await response.text();
  let parsed = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  if (response.ok) return parsed;
  const code = parsed.code || (response.status === 503 ? 'unavailable' : 'unknown');
  throw new ApiError(code, parsed.message || `HTTP ${response.status}`, service);
}

let refreshing = null;

// One refresh at a time: parallel calls that all found the token expired share it, since a
// refresh token is spent by its first use.
async function refresh() {
  const refreshToken = session.storedRefreshToken();
  if (!refreshToken) throw new ApiError('unauthenticated', 'not signed in', 'identity');
  refreshing ??= post('identity', 'Refresh', { refreshToken })
    .then((tokens) => session.start(tokens))
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function call(service, method, body) {
  try {
    return await post(service, method, body, session.accessTokenValue());
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'unauthenticated') throw error;
  }
  try {
    await refresh();
  } catch (error) {
    session.clear();
    sessionEnded();
    throw error;
  }
  return post(service, method, body, session.accessTokenValue());
}

export async function login(email, password) {
  const answer = await post('identity', 'Login', { email, password });
  return answer;
}

// Restores a session from the tab's refresh token (after a reload).
export async function resume() {
  await refresh();
  const me = await post('identity', 'Me', {}, session.accessTokenValue());
  return me.account;
}

// Ends the session on the server too: its refresh token is revoked, so a copy is worthless.
export async function logout() {
  const refreshToken = session.storedRefreshToken();
  session.clear();
  if (refreshToken) {
    try {
      await post('identity', 'Logout', { refreshToken });
    } catch {
      // Already ended or unreachable: the token is gone from this tab either way.
    }
  }
}
