// Files downloaded with the session: the token travels in the
// Authorization header (never in the URL), the answer is handed to the
// browser through a blob: URL. Not an entry: every bundle that downloads
// (the console's chunks, <incroci-training>) carries this one copy.

import { h, Widget } from './base';
import { ApiError } from './api';
import { getSession } from './session';

/**
 * save fetches hub+path with the session's token and hands the answer to
 * the browser as the file name. A refusal throws an ApiError with the API's
 * code and message (status 0 and code "network" when no answer came).
 */
export async function save(w: Widget, path: string, name: string): Promise<void> {
  const r = await fetch(w.hub + path, { headers: { Authorization: 'Bearer ' + (getSession(w.hub)?.token || ''), 'Accept-Language': w.ui }, credentials: 'omit' }).catch(() => null);
  if (!r || !r.ok) {
    const b = r ? await r.json().catch(() => null) : null;
    throw new ApiError(r?.status || 0, b?.error?.code || (r ? 'http' : 'network'), b?.error?.message || '');
  }
  // A blob: URL and a temporary link: nothing inline, so a strict CSP lets it through.
  const url = URL.createObjectURL(await r.blob());
  const a = h('a', { href: url, download: name, hidden: true });
  w.shadowRoot!.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 6e4);
}

/** bytes writes a file's size in KB (under a megabyte) or MB, with the UI language's digits ("1,5 MB"). */
export const bytes = (w: Widget, n: number) =>
  n < 1 << 20 ? Math.max(1, Math.ceil(n / 1024)).toLocaleString(w.ui) + ' KB' : (n / (1 << 20)).toLocaleString(w.ui, { maximumFractionDigits: 1 }) + ' MB';
