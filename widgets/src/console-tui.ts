// Small parts shared by the training's later console chunks (the register,
// surveys, reports): translation, fields, tables, confirmations, SVG bar
// charts with their table, and downloads with the session. Not an entry:
// each chunk carries what it uses.

import { h, Widget } from './base';
import { TZ, instantOf } from './italy';

type Kid = Node | string | number | false | null | undefined;
export type T = (k: string, v?: Record<string, string | number>) => string;
export type Dict = Record<'it' | 'en', Record<string, string>>;

/** tr gives a translator of d in w's UI language. */
export const tr = (w: Widget, d: Dict): T => (k, v) => {
  let s = d[w.ui][k] ?? d.it[k] ?? k;
  for (const n in v) s = s.split('{' + n + '}').join(String(v[n]));
  return s;
};

/** when formats an instant in Italian time. */
export const when = (w: Widget, s: string | null) => (s ? new Date(s).toLocaleString(w.ui, { dateStyle: 'short', timeStyle: 'short', timeZone: TZ }) : '—');

/** rfc turns a datetime-local value read as Italian time into RFC 3339; "" when incomplete. */
export function rfc(v: string): string {
  const ms = instantOf(v);
  if (isNaN(ms)) return '';
  const m = Math.round((Date.UTC(+v.slice(0, 4), +v.slice(5, 7) - 1, +v.slice(8, 10), +v.slice(11, 13), +v.slice(14, 16)) - ms) / 6e4);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.slice(0, 16)}:00${m < 0 ? '-' : '+'}${p(Math.abs(m) / 60 | 0)}:${p(Math.abs(m) % 60)}`;
}
/** local is the datetime-local value (Italian time) of an instant. */
export function local(s: string): string {
  if (!s) return '';
  const d = new Date(s);
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return f.format(d).replace(' ', 'T');
}

/** fld wraps a control with its label and error paragraph (id "<id>-err"). */
export function fld(lab: string, el: HTMLElement): HTMLElement {
  el.setAttribute('aria-describedby', el.id + '-err');
  return h('div', { class: 'f' }, h('label', { for: el.id }, lab), el, h('p', { id: el.id + '-err', class: 'fe', hidden: true }));
}
export const inp = (id: string, name: string, type: string, value: unknown = '', a: Record<string, unknown> = {}) => h('input', { id, name, type, value, ...a });
export const ck = (id: string, name: string, value: string, lab: string, on = false) =>
  h('label', { class: 'ck', for: id }, h('input', { type: 'checkbox', id, name, value, checked: on }), lab);
/** group is a fieldset whose errors (API field name) show in its own paragraph. */
export const group = (id: string, field: string, legend: string, ...kids: Kid[]) =>
  h('fieldset', { id, 'data-field': field, 'aria-describedby': id + '-err' }, h('legend', null, legend), ...kids, h('p', { id: id + '-err', class: 'fe', hidden: true }));
export const errP = (w: Widget, e: unknown, retry: () => void, label: string) =>
  h('p', { class: 'err', role: 'alert' }, w.msg(e), ' ', h('button', { type: 'button', class: 's', onclick: retry }, label));

/** sure is a button that acts on the second press: the first one asks (confirm is "Conferma: {what}"). */
export function sure(w: Widget, id: string, label: string, confirm: string, act: (b: HTMLElement) => void, cls: string | null = 's'): HTMLElement {
  let armed = false;
  const b: HTMLElement = h('button', { id, type: 'button', class: cls, onclick: () => {
    if (!armed) {
      armed = true;
      b.textContent = confirm;
      return w.say(confirm);
    }
    act(b);
  }, onblur: () => {
    armed = false;
    b.textContent = label;
  } }, label);
  return b;
}

/** table is a table with a caption, a head row and rows (or one saying empty). */
export const table = (id: string, caption: string, head: string[], rows: HTMLElement[], empty: string) =>
  h('div', { class: 'x' }, h('table', { id }, h('caption', null, caption),
    h('thead', null, h('tr', null, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, ...(rows.length ? rows : [h('tr', null, h('td', { id: id + '-empty', colspan: head.length }, empty))]))));

const NS = 'http://www.w3.org/2000/svg';
function sv(tag: string, a: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const k in a) e.setAttribute(k, String(a[k]));
  if (text != null) e.textContent = text;
  return e;
}

/** Bar is one bar of a chart: its label, its value and the value as shown. */
export interface Bar { label: string; value: number; text: string }

/**
 * bars draws a horizontal bar chart (SVG, its labels and values as text)
 * named by title: the picture is hidden from assistive technology, which
 * reads the table beside it (head: the columns of label and value).
 */
export function bars(id: string, title: string, items: Bar[], head: string[], empty: string): HTMLElement {
  const max = Math.max(1e-9, ...items.map((b) => b.value));
  const row = 28;
  const svg = sv('svg', { id: id + '-svg', viewBox: `0 0 600 ${Math.max(1, items.length) * row + 4}`, width: '100%', 'aria-hidden': 'true', focusable: 'false', class: 'ch' });
  items.forEach((b, i) => {
    const y = i * row + 2;
    const wd = Math.round((b.value / max) * 300);
    const g = sv('g', { class: 'bar', 'data-value': b.value });
    g.append(sv('text', { x: 0, y: y + 18, class: 'lb' }, b.label.length > 34 ? b.label.slice(0, 33) + '…' : b.label),
      sv('rect', { x: 220, y: y + 4, width: Math.max(wd, b.value > 0 ? 2 : 0), height: row - 10, rx: 2 }),
      sv('text', { x: 226 + wd, y: y + 18, class: 'vl' }, b.text));
    svg.append(g);
  });
  return h('figure', { id, class: 'fg' }, h('figcaption', null, title), items.length ? svg : '',
    table(id + '-table', title, head, items.map((b) => h('tr', null, h('th', { scope: 'row' }, b.label), h('td', null, b.text))), empty));
}

export const CHART_CSS = `.ch{max-width:40em;display:block;margin:.5em 0}.ch rect{fill:var(--_p)}.ch text{font-size:13px;fill:currentColor}
.fg{margin:0 0 1.5em}figcaption{font-weight:600}
fieldset{border:1px solid var(--_l);border-radius:var(--_r);margin:0 0 1em;padding:.5em .75em}legend{font-weight:600}
.mt{display:flex;flex-wrap:wrap;gap:0 1em;align-items:flex-end}.ck{display:flex;align-items:center;font-weight:400}
summary{cursor:pointer;color:var(--_p);margin:0 0 .5em}`;

/** save downloads with the session's token (download.ts). */
export { save } from './download';

/** Me's roles: whether me coordinates ambito a (admins do everywhere). */
export const isCoord = (me: { admin?: boolean; roles?: { role: string; ambito: string }[] }, a: string) =>
  !!me.admin || (me.roles || []).some((r) => r.role == 'coordinator' && r.ambito == a);
