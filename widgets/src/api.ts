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
  /** body is sent as JSON when defined, as it is when FormData (files). */
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
  const form = o.body instanceof FormData;
  if (o.body !== undefined && !form) headers['Content-Type'] = 'application/json';
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
        body: o.body === undefined ? undefined : form ? (o.body as FormData) : JSON.stringify(o.body),
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

/**
 * StreamState is what a stream reports: "open" when connected again after
 * the last event seen (nothing is missed), "resync" when connected with no
 * event to resume from (the first time, or when no event came before a drop:
 * reload what is shown), "retry" when down and about to reconnect, "stop"
 * when it gave up for good (the HTTP status says why: 401, 403…).
 */
export type StreamState = 'open' | 'resync' | 'retry' | 'stop';

/** Listener hears a stream. */
export interface Listener {
  /** onEvent gets each new event: type ("message" if unnamed), data (JSON parsed, else text) and id. */
  onEvent(type: string, data: unknown, id: string): void;
  onState?(state: StreamState, status?: number): void;
  /** idle is how long without a byte (heartbeats included) before reconnecting, default 45000 ms. */
  idle?: number;
}

const num = (x: string) => (/^\d+$/.test(x) ? +x : NaN);

/**
 * stream reads the Server-Sent Events of hub+path over fetch (so the token
 * travels in the Authorization header, never in the URL). It reconnects with
 * backoff and jitter after a network error, the end of the stream or an idle
 * connection, resuming with Last-Event-ID and dropping events whose numeric
 * id is not above the last one seen; it stops on any 4xx but 408 and 429 (a
 * 401 also clears the session), or when close is called.
 */
export function stream(hub: string, lang: string, path: string, on: Listener): { close(): void } {
  let last = ''; // id of the last event seen
  let retry = 3e3; // the server's hint
  let fails = 0;
  let done = false;
  let ac: AbortController | undefined;
  let wait: ReturnType<typeof setTimeout> | undefined;
  const now = () => {
    if (wait) clearTimeout(wait), connect();
  };
  const end = (status?: number) => {
    if (done) return;
    done = true;
    clearTimeout(wait);
    ac?.abort();
    removeEventListener('online', now);
    if (status) on.onState?.('stop', status);
  };
  addEventListener('online', now);

  async function connect() {
    wait = undefined;
    const s = getSession(hub);
    if (!s) return end(401);
    const c = (ac = new AbortController());
    let dog: ReturnType<typeof setTimeout> | undefined;
    const pet = () => {
      clearTimeout(dog);
      dog = setTimeout(() => c.abort(), on.idle || 45e3);
    };
    const since = Date.now();
    let after = 0;
    pet();
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', 'Accept-Language': lang, Authorization: 'Bearer ' + s.token };
      if (last) headers['Last-Event-ID'] = last;
      const res = await fetch(hub + path, { headers, signal: c.signal, credentials: 'omit', cache: 'no-store' });
      if (done) return;
      const st = res.status;
      if (st >= 400 && st < 500 && st != 408 && st != 429) {
        if (st == 401 && getSession(hub)?.token == s.token) setSession(hub, null);
        return end(st);
      }
      after = seconds(res.headers.get('Retry-After'));
      if (!res.ok || !res.body || !/^text\/event-stream/.test(res.headers.get('Content-Type') || '')) throw 0;
      on.onState?.(last ? 'open' : 'resync');
      const rd = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      let data = '';
      let type = '';
      let id: string | undefined;
      for (;;) {
        const r = await rd.read();
        if (r.done || done) break;
        pet();
        buf += r.value;
        // A CR at the end may be half of a CRLF: wait for the next chunk.
        for (let m; (m = /\r\n?|\n/.exec(buf)) && (m[0] != '\r' || m.index < buf.length - 1); ) {
          const line = buf.slice(0, m.index);
          buf = buf.slice(m.index + m[0].length);
          if (!line) {
            // A blank line ends the event.
            if (id != undefined && !(num(id) <= num(last))) last = id;
            else if (id != undefined) data = '';
            if (data && !done) {
              let v: unknown = data.slice(0, -1);
              try {
                v = JSON.parse(v as string);
              } catch {}
              fails = 0;
              try {
                on.onEvent(type || 'message', v, last);
              } catch (e) {
                setTimeout(() => { throw e; });
              }
            }
            data = type = '';
            id = undefined;
            continue;
          }
          const i = line.indexOf(':');
          if (!i) continue; // a comment
          const f = i < 0 ? line : line.slice(0, i);
          let v = i < 0 ? '' : line.slice(i + 1);
          if (v[0] == ' ') v = v.slice(1);
          if (f == 'data') data += v + '\n';
          else if (f == 'event') type = v;
          else if (f == 'id' && !v.includes('\0')) id = v;
          else if (f == 'retry' && /^\d+$/.test(v)) retry = +v;
        }
      }
    } catch {
    } finally {
      clearTimeout(dog);
      c.abort();
    }
    if (done) return;
    if (Date.now() - since > 6e4) fails = 0;
    on.onState?.('retry');
    wait = setTimeout(connect, Math.max(after * 1e3, Math.min(6e4, retry * 2 ** fails++) * (0.5 + Math.random() / 2)));
  }
  connect();
  return { close: () => end() };
}
