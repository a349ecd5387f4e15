// The signed-in operator's session. The access token lives in this module's memory only; the
// refresh token in sessionStorage, so that reloading the tab keeps the session while closing it
// ends it. Never localStorage (shared by every tab and kept for good) and never a cookie (sent
// by the browser on its own).

const REFRESH_KEY = 'market.console.refresh';

let accessToken = '';
let account = null;

export function accessTokenValue() {
  return accessToken;
}

export function currentAccount() {
  return account;
}

export function isOperator(who = account) {
  return Boolean(who?.roles?.includes('ROLE_OPERATOR'));
}

export function storedRefreshToken() {
  return sessionStorage.getItem(REFRESH_KEY) || '';
}

export function start(tokens, who) {
  if (tokens.accessToken) accessToken = tokens.accessToken;
  if (tokens.refreshToken) sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  if (who) account = who;
}

export function clear() {
  accessToken = '';
  account = null;
  sessionStorage.removeItem(REFRESH_KEY);
}
