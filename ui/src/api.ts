/// <reference lib="dom" />
/**
 * Talking to the server: the user's bearer token (kept for this tab only) and JSON requests carrying it.
 */
import type { ApiError } from './wire.js';

const KEY = 'meshbridge-token';

/** The CSRF secret of a cookie session (from /ui/api/session), sent with every write. */
let csrf = '';

/** Remembers the session's CSRF secret ('' for a token session). */
export function setCsrf(value: string): void {
  csrf = value;
}

/** Takes a token from `#token=...` (the link `demo` prints) into session storage and out of the address bar. */
export function adoptTokenFromHash(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m?.[1] !== undefined) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

/** The current token, or '' when none was given. */
export function token(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

/** Replaces the token. */
export function setToken(value: string): void {
  if (value === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, value);
}

/** A response: the parsed body with its status, or the API's error body. */
export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

/** Sends a JSON request with the token; never throws (network failures come back as status 0). */
export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token() !== '') headers.authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== '') headers['x-meshbridge-csrf'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (err) {
    return { ok: false, status: 0, error: { message: `cannot reach the server: ${String(err)}` } };
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    parsed = {};
  }
  if (res.ok) return { ok: true, status: res.status, body: parsed as T };
  const error = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as ApiError;
  return { ok: false, status: res.status, error: { ...error, message: error.message ?? `HTTP ${res.status}` } };
}

/** Objects of a kind from the management API, whatever list envelope it uses. */
export function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const k of ['objects', 'items']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** Text for an API error: its message and each located issue. */
export function describeError(error: ApiError): string[] {
  const lines = [error.code ? `${error.code}: ${error.message ?? ''}` : (error.message ?? 'error')];
  for (const i of error.issues ?? []) lines.push(`${i.code ?? ''} ${i.path ?? ''}: ${i.message ?? ''}`.trim());
  return lines;
}
