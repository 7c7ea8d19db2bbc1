// The one fetch layer of every incroci widget: JSON in and out, bearer token,
// Accept-Language, per-request timeout, retries with exponential backoff and
// typed errors built from the API's error body.

import { getSession, setSession } from './session';

/** Page is the paging block of a list response. */
export interface Page {
  page: number;
  per_page: number;
  total: number;
}

/** FieldError is one entry of error.fields in an API error body. */
export interface FieldError {
  field: string;
  rule?: string;
  message: string;
}

/** Res is a success body: {"data": …} plus "page" for lists. */
export interface Res<T> {
  data: T;
  page?: Page;
}

/**
 * ApiError is every failure of request: status 0 with code "network" when
 * no answer came (offline, CORS, timeout), else the HTTP status with the
 * code, localised message and fields of the error body.
 */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: FieldError[] = [],
    /** retryAfter is the Retry-After header in seconds (0 when absent). */
    public retryAfter = 0,
  ) {
    super(message);
  }
}

/** Req are the options of one request. */
export interface Req {
  /** method defaults to GET. */
  method?: string;
  /** body is sent as JSON when defined. */
  body?: unknown;
  /** timeout of each attempt in milliseconds, default 15000. */
  timeout?: number;
  /** retries after the first attempt, default 3 (network errors, 429, 502, 503, 504). */
  retries?: number;
  /**
   * once marks a non-GET request that must not carry an Idempotency-Key and
   * so is never retried. By default every non-GET request carries one
   * (the same key on every retry) and is retried.
   */
  once?: boolean;
  /** signal cancels the request (the promise rejects with code "aborted"). */
  signal?: AbortSignal;
}

const RETRY = [429, 502, 503, 504];
/** Longest Retry-After (seconds) worth waiting for inside a request. */
const MAX_WAIT = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** uuid returns a random RFC 4122 version 4 UUID, also outside secure contexts. */
export function uuid(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function seconds(h: string | null): number {
  if (!h) return 0;
  const n = +h;
  return n >= 0 ? n : Math.max(0, (Date.parse(h) - Date.now()) / 1000) || 0;
}

/**
 * request sends one API call to hub+path and resolves with the success body.
 * A 401 answer to a request that carried the session token clears that session.
 */
export async function request<T>(hub: string, lang: string, path: string, o: Req = {}): Promise<Res<T>> {
  const method = o.method || 'GET';
  const get = method == 'GET';
  const retry = get || !o.once;
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang };
  const s = getSession(hub);
  if (s) headers.Authorization = 'Bearer ' + s.token;
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!get && retry) headers['Idempotency-Key'] = uuid();
  for (let n = 0; ; n++) {
    let err: ApiError;
    let again = retry;
    const ac = new AbortController();
    const stop = () => ac.abort();
    const timer = setTimeout(stop, o.timeout || 15e3);
    o.signal?.addEventListener('abort', stop);
    try {
      const res = await fetch(hub + path, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: ac.signal,
        credentials: 'omit',
      });
      const body = res.status == 204 ? null : await res.json().catch(() => null);
      if (res.ok) return body || { data: null };
      const e = (body && body.error) || {};
      err = new ApiError(res.status, e.code || 'http', e.message || '', e.fields || [], seconds(res.headers.get('Retry-After')));
      if (res.status == 401 && s && getSession(hub)?.token == s.token) setSession(hub, null);
      again &&= RETRY.includes(res.status) && err.retryAfter <= MAX_WAIT;
    } catch {
      if (o.signal?.aborted) throw new ApiError(0, 'aborted', '');
      err = new ApiError(0, 'network', '');
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', stop);
    }
    if (!again || n >= (o.retries ?? 3)) throw err;
    await sleep(err.retryAfter ? err.retryAfter * 1e3 : 2 ** n * 500 * (1 + Math.random() / 2));
  }
}
