// Who is logged in. The bearer token lives in this module's memory and in sessionStorage, so a
// reload of the tab keeps the session while closing the tab ends it; it never goes into a URL, a
// cookie or a log line. docs/web-client.md says why this and not a cookie.

const KEY = 'taskhive.session';
let current = read();
const listeners = new Set();

function read() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY));
    if (stored && stored.token && Date.parse(stored.expiresAt) > Date.now()) {
      return stored;
    }
  } catch {
    // unreadable or storage refused: start logged out
  }
  sessionStorage.removeItem(KEY);
  return null;
}

/** {token, expiresAt, user: {id, username, role}} or null. */
export function session() {
  if (current && Date.parse(current.expiresAt) <= Date.now()) {
    end('Your session has expired; please log in again.');
  }
  return current;
}

export function isAdmin() {
  return current?.user?.role === 'ADMIN';
}

export function begin(login) {
  current = { token: login.token, expiresAt: login.expiresAt, user: login.user };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // private mode without storage: the session lasts until reload
  }
  listeners.forEach((listener) => listener(current, null));
}

/** Ends the session; `reason` is shown on the login page (e.g. an expired token). */
export function end(reason = null) {
  current = null;
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener(null, reason));
}

export function onChange(listener) {
  listeners.add(listener);
}
