// The base of every incroci custom element: open Shadow DOM with styles that
// survive hostile host pages, attributes hub/ambito/lang, i18n, a status
// live region, focus management and the shared session wiring.

import { addStyle } from './style';
import { ApiError, request, Req, Res } from './api';
import { EVENT, SessionEvent } from './session';

/** Dict maps message keys to strings with {name} placeholders. */
export type Dict = Record<string, string>;
/** Dicts are the UI strings of a widget in every UI language. */
export type Dicts = { it: Dict; en: Dict };

// Captured while this bundle's script runs: the hub is the script URL minus /widgets/<file>.js.
const src = (document.currentScript as HTMLScriptElement | null)?.src || '';
const scriptHub = (/^(.*)\/widgets\/[^/?#]+\.js(?:[?#]|$)/.exec(src) || [])[1] || '';

/** RTL are the languages written right-to-left. */
export const RTL = ['ar', 'ur', 'fa'];

const CSS = `:host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;
--_p:var(--incroci-primary,#0066cc);--_t:var(--incroci-text,#1a1a1a);--_b:var(--incroci-bg,#fff);
--_l:var(--incroci-border,#5c6f82);--_d:var(--incroci-danger,#cc334d);--_r:var(--incroci-radius,4px);
--_o:var(--incroci-focus,#0b3f7a);
color:var(--_t)!important;background:var(--_b)!important;
font-family:var(--incroci-font,"Titillium Web",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)!important;
font-size:medium!important;font-weight:400!important;font-style:normal!important;line-height:1.5!important;
text-align:start!important;text-transform:none!important;letter-spacing:normal!important;word-spacing:normal!important;
white-space:normal!important;cursor:auto!important;pointer-events:auto!important}
:host([hidden]){display:none!important}
*,::before,::after{box-sizing:border-box}
[hidden]{display:none!important}
.w{display:block;max-width:100%}
p{margin:0 0 .75em}
h2{font-size:1.5em;line-height:1.25;font-weight:600;margin:0 0 .75em}
h3{font-size:1.25em;line-height:1.25;font-weight:600;margin:1.5em 0 .75em}
.f{margin:0 0 1em}
label,legend{display:block;font-weight:600;margin:0 0 .25em;padding:0}
input{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
input[type=checkbox]{display:inline-block;width:1.25em;height:1.25em;min-height:0;margin:0 .4em;padding:0;accent-color:var(--_p);flex:none}
button{font:inherit;font-weight:600;line-height:1.25;border-radius:var(--_r);padding:.5em 1.25em;min-height:2.75em;margin:0;
border:2px solid var(--_p);background:var(--_p);color:#fff;cursor:pointer;display:inline-block;text-decoration:none}
button:hover{text-decoration:underline}
button.s{background:var(--_b);color:var(--_p)}
button.l{background:none;border:0;padding:.25em 0;min-height:0;color:var(--_p);text-decoration:underline;font-weight:400}
button[aria-disabled=true]{background:var(--_b);color:var(--_l);border-color:var(--_l);cursor:not-allowed;text-decoration:none}
:focus-visible{outline:3px solid var(--_o);outline-offset:2px}
input:focus{outline:3px solid var(--_o);outline-offset:1px}
[aria-invalid=true]{border:2px solid var(--_d)}
.fe{color:var(--_d);font-weight:600;margin:.25em 0 0}
.err{color:var(--_d);font-weight:600;border-inline-start:4px solid var(--_d);padding:.25em .75em;margin:0 0 1em}
.err button{margin-inline-start:1em}
.row{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;margin:0 0 1em}
.row p{margin:0}
#status{margin:.5em 0 0;min-height:1.5em;font-size:.9em}
#status:empty{margin:0}
.sr{position:absolute!important;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;padding:0}
fieldset{border:0;margin:0 0 1em;padding:0;min-width:0}
table{border-collapse:collapse;width:100%;margin:0 0 1em}
caption{text-align:start;font-weight:600;padding:0 0 .5em}
th,td{text-align:start;vertical-align:top;padding:.5em;border-bottom:1px solid var(--_l)}
thead th{border-bottom-width:2px}
.x{overflow-x:auto}
.roles{display:flex;flex-wrap:wrap;gap:.25em .75em;margin:0}
.roles label{display:inline-flex;align-items:center;font-weight:400;margin:0}
.note{font-size:.9em;border-inline-start:4px solid var(--_l);padding:.25em .75em;margin:0 0 1em}
.note:empty{border:0;padding:0;margin:0}
.hint{font-size:.9em;margin:0 0 .25em}
.langs{display:grid;grid-template-columns:repeat(auto-fill,minmax(14em,1fr));gap:.25em 1em;max-width:48em}
.langs label{display:flex;align-items:center;flex-wrap:wrap;font-weight:400;margin:0}
.nv{color:var(--_l);margin:0 .4em}`;

type Kid = Node | string | number | false | null | undefined;

/**
 * h creates an element. Attributes go through setAttribute, "on…" keys add
 * listeners, children are nodes or text (never parsed as HTML).
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, a?: Record<string, unknown> | null, ...kids: Kid[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const k in a) {
    const v = a[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v as EventListener);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids) if (k != null && k !== false) el.append(typeof k == 'object' ? k : String(k));
  return el;
}

/** field builds label + hint (id "<id>-hint") + input + field-error paragraph (id "<id>-err"). */
export function field(label: string, a: Record<string, unknown>, hint?: string): HTMLElement {
  const id = a.id;
  return h('div', { class: 'f' },
    h('label', { for: id }, label),
    hint && h('p', { id: id + '-hint', class: 'hint' }, hint),
    h('input', { 'aria-describedby': (hint ? id + '-hint ' : '') + id + '-err', ...a }),
    h('p', { id: id + '-err', class: 'fe', hidden: true }));
}

/** define registers a custom element unless some bundle on the page already did. */
export function define(name: string, c: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, c);
}

/**
 * Widget is the base class of incroci custom elements. Subclasses set dict
 * and implement start (on connect or when hub/ambito change), render (draw
 * the current state) and may override onSession.
 */


export abstract class Widget extends HTMLElement {
  static observedAttributes = ['hub', 'ambito', 'lang', 'content-lang'];
  abstract dict: Dicts;
  /** box holds the current view. */
  box!: HTMLElement;
  /** live is the aria-live status region (#status). */
  live!: HTMLElement;
  /** acted is set by handlers of user actions: the next view takes the focus. */
  acted = false;
  private frame!: HTMLElement;
  /** sk is the session last handled: each bundle on the page fetches /me and announces the same session, and redrawing for each would lose a press made in between. */
  private sk = '';
  private listen = (e: Event) => {
    const d = (e as CustomEvent<SessionEvent>).detail;
    const k = JSON.stringify(d?.session);
    if (d?.hub == this.hub && k != this.sk) (this.sk = k), this.onSession();
  };

  /** hub is the base URL of the mounted API, without trailing slash. */
  get hub(): string {
    return (this.getAttribute('hub') || scriptHub).replace(/\/+$/, '');
  }

  /** ambito is the slug of the ambito the widget works for. */
  get ambito(): string {
    return this.getAttribute('ambito') || '';
  }

  private get rawLang(): string {
    return (this.closest('[lang]')?.getAttribute('lang') || 'it').toLowerCase();
  }

  /** ui is the UI language: "en" or "it" (the default). */
  get ui(): 'it' | 'en' {
    return this.rawLang.startsWith('en') ? 'en' : 'it';
  }

  /** t returns the UI string key with {name} placeholders filled from v. */
  t(key: string, v?: Record<string, string | number>): string {
    let s = this.dict[this.ui][key] ?? this.dict.it[key] ?? key;
    for (const n in v) s = s.split('{' + n + '}').join(String(v[n]));
    return s;
  }

  /** api sends a request to this widget's hub in its UI language. */
  api<T>(path: string, o?: Req): Promise<Res<T>> {
    return request<T>(this.hub, this.ui, path, o);
  }

  connectedCallback(): void {
    if (!this.shadowRoot) {
      const r = this.attachShadow({ mode: 'open' });
      addStyle(r, CSS);
      this.box = h('div');
      this.live = h('p', { id: 'status', role: 'status', 'aria-live': 'polite' });
      this.frame = h('div', { class: 'w' }, this.box, this.live);
      r.append(this.frame);
    }
    addEventListener(EVENT, this.listen);
    this.setLang();
    if (!this.hub) this.show([h('p', { id: 'error', class: 'err' }, this.t('config', { attr: 'hub' }))]);
    else this.start();
  }

  disconnectedCallback(): void {
    removeEventListener(EVENT, this.listen);
  }

  attributeChangedCallback(n: string, old: string | null, v: string | null): void {
    if (old == v || !this.shadowRoot || !this.isConnected) return;
    this.setLang();
    if (n == 'hub' || n == 'ambito') this.start();
    else this.render();
  }

  private setLang() {
    const c = (this.getAttribute('content-lang') || this.rawLang).split('-')[0];
    this.frame.lang = this.ui;
    this.frame.dir = RTL.includes(c) ? 'rtl' : 'ltr';
  }

  /** start loads what the widget needs and renders; called on connect and hub/ambito change. */
  abstract start(): void;
  /** render draws the current state again (e.g. after a language change). */
  abstract render(): void;
  /** onSession runs when the session of this hub changes. */
  onSession(): void {
    this.render();
  }

  /**
   * show replaces the view. The first field of the new view (else its
   * first focus target) takes the focus when the person was acting inside
   * the widget or focus is true; the host page's focus is never stolen.
   */
  show(kids: Node[], focus?: boolean): void {
    const f = focus ?? (this.acted || !!this.shadowRoot!.activeElement);
    this.acted = false;
    this.box.replaceChildren(...kids);
    if (f) (this.box.querySelector('input') || this.box.querySelector<HTMLElement>('[tabindex="-1"],button'))?.focus();
  }

  /** say puts a message in the live region. */
  say(msg: string): void {
    this.live.textContent = msg;
  }

  /** msg turns an error into a message for people. */
  msg(e: unknown): string {
    // Duck-typed: an ApiError of another bundle (the console's chunk) is not this bundle's class.
    const a = e as ApiError;
    if (!(e instanceof Error) || typeof a.status != 'number') return this.t('generic');
    if (a.status == 429) {
      const n = Math.max(1, Math.ceil((a.retryAfter || 60) / 60));
      return this.t(n == 1 ? 'rate1' : 'rate', { n });
    }
    return a.message || this.t(a.status ? 'generic' : 'network');
  }

  /** failView shows an error with a retry button. */
  failView(e: unknown, retry: () => void): void {
    this.say('');
    this.show([h('div', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
      h('button', { id: 'retry', type: 'button', class: 's', onclick: () => { this.acted = true; retry(); } }, this.t('retry')))]);
  }

  /**
   * fail shows e on form: field errors beside their fields (matched by
   * name or data-field; "languages[2]" goes to the field "languages"),
   * anything else in errBox; the first invalid field takes the focus.
   */
  fail(form: HTMLElement, errBox: HTMLElement, e: unknown): void {
    this.clear(form, errBox);
    let first: HTMLElement | undefined;
    const fields = e instanceof ApiError && e.status != 429 ? e.fields : [];
    for (const f of fields) {
      const el = [...form.querySelectorAll<HTMLElement>('[name],[data-field]')].find((x) => (x.getAttribute('name') || x.dataset.field) == f.field.split('[')[0]);
      if (!el) continue;
      this.bad(el, f.message);
      first ??= el;
    }
    if (!first) {
      errBox.textContent = this.msg(e);
      errBox.hidden = false;
    } else (first.querySelector<HTMLElement>('input') || first).focus(); // a fieldset cannot take the focus: its first field does
  }

  /** bad marks one field invalid with message m and returns it. */
  bad(el: HTMLElement, m: string): HTMLElement {
    el.setAttribute('aria-invalid', 'true');
    const p = this.shadowRoot!.getElementById(el.id + '-err');
    if (p) {
      p.textContent = m;
      p.hidden = false;
    }
    return el;
  }

  /** clear removes the errors shown on form. */
  clear(form: HTMLElement, errBox: HTMLElement): void {
    errBox.hidden = true;
    errBox.textContent = '';
    form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
    form.querySelectorAll<HTMLElement>('.fe').forEach((x) => (x.hidden = true));
  }

  /** busy marks button as working (aria-disabled keeps the focus on it) and returns false when it already was. */
  busy(b: HTMLElement, on: boolean): boolean {
    if (on && b.getAttribute('aria-disabled') == 'true') return false;
    b.setAttribute('aria-disabled', String(on));
    return true;
  }
}
