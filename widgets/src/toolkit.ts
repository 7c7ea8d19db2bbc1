// <incroci-toolkit>: the network's working tools for operators. Views:
// search across sheets, glossary and directory services (GET
// /toolkit/search, ranked, with highlighted snippets, filters and pages);
// one sheet (its sanitised sections, the glossary's terms on hover, focus or
// tap, the language switch among its translations, the outdated and
// review-overdue banners, its legal sources and files (downloaded with the
// session's token), print and PDF of the handout (a handout that is not
// public opens by a short-lived signed link, its PDF with the token), the
// feedback form); the glossary (letters and search). Signing in and the
// proposal form ("Proponi una scheda", "Proponi una modifica") live in
// toolkit-propose.js, loaded on demand so this bundle stays small.

import { define, h, RTL, Widget } from './base';
import { addStyle } from './style';
import { getSession, setSession } from './session';
import { ApiError } from './api';
import { signOut } from './auth';
import { CHUNK, D, KEYS, kind, size } from './toolkit-text';
import { TZ } from './italy';
import { frag, marks } from './richtext';

/** Topic is a topic sheets are filed under (GET /toolkit/topics). */
export interface Topic {
  code: string;
  label_it: string;
  label_en: string;
}

interface Lang {
  code: string;
  name_it: string;
  name_native: string;
  direction: string;
}

interface Hit {
  kind: string;
  ref_id: number;
  ref_key?: string;
  lang: string;
  ambito: string;
  title: string;
  snippet: string;
}

type Defs = Record<string, string>;

interface TermMatch {
  id: number;
  term: string;
  forms: string[];
  definitions: Defs;
}

/** SheetView is a sheet as GET /toolkit/sheets/:id gives it. */
export interface SheetView {
  id: number;
  ambito: string;
  audience: string;
  topics: string[];
  title: string;
  state: string;
  review_by: string;
  published_at: string | null;
  revision: { id: number; number: number; title: string; sections: Record<string, string>; created_at: string };
  html: Record<string, string>;
  terms: TermMatch[];
  outdated: boolean;
  outdated_note: string;
  overdue: boolean;
  attachments: Att[];
}

/** Att is a file of a sheet (GET /toolkit/sheets/:id/attachments). */
export interface Att {
  id: number;
  title: string;
  lang: string;
  name: string;
  content_type: string;
  size: number;
  status: string;
}

interface Tr {
  code: string;
  name_it: string;
  name_native: string;
  direction: string;
  status: string;
  translation: { title: string } | null;
  html: Record<string, string>;
}

interface Source {
  id: number;
  title: string;
  reference: string;
  url: string;
  version: string;
  valid_from: string;
  valid_to: string;
  expired: boolean;
}

interface Term {
  id: number;
  term: string;
  variants: string[];
  definitions: Defs;
}

/** Chunk is what toolkit-propose.js puts at window[CHUNK]. */
export interface Chunk {
  /** signin draws the sign-in flow into w, or exchanges the page's activation token when activate. */
  signin(w: Toolkit, activate: boolean): void;
  /** propose draws the form of a new sheet, or of a change to sheet. */
  propose(w: Toolkit, o: { sheet?: SheetView; sources?: number[]; topics: Topic[]; back(): void }): void;
}

/** Part draws a section of the sheet view below its files, or returns null. */
export type Part = (w: Toolkit, s: SheetView) => HTMLElement | null;
/** parts are the sections added to the sheet view, in order. */
export const parts: Part[] = [];

const PER = 10;
const T = '/toolkit';
const enc = encodeURIComponent;
// The chunk sits beside this script: its folder, captured while this script runs.
const dir = ((document.currentScript as HTMLScriptElement | null)?.src || '').replace(/\/[^/?#]*(?:[?#].*)?$/, '/');
let loading: Promise<Chunk> | undefined;

const CSS = `select,textarea{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
textarea{max-width:40em;min-height:6em;resize:vertical}
select:focus,textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
a{color:var(--_p)}
a.k{display:inline-block;border:2px solid var(--_p);border-radius:var(--_r);padding:.5em 1.25em;font-weight:600;text-decoration:none}
a.k:hover{text-decoration:underline}
nav button[aria-current]{background:var(--_p);color:#fff}
.fl{display:flex;flex-wrap:wrap;gap:0 1em}.fl .f{flex:1 1 12em}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em;margin-inline-end:.5em}
.c{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em 0}
.c h3{margin:.25em 0;font-size:1.1em}
.c h3 button{font-weight:600;text-align:start}
mark{background:#ffe08a;color:inherit;font-weight:600}
.warn{border-inline-start:4px solid var(--_d);background:#fdf0f2;padding:.5em .75em;margin:0 0 1em}
.md{overflow-wrap:anywhere}.md table{width:auto}
.gw{position:relative}
button.gl{font:inherit;background:none;color:inherit;border:0;border-radius:0;padding:0;min-height:0;cursor:help;
text-decoration:underline dotted var(--_p) 2px;text-underline-offset:.2em}
.tip{position:absolute;top:100%;inset-inline-start:0;z-index:9;width:max-content;max-width:min(22em,80vw);background:var(--_b);color:var(--_t);
border:2px solid var(--_l);border-radius:var(--_r);padding:.5em .75em;font-size:.9em;font-weight:400;box-shadow:0 2px 6px #0004}
.ck{display:flex;align-items:center;font-weight:400}
.letters{display:flex;flex-wrap:wrap;gap:.25em;margin:0 0 1em}
.letters button{min-width:2.75em;padding:.5em}
.letters button[aria-pressed=true]{background:var(--_p);color:#fff}
.terms dl{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;margin:0}
dt{font-weight:600}dd{margin:0}
.radios{display:flex;flex-wrap:wrap;gap:.25em 1.25em}.radios label{display:inline-flex;align-items:center;font-weight:400}
input[type=radio]{display:inline-block;width:1.25em;height:1.25em;min-height:0;margin:0 .4em;accent-color:var(--_p)}`;


const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Toolkit is <incroci-toolkit>. */
export class Toolkit extends Widget {
  dict = D;
  view: 'search' | 'sheet' | 'glossary' | 'propose' | 'signin' = 'search';
  /** back is the view the sheet's and sign-in's back buttons return to. */
  back: 'search' | 'glossary' | 'sheet' | 'propose' = 'search';
  /** flow is the sign-in flow of the chunk, once loaded. */
  flow?: { view: string; render(): void };
  f: Record<string, string> = { q: '', kind: '', topic: '', audience: '', lang: '', ambito: '', comune: '' };
  page = 1;
  seq = 0;
  metaP?: Promise<[Topic[], Lang[]]>;
  sid = 0;
  s?: SheetView;
  trs: Tr[] = [];
  /** cl is the language of the sheet's text shown. */
  cl = 'it';
  /** editing is the sheet a change is proposed to, and srcs the ids of its legal sources. */
  editing?: SheetView;
  srcs?: number[];
  gq = '';
  letter = '';
  n = 0;
  /** pe is when the signed address on the print link stops being used (ms; 0: none). */
  pe = 0;

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    const r = this.shadowRoot!;
    if (first) {
      addStyle(r, CSS);
    }
  }

  start(): void {
    this.metaP = undefined;
    // An identity from the ambito's site, or the link of a sign-in e-mail: the chunk signs in.
    if (this.hasAttribute('assertion') || new URL(location.href).searchParams.has('incroci_activation')) {
      this.view = 'signin';
      this.chunk().then((c) => c.signin(this, true), (e) => this.failView(e, () => this.render()));
      return;
    }
    this.render();
  }

  render(): void {
    const s = getSession(this.hub);
    if (this.view == 'signin' && s && this.flow?.view != 'wait') this.view = this.back == 'sheet' || this.back == 'propose' ? this.back : 'search';
    this.say('');
    switch (this.view) {
      case 'sheet':
        return this.sheetView();
      case 'glossary':
        return this.glossary();
      case 'propose':
        return this.propose();
      case 'signin':
        return this.signin();
      default:
        this.searchView();
    }
  }

  /** show puts the tools' bar above every view, the sign-in flow's included. */
  show(kids: Node[], focus?: boolean): void {
    super.show([this.bar(), ...kids.filter(Boolean)], focus);
  }

  /** put shows a view and, when the person was acting in the widget, focuses target. */
  put(kids: Node[], target?: HTMLElement | null): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.show(kids, false);
    if (f) target?.focus();
  }

  /** go switches view after a click. */
  go(v: Toolkit['view']): void {
    this.acted = true;
    if (v == 'signin' && this.view != 'signin') this.back = this.view == 'sheet' || this.view == 'propose' || this.view == 'glossary' ? this.view : 'search';
    this.view = v;
    this.render();
  }

  bar(): HTMLElement {
    const t = this.t.bind(this);
    const b = (v: Toolkit['view'], key: string) => h('button', { id: 'go-' + v, type: 'button', class: 's', 'aria-current': this.view == v ? 'page' : null,
      onclick: () => {
        this.editing = undefined;
        this.go(v);
      } }, t(key));
    const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 'l', onclick: () => signOut(this, out) }, t('signout'));
    return h('nav', { class: 'row', 'aria-label': t('tools') }, b('search', 'search'), b('glossary', 'glossary'), b('propose', 'propose'),
      getSession(this.hub) ? out : b('signin', 'signin'));
  }

  /** chunk loads toolkit-propose.js (once) and returns what it registered. */
  chunk(): Promise<Chunk> {
    const c = (window as any)[CHUNK] as Chunk | undefined;
    if (c) return Promise.resolve(c);
    return (loading ||= import((dir || this.hub + '/widgets/') + 'toolkit-propose.js').then(() => (window as any)[CHUNK] as Chunk, (e) => {
      loading = undefined;
      throw e;
    }));
  }

  meta(): Promise<[Topic[], Lang[]]> {
    return (this.metaP ??= Promise.all([this.api<Topic[]>(T + '/topics'), this.api<Lang[]>(T + '/languages')]).then(
      ([a, b]) => [a.data || [], b.data || []] as [Topic[], Lang[]],
      (e) => {
        this.metaP = undefined;
        throw e;
      }));
  }

  topicName(code: string, ts: Topic[]): string {
    const x = ts.find((y) => y.code == code);
    return x ? (this.ui == 'en' ? x.label_en : x.label_it) : code;
  }

  day(s: string): string {
    return new Date(s.length == 10 ? s + 'T12:00:00Z' : s).toLocaleDateString(this.ui, { dateStyle: 'long', timeZone: TZ });
  }

  /** fld wraps a control with its label, hint and error paragraph (ids "<id>-hint", "<id>-err"). */
  fld(lab: string, el: HTMLElement, hint?: string): HTMLElement {
    const id = el.id;
    el.setAttribute('aria-describedby', (hint ? id + '-hint ' : '') + id + '-err');
    return h('div', { class: 'f' }, h('label', { for: id }, lab), hint && h('p', { id: id + '-hint', class: 'hint' }, hint), el,
      h('p', { id: id + '-err', class: 'fe', hidden: true }));
  }

  sel(id: string, opts: string[][], v: string): HTMLSelectElement {
    return h('select', { id, name: id }, ...opts.map(([o, l]) => h('option', { value: o, selected: o == v }, l)));
  }

  /** loading shows the loading state; the view that follows takes the focus as this one would have. */
  loading(): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.show([h('p', { 'aria-busy': 'true' }, this.t('loading'))], false);
    this.acted = f;
  }

  // ---- search

  async searchView(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    let ts: Topic[], ls: Lang[];
    try {
      [ts, ls] = await this.meta();
    } catch (e) {
      if (my == this.seq) this.failView(e, () => this.render());
      return;
    }
    if (my != this.seq) return;
    const f = this.f;
    const qi = h('input', { id: 'q', name: 'q', type: 'search', maxlength: 200, value: f.q });
    const opt = (k: string, vs: string[][]) => this.sel(k, [['', t('any')], ...vs], f[k]);
    const ctl = [
      [t('kind'), this.sel('kind', ['', 'sheet', 'term', 'service'].map((k) => [k, t('k_' + k)]), f.kind)],
      [t('topic'), opt('topic', ts.map((x) => [x.code, this.topicName(x.code, ts)]))],
      [t('audience'), opt('audience', [['operators', t('a_operators')], ['citizens', t('a_citizens')]])],
      [t('lang'), opt('lang', ls.map((x) => [x.code, this.ui == 'it' ? x.name_it : x.name_native]))],
      [t('ambito'), opt('ambito', [['network', t('amb_net')], ...(this.ambito ? [[this.ambito, t('amb_own', { a: this.ambito })]] : [])])],
      [t('comune'), h('input', { id: 'comune', name: 'comune', type: 'text', maxlength: 100, value: f.comune, autocomplete: 'off' })],
    ] as [string, HTMLElement][];
    const err = h('p', { id: 'error', class: 'err', role: 'alert', hidden: true });
    const out = h('div', { id: 'results' });
    const form: HTMLFormElement = h('form', { role: 'search', 'aria-label': t('title'), novalidate: true, onsubmit: (e: Event) => {
      e.preventDefault();
      for (const k in f) f[k] = ((form.elements.namedItem(k) as HTMLInputElement | null)?.value || '').trim();
      this.clear(form, err);
      if (!f.q) return this.bad(qi, t('q_empty')).focus();
      this.page = 1;
      this.results(out, form, err);
    } },
      this.fld(t('q'), qi, t('q_hint')),
      h('fieldset', null, h('legend', null, t('filters')), h('div', { class: 'fl' }, ...ctl.map(([l, c]) => this.fld(l, c)))),
      err, h('button', { id: 'go', type: 'submit' }, t('search')));
    this.put([h('h2', null, t('title')), form, out], qi);
    if (f.q) this.results(out, form, err);
    else out.append(h('p', { id: 'start', class: 'note' }, t('start')));
  }

  async results(out: HTMLElement, form: HTMLElement, err: HTMLElement, focus = ''): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    const qs = new URLSearchParams({ page: '' + this.page, per_page: '' + PER });
    for (const k in this.f) if (this.f[k]) qs.set(k, this.f[k]);
    out.setAttribute('aria-busy', 'true');
    if (!focus) out.replaceChildren(h('p', null, t('loading')));
    this.say(t('loading'));
    try {
      const r = await this.api<Hit[]>(T + '/search?' + qs);
      if (my != this.seq) return;
      const hits = r.data || [];
      const total = r.page?.total ?? hits.length;
      const pages = Math.max(1, Math.ceil(total / PER));
      const nav = (d: number, id: string) => h('button', { id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? this.page <= 1 : this.page >= pages),
        onclick: (e: Event) => {
          if ((e.target as HTMLElement).getAttribute('aria-disabled') == 'true') return;
          this.page += d;
          this.results(out, form, err, id);
        } }, t(id));
      out.replaceChildren(...(hits.length
        ? [h('p', { id: 'count' }, t('count', { n: total })),
          h('ol', { id: 'hits', class: 'c', 'aria-labelledby': 'count', start: (this.page - 1) * PER + 1 }, ...hits.map((x) => this.hit(x))),
          pages > 1 && h('nav', { class: 'row', 'aria-label': t('pages') }, nav(-1, 'prev'), t('page', { p: this.page, n: pages }), nav(1, 'next'))]
        : [h('p', { id: 'empty', class: 'note' }, t('none', { q: this.f.q }))]).filter(Boolean) as Node[]);
      this.say(t('count', { n: total }));
      if (focus) this.shadowRoot!.getElementById(focus)?.focus();
    } catch (e) {
      if (my != this.seq) return;
      this.say('');
      out.replaceChildren();
      this.fail(form, err, e);
    }
    out.setAttribute('aria-busy', 'false');
  }

  hit(x: Hit): HTMLElement {
    const t = this.t.bind(this);
    const dir = RTL.includes(x.lang) ? 'rtl' : null;
    const title = x.kind == 'service'
      ? h('span', { lang: x.lang, dir }, x.title)
      : h('button', { type: 'button', class: 'l', lang: x.lang, dir, id: x.kind + '-' + x.ref_id + '-' + x.lang, onclick: () => {
        if (x.kind == 'term') {
          this.gq = x.title;
          this.letter = '';
          return this.go('glossary');
        }
        this.sid = x.ref_id;
        this.cl = x.lang || 'it';
        this.back = 'search';
        this.go('sheet');
      } }, x.title);
    return h('li', null, h('span', { class: 'b' }, t('k_' + x.kind)), x.lang && x.lang != this.ui && h('span', { class: 'b' }, x.lang.toUpperCase()),
      h('h3', null, title), h('p', { class: 'snip', lang: x.lang, dir }, ...marks(x.snippet)));
  }

  // ---- one sheet

  async sheetView(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    const id = this.sid;
    this.loading();
    try {
      const [r, tr, src, meta] = await Promise.all([
        this.api<SheetView>(`${T}/sheets/${id}`),
        this.api<Tr[]>(`${T}/sheets/${id}/translations`).then((x) => x.data || [], () => [] as Tr[]),
        this.api<Source[]>(`${T}/sheets/${id}/sources`).then((x) => x.data || [], (e) => e as Error),
        this.meta().catch(() => [[], []] as [Topic[], Lang[]]),
      ]);
      if (my != this.seq) return;
      this.draw(r.data, tr, src, meta[0]);
    } catch (e) {
      if (my == this.seq) this.failView(e, () => this.render());
    }
  }

  draw(s: SheetView, trs: Tr[], src: Source[] | Error, ts: Topic[]): void {
    const t = this.t.bind(this);
    this.s = s;
    this.srcs = src instanceof Error ? undefined : src.map((x) => x.id);
    this.trs = trs.filter((x) => x.status != 'missing' && x.code != 'it');
    if (!this.trs.some((x) => x.code == this.cl)) this.cl = 'it';
    const back = h('button', { id: 'back', type: 'button', class: 'l', onclick: () => this.go(this.back == 'glossary' ? 'glossary' : 'search') },
      t(this.back == 'glossary' ? 'back_g' : 'back'));
    const rev = s.revision;
    const meta = h('p', { class: 'row' }, h('span', { class: 'b' }, t('a_' + s.audience)), ...s.topics.map((c) => h('span', { class: 'b' }, this.topicName(c, ts))),
      h('span', null, s.state == 'published' ? t('rev', { n: rev.number, d: this.day(s.published_at || rev.created_at) }) : t('draft')),
      s.review_by && !s.overdue && h('span', null, t('review_by', { d: this.day(s.review_by) })));
    const banners = [
      s.outdated && h('div', { id: 'outdated', class: 'warn', role: 'note' }, h('p', null, h('strong', null, t('outdated'))), s.outdated_note && h('p', null, s.outdated_note)),
      s.overdue && h('p', { id: 'overdue', class: 'warn', role: 'note' }, t('overdue', { d: this.day(s.review_by) })),
    ];
    // A handout for citizens prints: the network's, readable by anyone, by its address; another (an
    // ambito's own) by a signed address that opens it without the session, asked for on the click.
    const open = s.audience == 'citizens' && !s.ambito;
    const link = (id: string, key: string, file: string, onclick: (e: Event) => void) => h('a', { id, class: 'k', target: '_blank', rel: 'noopener',
      href: this.handout(file), onclick: (e: Event) => open || onclick(e) }, t(key), id == 'print' && h('span', { class: 'sr' }, ' ' + t('new_tab')));
    const print = link('print', 'print', 'handout', (e) => this.pe > Date.now() || (e.preventDefault(), this.print(print)));
    const pdf = link('pdf', 'pdf', 'handout.pdf', (e) => {
      e.preventDefault();
      this.save(pdf, this.handout('handout.pdf').slice(this.hub.length), '');
    });
    const body = h('div');
    const cl = this.sel('cl', [['it', t('it_name')], ...this.trs.map((x) => [x.code, `${x.name_native} · ${this.ui == 'it' ? x.name_it : x.code.toUpperCase()} (${t('st_' + x.status)})`])], this.cl);
    cl.onchange = () => {
      this.cl = cl.value;
      this.pe = 0;
      print.setAttribute('href', this.handout('handout'));
      pdf.setAttribute('href', this.handout('handout.pdf'));
      this.content(body);
    };
    const pr = s.audience == 'citizens' && s.state == 'published';
    this.pe = 0;
    const tools = h('div', { class: 'row' }, this.trs.length > 0 && this.fld(t('content_lang'), cl), pr && print, pr && pdf,
      h('button', { id: 'change', type: 'button', class: 's', onclick: () => {
        this.editing = s;
        this.go('propose');
      } }, t('change')));
    this.content(body);
    const sources = h('section', { 'aria-labelledby': 'src-t' }, h('h3', { id: 'src-t' }, t('sources')),
      src instanceof Error ? h('p', { class: 'err' }, this.msg(src))
        : src.length ? h('ul', { id: 'sources' }, ...src.map((x) => h('li', null,
          /^https?:/.test(x.url) ? h('a', { href: x.url, target: '_blank', rel: 'noopener noreferrer' }, x.reference || x.title) : h('strong', null, x.reference || x.title),
          x.reference && ' – ' + x.title,
          [x.version && t('version', { v: x.version }), x.valid_from && t('valid', { f: this.day(x.valid_from) }), x.valid_to && t('valid_to', { t: this.day(x.valid_to) })]
            .filter(Boolean).map((v) => ' · ' + v).join(''),
          x.expired && h('span', { class: 'b' }, t('expired')))))
          : h('p', { class: 'note' }, t('no_sources')));
    const att = s.attachments || [];
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([this.ui], { type: 'language' });
    } catch {}
    const files = att.length > 0 && h('section', { 'aria-labelledby': 'att-t' }, h('h3', { id: 'att-t' }, t('attachments')),
      h('ul', { id: 'attachments' }, ...att.map((a) => {
        const b: HTMLElement = h('button', { type: 'button', class: 'l', id: 'att-' + a.id, 'aria-describedby': 'att-d' + a.id,
          onclick: () => this.save(b, `${T}/sheets/${s.id}/attachments/${a.id}`, a.name) }, h('bdi', null, a.title));
        return h('li', null, b, ' ', h('span', { id: 'att-d' + a.id }, `(${[kind(a.content_type), size(a.size), a.lang && (names?.of(a.lang) || a.lang)].filter(Boolean).join(', ')})`));
      })));
    this.put([back, ...banners, meta, tools, body, sources, files, ...parts.map((p) => p(this, s)), s.state == 'published' && this.feedback(s)],
      body.querySelector('h2'));
  }

  /**
   * print opens the handout of a sheet that is not public in a new tab, by
   * the signed address POST /toolkit/sheets/:id/handout/link gives (kept
   * on link a while, so that the link itself opens it meanwhile). The tab is
   * opened during the click, so that popup blockers let it through.
   */
  async print(link: HTMLElement): Promise<void> {
    if (!this.busy(link, true)) return;
    const w = window.open('', '_blank');
    try {
      const r = await this.api<{ key: string }>(`${T}/sheets/${this.s!.id}/handout/link${this.cl != 'it' ? '?lang=' + enc(this.cl) : ''}`, { method: 'POST' });
      const u = this.handout('handout') + (this.cl != 'it' ? '&' : '?') + 'key=' + enc(r.data.key);
      link.setAttribute('href', u);
      this.pe = Date.now() + 6e5;
      if (w) {
        w.opener = null;
        w.location.href = u;
      } else this.say(this.t('print_ready'));
    } catch (e) {
      w?.close();
      this.say(this.msg(e));
    } finally {
      this.busy(link, false);
    }
  }

  /** save downloads hub+path with the session's token (when signed in) and saves it as name (the server's name when ""). */
  async save(b: HTMLElement, path: string, name: string): Promise<void> {
    if (!this.busy(b, true)) return;
    const s = getSession(this.hub);
    this.say(this.t('loading'));
    try {
      let r: Response;
      try {
        r = await fetch(this.hub + path, { headers: s ? { 'Accept-Language': this.ui, Authorization: 'Bearer ' + s.token } : { 'Accept-Language': this.ui }, credentials: 'omit' });
      } catch {
        throw new ApiError(0, 'network', '');
      }
      if (!r.ok) {
        const e = (await r.json().catch(() => null))?.error || {};
        if (r.status == 401 && s) setSession(this.hub, null);
        throw new ApiError(r.status, e.code || 'http', e.message || '');
      }
      name ||= (/filename="?([^";]+)/.exec(r.headers.get('Content-Disposition') || '') || [])[1] || 'scheda.pdf';
      // A blob: URL and a temporary link: nothing inline, so a strict CSP lets it through.
      const url = URL.createObjectURL(await r.blob());
      const x = h('a', { href: url, download: name, hidden: true });
      this.shadowRoot!.append(x);
      x.click();
      x.remove();
      setTimeout(() => URL.revokeObjectURL(url), 6e4);
      this.say(this.t('downloaded', { name }));
    } catch (e) {
      this.say(this.msg(e));
    } finally {
      this.busy(b, false);
    }
  }

  handout(file: string): string {
    return `${this.hub}${T}/sheets/${this.s!.id}/${file}${this.cl != 'it' ? '?lang=' + enc(this.cl) : ''}`;
  }

  /** content draws the sheet's text in the language chosen, with the glossary's terms in the Italian one. */
  content(box: HTMLElement): void {
    const t = this.t.bind(this);
    const s = this.s!;
    const tr = this.trs.find((x) => x.code == this.cl);
    const html = tr ? tr.html : s.html;
    const art = h('div', { id: 'content', lang: this.cl, dir: tr?.direction == 'rtl' || RTL.includes(this.cl) ? 'rtl' : 'ltr' },
      h('h2', { id: 'sheet-title', tabindex: -1 }, tr?.translation?.title || s.title),
      tr?.status == 'outdated' && h('p', { id: 'tr-outdated', class: 'warn', lang: this.ui, dir: 'auto' }, t('outdated_t')));
    for (const k of KEYS) {
      if (html[k]) art.append(h('h3', { lang: this.ui }, t('s_' + k)), h('div', { class: 'md', 'data-section': k }, frag(html[k])));
    }
    const n = tr ? 0 : this.gloss(art, s.terms || []);
    box.replaceChildren(...[n > 0 && h('p', { class: 'hint' }, t('term_hint')), art].filter(Boolean) as Node[]);
  }

  /**
   * gloss turns the first mention of each glossary term in root into a
   * button whose definition shows on hover, focus or tap (Escape hides it),
   * described by it for screen readers. It returns the terms marked.
   */
  gloss(root: HTMLElement, terms: TermMatch[]): number {
    const by = new Map<string, TermMatch>();
    for (const m of terms) for (const f of [m.term, ...(m.forms || [])]) by.set(f.toLowerCase(), m);
    const forms = [...by.keys()].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (!forms.length) return 0;
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
    const done = new Set<number>();
    const nodes: Text[] = [];
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n; (n = w.nextNode()); ) if (!n.parentElement!.closest('a,button,h2,h3,code,pre')) nodes.push(n as Text);
    for (const node of nodes) {
      const s = node.data;
      const out: Node[] = [];
      let at = 0;
      for (const m of s.matchAll(re)) {
        const tm = by.get(m[0].toLowerCase());
        if (!tm || done.has(tm.id)) continue;
        done.add(tm.id);
        out.push(document.createTextNode(s.slice(at, m.index)), this.term(m[0], tm));
        at = m.index! + m[0].length;
      }
      if (out.length) node.replaceWith(...out, s.slice(at));
    }
    return done.size;
  }

  term(text: string, m: TermMatch): HTMLElement {
    const d = m.definitions;
    const lang = d[this.ui] ? this.ui : d.it ? 'it' : Object.keys(d)[0];
    const id = 'gd-' + ++this.n;
    const tip = h('span', { id, role: 'tooltip', class: 'tip', lang, dir: RTL.includes(lang) ? 'rtl' : null, hidden: true }, h('strong', null, m.term + ': '), d[lang] || '');
    const b = h('button', { type: 'button', class: 'gl', 'aria-describedby': id, 'aria-expanded': 'false', 'data-term': m.id }, text);
    // Shown while hovered, focused or tapped; Escape hides it until the focus leaves or a tap.
    let pin = false, hover = false, focus = false, esc = false;
    const upd = () => {
      const v = !esc && (pin || hover || focus);
      tip.hidden = !v;
      b.setAttribute('aria-expanded', String(v));
    };
    b.onclick = () => upd((esc = false, pin = true));
    b.onfocus = () => upd((focus = true));
    b.onblur = () => upd((focus = pin = esc = false));
    b.onkeydown = (e) => e.key == 'Escape' && !tip.hidden && (e.stopPropagation(), upd((esc = true)));
    const w = h('span', { class: 'gw', onmouseenter: () => upd((hover = true)), onmouseleave: () => upd((hover = false)) }, b, tip);
    return w;
  }

  feedback(s: SheetView): HTMLElement {
    const t = this.t.bind(this);
    const err = h('p', { id: 'fb-error', class: 'err', role: 'alert', hidden: true });
    const radios = (name: string, vs: string[][]) => h('div', { class: 'radios' }, ...vs.map(([v, l]) =>
      h('label', null, h('input', { type: 'radio', name, value: v, id: `fb-${name}-${v}` }), l)));
    const missing = h('fieldset', { id: 'fb-missing', 'data-field': 'missing', hidden: true },
      h('legend', null, t('fb_missing')), radios('missing', ['steps', 'documents', 'where', 'language', 'other'].map((k) => [k, t('m_' + k)])),
      h('p', { id: 'fb-missing-err', class: 'fe', hidden: true }));
    const score = h('fieldset', { id: 'fb-score', 'data-field': 'score', 'aria-describedby': 'fb-score-err' },
      h('legend', null, t('fb_score')), radios('score', ['1', '2', '3', '4', '5'].map((k) => [k, t('fb_' + k)])),
      h('p', { id: 'fb-score-err', class: 'fe', hidden: true }));
    const comment = h('textarea', { id: 'fb-comment', name: 'comment', maxlength: 500, rows: 3 });
    const btn = h('button', { id: 'fb-send', type: 'submit' }, t('fb_send'));
    const val = (n: string) => (form.querySelector(`input[name=${n}]:checked`) as HTMLInputElement | null)?.value;
    const form: HTMLFormElement = h('form', { id: 'feedback', novalidate: true, 'aria-labelledby': 'fb-t',
      onchange: () => (missing.hidden = !(+(val('score') || 5) <= 3)),
      onsubmit: async (e: Event) => {
        e.preventDefault();
        this.clear(form, err);
        const sc = +(val('score') || 0);
        if (!sc) return this.bad(score, t('fb_pick')).querySelector('input')!.focus();
        if (!this.busy(btn, true)) return;
        this.say(t('fb_sending'));
        try {
          const body: Record<string, unknown> = { score: sc, comment: comment.value.trim() };
          const m = val('missing');
          if (sc <= 3 && m) body.missing = m;
          await this.api(`${T}/sheets/${s.id}/feedback`, { method: 'POST', body });
          const done = h('p', { id: 'fb-done', class: 'note', tabindex: -1 }, t('fb_done'));
          form.replaceWith(done);
          done.focus();
          this.say(t('fb_done'));
        } catch (e) {
          this.say('');
          this.fail(form, err, e);
        } finally {
          this.busy(btn, false);
        }
      } },
      h('h3', { id: 'fb-t' }, t('fb')), score, missing, this.fld(t('fb_comment'), comment, t('fb_warn')), err, btn);
    return form;
  }

  // ---- glossary

  async glossary(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    const qi = h('input', { id: 'gq', name: 'q', type: 'search', value: this.gq });
    const out = h('div', { id: 'glossary', 'aria-busy': 'true' }, h('p', null, t('loading')));
    const form = h('form', { role: 'search', 'aria-label': t('glossary'), class: 'row', onsubmit: (e: Event) => {
      e.preventDefault();
      this.gq = qi.value.trim();
      this.letter = '';
      this.glossary();
    } }, this.fld(t('g_q'), qi), h('button', { id: 'g-go', type: 'submit' }, t('search')));
    if (this.view == 'glossary') this.put([h('h2', null, t('glossary')), form, out], this.shadowRoot!.activeElement?.id == 'g-go' ? null : qi);
    try {
      const r = await this.api<Term[]>(T + '/glossary' + (this.gq ? '?q=' + enc(this.gq) : ''));
      if (my != this.seq) return;
      const all = r.data || [];
      // Entries that do not start with a letter go under "#".
      const init = (x: Term) => (/^\p{L}/u.test(fold(x.term)) ? fold(x.term).charAt(0).toUpperCase() : '#');
      const letters = [...new Set(all.map(init))].sort();
      const draw = (focus?: string) => {
        const list = all.filter((x) => !this.letter || init(x) == this.letter);
        const lb = (l: string) => h('button', { type: 'button', class: 's', id: 'l-' + (l || 'all'), 'aria-pressed': String(this.letter == l), onclick: () => {
          this.letter = l;
          draw('l-' + (l || 'all'));
        } }, l || t('all'));
        out.replaceChildren(...[
          letters.length > 1 && h('div', { class: 'letters', role: 'group', 'aria-label': t('letters') }, lb(''), ...letters.map(lb)),
          list.length ? h('p', { id: 'g-count' }, t('g_count', { n: list.length })) : h('p', { id: 'g-empty', class: 'note' }, t('g_none')),
          list.length > 0 && h('ul', { id: 'terms', class: 'c terms', 'aria-labelledby': 'g-count' }, ...list.map((x) => this.entry(x))),
        ].filter(Boolean) as Node[]);
        if (focus) this.shadowRoot!.getElementById(focus)?.focus();
      };
      draw();
      this.say(all.length ? t('g_count', { n: all.length }) : t('g_none'));
    } catch (e) {
      if (my != this.seq) return;
      out.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.glossary() }, t('retry'))));
    }
    out.setAttribute('aria-busy', 'false');
  }

  entry(x: Term): HTMLElement {
    const t = this.t.bind(this);
    const d = x.definitions;
    const order = [...new Set([this.ui, 'it', ...Object.keys(d).sort()])].filter((l) => d[l]);
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([this.ui], { type: 'language' });
    } catch {}
    return h('li', null, h('h3', null, x.term),
      x.variants?.length > 0 && h('p', { class: 'hint' }, t('also', { v: x.variants.join(', ') })),
      h('dl', null, ...order.flatMap((l) => [h('dt', null, names?.of(l) || l), h('dd', { lang: l, dir: RTL.includes(l) ? 'rtl' : 'ltr' }, d[l])])));
  }

  // ---- the chunk's views

  signin(): void {
    this.loading();
    this.chunk().then((c) => this.view == 'signin' && c.signin(this, false), (e) => this.failView(e, () => this.render()));
  }

  propose(): void {
    this.loading();
    const my = ++this.seq;
    Promise.all([this.chunk(), this.meta()]).then(([c, [ts]]) => {
      if (my == this.seq && this.view == 'propose') c.propose(this, { sheet: this.editing, sources: this.editing && this.srcs, topics: ts, back: () => this.go(this.editing ? 'sheet' : 'search') });
    }, (e) => my == this.seq && this.failView(e, () => this.render()));
  }
}

define('incroci-toolkit', Toolkit);
