// The REST API, with the bearer token in the Authorization header (never in a URL). Failures come
// back as ApiError carrying the problem's status and detail (RFC 9457 problem+json), for the
// views to show where they belong.
import { session, end } from './session.js';

export class ApiError extends Error {
  constructor(status, detail, problem = null) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.problem = problem;
  }
}

export function authHeaders(extra = {}) {
  const current = session();
  return current ? { ...extra, Authorization: `Bearer ${current.token}` } : extra;
}

export async function request(method, path, body = undefined, { signal } = {}) {
  const headers = authHeaders({ Accept: 'application/json, application/problem+json' });
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = data?.detail || data?.title || `The request failed (HTTP ${response.status}).`;
    if (response.status === 401 && session() && !path.startsWith('/api/auth/')) {
      end('Your session has ended; please log in again.');
    }
    throw new ApiError(response.status, detail, data);
  }
  return data;
}

/**
 * Saves a file the API serves (a task's result file): fetched with the token in its header, as
 * every request is, then handed to the browser as a download from a local object URL.
 */
export async function download(path, fileName) {
  let response;
  try {
    response = await fetch(path, { headers: authHeaders(), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    let detail = `The download failed (HTTP ${response.status}).`;
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      // not a problem document
    }
    throw new ApiError(response.status, detail);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  delete: (path, options) => request('DELETE', path, undefined, options),
};

/** A query string from the non-empty values. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
