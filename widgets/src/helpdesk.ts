// <incroci-helpdesk>: the operators' help desk. Views: sign-in (auth.ts),
// "Le mie consulenze" (list), "Nuova consulenza" (form with the topic
// picker and the personal-data warning), and one consultation (header,
// live dialogue, attachments, reply). Appointments and mediation plug in
// as parts of the consultation view (see Part) and as views of their own.

import { define, h, Widget } from './base';
import { addStyle } from './style';
import { ApiError, stream, uuid } from './api';
import { loadMe, pageURL, SignIn, signOut, who } from './auth';
import { getSession, setSession, Me } from './session';
import { find, label, mask } from './pii';
import { D } from './helpdesk-text';
import { appointments } from './helpdesk-appointments';
import { TZ } from './italy';

/** Topic is a topic of a desk (GET /helpdesk/desks). */
export interface Topic {
  code: string;
  label_it: string;
  label_en: string;
  intake: string[];
}

interface Desk {
  id: number;
  name: string;
  topics: Topic[];
}

interface Sum {
  id: number;
  desk_id: number;
  topic: string;
  subject: string;
  status: string;
  deadline: string | null;
  late: boolean;
  unread: number;
  last_message_at: string;
}

interface Msg {
  id: number;
  client_id: string;
  author_id: number;
  author_name?: string;
  body: string;
  created_at: string;
}

interface Att {
  id: number;
  message_id: number | null;
  name: string;
  size: number;
}

/** Det is a consultation as GET /helpdesk/consultations/:id gives it. */
export interface Det {
  id: number;
  subject: string;
  question: string;
  status: string;
  operator_id: number;
  assignee_name?: string;
  desk_name: string;
  topic: Topic;
  deadline: string | null;
  first_response_due: string;
  first_response_at: string | null;
  late: boolean;
  created_at: string;
  beneficiary: { label: string; age_band: string; nationality: string; language: string };
  messages: Msg[];
  attachments: Att[];
  last_read: number;
}

/** A message being sent: its client id stays the same on every retry. */
interface Out {
  cid: string;
  body: string;
  atts: Att[];
  li: HTMLElement;
}

/**
 * Part is a section of the consultation view below the dialogue
 * (appointment slots, mediator requests): draw returns its element (or
 * null when it has nothing to show) and is called again whenever the
 * consultation changes, live included.
 */
export interface Part {
  draw(w: Helpdesk, c: Det): HTMLElement | null;
}

/** parts are the sections added to the consultation's header, in order. */
export const parts: Part[] = [appointments];

const STATUSES = ['new', 'open', 'waiting_operator', 'waiting_consultant', 'appointment', 'resolved', 'closed'];
const AGES = ['0-5', '6-13', '14-17', '18-25', '26-40', '41-64', '65+', 'unknown'];
/** LANGS are the codes of shared/domain/languages.csv; their names come from Intl. */
const LANGS = 'it en fr es ar sq ro uk ru zh ur pa bn hi wo ti am so fa tl'.split(' ');
/** NATS are the most common nationalities of migrants in Lombardy, offered first. */
const NATS = 'RO MA AL EG CN UA PH IN PE PK LK SN EC BD MD TN NG GH BR SV BO CI ML GM ER'.split(' ');
const INTAKE: Record<string, string> = { permit_type: 'text', permit_expiry: 'date', appeal_deadline: 'date' };
const PER_PAGE = 20;
/** medJS is mediation.js beside this script (by its plain name), captured while this script runs. */
const medJS = ((document.currentScript as HTMLScriptElement | null)?.src || '').replace(/\/[^/?#]*(?:[?#].*)?$/, '/mediation.js');
let MED: Promise<unknown> | undefined;
const MAX_FILE = 10 << 20;
const DAY = 864e5;

const CSS = `select,textarea{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
textarea{max-width:40em;min-height:7em;resize:vertical}
select:focus,textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
input[type=file]{border:0;padding:.25em 0}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em}
.u{background:var(--_p);border-color:var(--_p);color:#fff}
.late{color:var(--_d);border-color:var(--_d);font-weight:600}
.c,.m,.files{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em 0}
.c h3{margin:0 0 .25em;font-size:1.1em}
.c h3 button{font-weight:600;text-align:start}
.m>li{border:1px solid var(--_l);border-radius:var(--_r);padding:.5em .75em;margin:0 0 .75em;max-width:40em}
.m>li.me{margin-inline-start:auto;background:#eef4fb}
.who{font-size:.875em;margin:0 0 .25em}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;margin:0 0 1em}
dt{font-weight:600}dd{margin:0}
dialog{max-width:min(36em,92vw);border:2px solid var(--_l);border-radius:var(--_r);padding:1.5em;color:var(--_t);background:var(--_b)}
dialog::backdrop{background:#0008}
dialog li{margin:0 0 .25em;overflow-wrap:anywhere}`;

const enc = encodeURIComponent;

/** sel builds a select from [value, label] pairs. */
const sel = (id: string, name: string, opts: string[][], v = '') =>
  h('select', { id, name }, ...opts.map(([o, l]) => h('option', { value: o, selected: o == v }, l)));

/** size says how big a file is. */
const size = (n: number) => (n < 1 << 20 ? Math.ceil(n / 1024) + ' KB' : (n / (1 << 20)).toFixed(1) + ' MB');

class Helpdesk extends Widget {
  dict = D;
  flow = new SignIn(this);
  view: 'list' | 'new' | 'one' | 'med' = 'list';
  /** want is the consultation to open once signed in (from the e-mail link). */
  want = 0;
  tok = '';
  me!: Me;
  top!: HTMLElement;
  desksP?: Promise<Desk[]>;
  // The list.
  page = 1;
  q = '';
  st = '';
  seq = 0;
  // The consultation shown.
  c?: Det;
  cid = 0;
  seen = new Set<number>();
  last = 0;
  atts: Att[] = [];
  outs: Out[] = [];
  picked: Att[] = [];
  ups = new Set<Promise<unknown>>();
  ol!: HTMLElement;
  head!: HTMLElement;
  foot!: HTMLElement;
  more_ = Promise.resolve();
  sub?: { close(): void };
  downT = 0;
  tick = 0;
  note!: HTMLElement;

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    const r = this.shadowRoot!;
    if (first) {
      addStyle(r, CSS);
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  start(): void {
    this.tok = '';
    if (!this.ambito) return this.show([h('p', { id: 'error', class: 'err' }, this.t('config', { attr: 'ambito' }))]);
    // The e-mail link of an opened consultation: sign in with its token (auth.ts), then open it.
    const u = pageURL();
    const id = u.searchParams.get('incroci_consultation');
    if (id) {
      this.want = +id || 0;
      const a = new URL(location.href);
      a.searchParams.delete('incroci_consultation');
      history.replaceState(history.state, '', a.href);
    }
    if (!this.flow.activate()) this.render();
  }

  render(): void {
    const s = getSession(this.hub);
    if (!this.ambito) return;
    if (this.flow.view == 'wait' || !s) {
      this.tok = '';
      this.stop();
      return this.flow.render();
    }
    if (!s.person) {
      this.stop();
      this.show([h('p', null, this.t('loading'))], false);
      return loadMe(this, s);
    }
    this.me = s.person;
    this.top = this.line(s.person);
    if (this.tok != s.token) {
      this.tok = s.token;
      this.desksP = undefined;
      this.page = 1;
      this.q = this.st = '';
      this.view = 'list';
    }
    if (this.want) {
      this.cid = this.want;
      this.want = 0;
      this.view = 'one';
    }
    if (this.view == 'one') this.open(this.cid);
    else if (this.view == 'med') this.med();
    else if (this.view == 'new') this.form();
    else this.list();
  }

  onSession(): void {
    // A new profile of the same session: only the signed-in line changes.
    const s = getSession(this.hub);
    if (s?.person && s.token == this.tok && this.top?.isConnected) {
      const n = this.line((this.me = s.person));
      this.top.replaceWith(n);
      this.top = n;
    } else this.render();
  }

  /** put shows a view and, when the person acted in the widget, focuses target. */
  put(kids: Node[], target: HTMLElement): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.stop();
    this.show([this.top, ...kids], false);
    if (f) target.focus();
  }

  /** go switches view after a click. */
  go(v: Helpdesk['view'], id = 0): void {
    this.acted = true;
    this.say('');
    this.view = v;
    if (id) this.cid = id;
    this.render();
  }

  desks(): Promise<Desk[]> {
    return (this.desksP ??= this.api<Desk[]>('/helpdesk/desks').then((r) => r.data || [], (e) => {
      this.desksP = undefined;
      throw e;
    }));
  }

  topicName(t?: Topic): string {
    return t ? (this.ui == 'en' ? t.label_en : t.label_it) : '';
  }

  /** when formats an instant (date only, for the dates of the intake). */
  when(s: string, day?: boolean): string {
    return new Date(s).toLocaleString(this.ui, day ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'short', timeStyle: 'short', timeZone: TZ });
  }

  /** names gives a language or country its name in the UI language. */
  names(type: 'language' | 'region', code: string): string | undefined {
    try {
      return new Intl.DisplayNames([this.ui], { type, fallback: 'none' }).of(code);
    } catch {}
  }

  /** line is the signed-in line with the sign-out button (the account actions live in <incroci-signin>). */
  line(p: Me): HTMLElement {
    const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 's', onclick: () => signOut(this, out) }, this.t('signout'));
    const [a, b] = this.t('as').split('{who}');
    return h('div', { id: 'signed-in', class: 'row', tabindex: -1 }, h('p', null, a, h('bdi', null, who(p)), b), out);
  }

  badge(status: string): HTMLElement {
    return h('span', { class: 'b' }, h('span', { class: 'sr' }, this.t('status') + ': '), this.t('s_' + status));
  }

  /** fld wraps a field with its label, hint and error paragraph (ids "<id>-hint", "<id>-err"). */
  fld(lab: string, el: HTMLElement, hint?: string): HTMLElement {
    const id = el.id;
    el.setAttribute('aria-describedby', (hint ? id + '-hint ' : '') + id + '-err');
    return h('div', { class: 'f' }, h('label', { for: id }, lab), hint && h('p', { id: id + '-hint', class: 'hint' }, hint), el,
      h('p', { id: id + '-err', class: 'fe', hidden: true }));
  }

  // ---- "Le mie consulenze"

  list(): void {
    const t = this.t.bind(this);
    const title = h('h2', { tabindex: -1 }, t('title'));
    const qi = h('input', { id: 'q', name: 'q', type: 'search', value: this.q });
    const st = sel('st', 'status', [['', t('all_st')], ...STATUSES.map((s) => [s, t('s_' + s)])], this.st);
    st.onchange = () => {
      this.st = st.value;
      this.page = 1;
      this.load();
    };
    const search = h('form', { role: 'search', class: 'row', onsubmit: (e: Event) => {
      e.preventDefault();
      this.q = qi.value.trim();
      this.page = 1;
      this.load();
    } },
      h('div', null, h('label', { for: 'q' }, t('q')), qi),
      h('div', null, h('label', { for: 'st' }, t('status')), st),
      h('button', { type: 'submit', class: 's' }, t('search')));
    const box = h('div', { id: 'list', 'aria-busy': 'true' }, h('p', null, t('loading')));
    this.put([title, h('p', null, h('button', { id: 'new', type: 'button', onclick: () => this.go('new') }, t('new')), ' ',
      h('button', { id: 'med', type: 'button', class: 's', onclick: () => this.go('med', -1) }, t('med'))), search, box], title);
    this.load(box);
  }

  async load(box = this.shadowRoot!.getElementById('list')!): Promise<void> {
    const my = ++this.seq;
    const t = this.t.bind(this);
    box.setAttribute('aria-busy', 'true');
    const qs = new URLSearchParams({ page: '' + this.page, per_page: '' + PER_PAGE });
    if (this.st) qs.set('status', this.st);
    if (this.q) qs.set('q', this.q);
    try {
      const [r, desks] = await Promise.all([this.api<Sum[]>('/helpdesk/consultations?' + qs), this.desks().catch(() => [])]);
      if (my != this.seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const topic = (c: Sum) => this.topicName(desks.find((d) => d.id == c.desk_id)?.topics.find((x) => x.code == c.topic)) || c.topic;
      const nav = (d: number, id: string) => h('button', { id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? this.page <= 1 : this.page >= pages),
        onclick: (e: Event) => {
          if ((e.target as HTMLElement).getAttribute('aria-disabled') == 'true') return;
          this.page += d;
          this.load().then(() => this.shadowRoot!.getElementById(id)?.focus());
        } }, t(id));
      box.replaceChildren(...(rows.length
        ? [h('p', { id: 'count' }, t('count', { n: total })),
          h('ul', { class: 'c', 'aria-labelledby': 'count' }, ...rows.map((c) => {
            const left = c.deadline ? (Date.parse(c.deadline) - Date.now()) / DAY : 99;
            return h('li', null,
              h('h3', null, h('button', { id: 'c-' + c.id, type: 'button', class: 'l', onclick: () => this.go('one', c.id) }, c.subject)),
              h('p', { class: 'row' }, this.badge(c.status),
                c.unread > 0 && h('span', { class: 'b u' }, t('unread', { n: c.unread })),
                c.late && h('span', { class: 'b late' }, t('late')),
                left < 30 && h('span', { class: left < 7 ? 'b late' : 'b' }, t('deadline', { d: this.when(c.deadline!, true) })),
                h('span', null, `${t('n', { id: c.id })} · ${topic(c)} · ${this.when(c.last_message_at)}`)));
          })),
          h('nav', { class: 'row', 'aria-label': t('pages') }, nav(-1, 'prev'), t('page', { p: this.page, n: pages }), nav(1, 'next'))]
        : [h('p', { id: 'empty', class: 'note' }, t(this.q || this.st ? 'none' : 'empty'))]));
      this.say(t('count', { n: total }));
    } catch (e) {
      if (my != this.seq || !getSession(this.hub)) return;
      box.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.load() }, t('retry'))));
    }
    box.setAttribute('aria-busy', 'false');
  }

  // ---- "Nuova consulenza"

  async form(): Promise<void> {
    const t = this.t.bind(this);
    const title = h('h2', { tabindex: -1 }, t('new'));
    const back = h('button', { id: 'back', type: 'button', class: 'l', onclick: () => this.go('list') }, t('back'));
    this.put([back, title, h('p', null, t('loading'))], title);
    let desks: Desk[];
    try {
      desks = await this.desks();
    } catch (e) {
      return this.failView(e, () => this.render());
    }
    if (this.view != 'new') return;
    const err = h('p', { id: 'error', class: 'err', role: 'alert', hidden: true });
    const input = (id: string, name: string, a?: Record<string, unknown>) => h('input', { id, name, type: 'text', autocomplete: 'off', ...a });
    const desk = sel('desk', 'desk_id', desks.map((d) => ['' + d.id, d.name]));
    const topic = h('select', { id: 'topic', name: 'topic' });
    const subject = input('subject', 'subject', { maxlength: 300, required: true });
    const question = h('textarea', { id: 'question', name: 'question', rows: 8, required: true });
    const nat = input('b-nat', 'beneficiary.nationality', { list: 'nats', maxlength: 60, autocapitalize: 'characters' });
    const langs = LANGS.map((c) => [c, this.names('language', c) || c]).sort((a, b) => a[1].localeCompare(b[1], this.ui));
    const intake = Object.keys(INTAKE).map((k) => this.fld(t(k), input('i-' + k, 'intake.' + k, { type: INTAKE[k] })));
    const box = h('fieldset', { id: 'intake' }, h('legend', null, t('intake')), ...intake);
    const topics = () => desks.find((d) => '' + d.id == desk.value)?.topics || [];
    const fillTopics = () => {
      topic.replaceChildren(...topics().map((x) => h('option', { value: x.code }, this.topicName(x))));
      fillIntake();
    };
    const fillIntake = () => {
      const want = topics().find((x) => x.code == topic.value)?.intake || [];
      Object.keys(INTAKE).forEach((k, i) => (intake[i].hidden = !want.includes(k)));
      box.hidden = !want.length;
    };
    desk.onchange = fillTopics;
    topic.onchange = fillIntake;
    fillTopics();
    const send = h('button', { id: 'send', type: 'submit' }, t('send_c'));
    const form: HTMLFormElement = h('form', { id: 'new-form', novalidate: true, 'aria-labelledby': 'new-t', onsubmit: async (e: Event) => {
      e.preventDefault();
      this.clear(form, err);
      const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
      const bad: HTMLElement[] = [];
      const need = (el: HTMLInputElement | HTMLTextAreaElement, n: number) => el.value.trim().length < n && bad.push(this.bad(el, t('min', { n })));
      need(subject, 3);
      need(question, 10);
      const label_ = v('beneficiary.label');
      if (!label_) bad.push(this.bad(this.shadowRoot!.getElementById('b-label')!, t('b_label_hint')));
      const code = this.nat(nat.value);
      if (code == null) bad.push(this.bad(nat, t('b_nat_bad')));
      if (bad.length) return bad[0].focus();
      if (!this.busy(send, true)) return;
      try {
        const texts = await this.pii([[t('subject'), subject], [t('question'), question]]);
        if (!texts) return;
        const want = topics().find((x) => x.code == topic.value)?.intake || [];
        const body = {
          desk_id: +desk.value, topic: topic.value, ambito: this.ambito, service: v('service'), subject: texts[0], question: texts[1], urgency: v('urgency'),
          beneficiary: { label: label_, age_band: v('beneficiary.age_band'), nationality: code, language: v('beneficiary.language') },
          intake: Object.fromEntries(want.map((k) => [k, v('intake.' + k)]).filter((x) => x[1])),
          return_url: pageURL().href,
        };
        this.say(t('sending'));
        const r = await this.api<Det>('/helpdesk/consultations', { method: 'POST', body });
        this.acted = true;
        this.view = 'one';
        this.cid = r.data.id;
        this.draw(r.data);
        this.say(t('opened', { id: r.data.id }));
      } catch (e) {
        this.say('');
        this.fail(form, err, e);
      } finally {
        this.busy(send, false);
      }
    } },
      this.fld(t('desk'), desk),
      this.fld(t('topic'), topic),
      this.fld(t('subject'), subject, t('subject_hint')),
      this.fld(t('question'), question, t('question_hint')),
      this.fld(t('urgency'), sel('urgency', 'urgency', ['low', 'normal', 'high', 'urgent'].map((u) => [u, t('u_' + u)]), 'normal')),
      this.fld(t('service'), input('service', 'service', { maxlength: 200, value: this.me.service || '' })),
      h('fieldset', null, h('legend', null, t('ben')),
        this.fld(t('b_label'), input('b-label', 'beneficiary.label', { maxlength: 40, required: true }), t('b_label_hint')),
        this.fld(t('b_age'), sel('b-age', 'beneficiary.age_band', AGES.map((a) => [a, a == 'unknown' ? t('unknown') : a]), 'unknown')),
        this.fld(t('b_nat'), nat, t('b_nat_hint')),
        h('datalist', { id: 'nats' }, ...NATS.map((c) => h('option', { value: c }, this.names('region', c) || c))),
        this.fld(t('b_lang'), sel('b-lang', 'beneficiary.language', [['', t('unknown')], ...langs]))),
      box, err,
      h('p', { class: 'row' }, send, h('button', { type: 'button', class: 's', onclick: () => this.go('list') }, t('cancel'))));
    title.id = 'new-t';
    this.put([back, title, form], this.shadowRoot!.activeElement ? desk : title);
  }

  /** nat reads a nationality: a two-letter code, or a name from the list; "" stays "" (unknown), null when invalid. */
  nat(v: string): string | null {
    const s = v.trim().toUpperCase();
    if (!s || s == 'XX') return s;
    if (/^[A-Z]{2}$/.test(s)) return this.names('region', s) ? s : null;
    return NATS.find((c) => this.names('region', c)?.toUpperCase() == s) || null;
  }

  /**
   * pii looks for personal data in the fields. When there is some it asks,
   * in a modal dialog, whether to mask it, send it anyway or edit; it
   * resolves to the texts to send, or null to edit.
   */
  pii(fields: [string, HTMLInputElement | HTMLTextAreaElement][]): Promise<string[] | null> {
    const t = this.t.bind(this);
    const texts = fields.map((f) => f[1].value.trim());
    const found = texts.map(find);
    if (!found.some((f) => f.length)) return Promise.resolve(texts);
    return new Promise((done) => {
      const end = (v: string[] | null) => {
        d.close();
        d.remove();
        done(v);
        if (!v) {
          // Back to the first field with personal data, the data selected.
          const i = found.findIndex((f) => f.length);
          const el = fields[i][1];
          el.focus();
          el.setSelectionRange(found[i][0].start, found[i][0].end);
        }
      };
      const mk = (id: string, cls: string | null, v: () => string[] | null) => h('button', { id, type: 'button', class: cls, onclick: () => end(v()) }, t(id));
      // Masked, the fields show what is sent: sending again asks nothing.
      const first = mk('pii-mask', null, () => texts.map((s, i) => (fields[i][1].value = mask(s, found[i], this.ui))));
      const d = h('dialog', { id: 'pii', 'aria-labelledby': 'pii-t', 'aria-describedby': 'pii-p', oncancel: (e: Event) => {
        e.preventDefault();
        end(null);
      } },
        h('h2', { id: 'pii-t' }, t('pii-t')),
        h('p', { id: 'pii-p' }, t('pii-p')),
        h('ul', { id: 'pii-list' }, ...found.flatMap((f, i) => f.map((m) =>
          h('li', null, h('strong', null, label(m.kind, this.ui)), ': ', h('bdi', null, m.text), ` (${fields[i][0]})`)))),
        h('p', { class: 'row' }, first, mk('pii-send', 's', () => texts), mk('pii-edit', 's', () => null)));
      this.box.append(d);
      d.showModal();
      first.focus();
    });
  }

  // ---- One consultation

  async open(id: number): Promise<void> {
    const t = this.t.bind(this);
    const p = h('p', { tabindex: -1 }, t('loading'));
    this.put([this.backBtn(), p], p);
    try {
      const r = await this.api<Det>('/helpdesk/consultations/' + id);
      if (this.view == 'one' && this.cid == id) this.draw(r.data);
    } catch (e) {
      if (this.view != 'one' || this.cid != id || !getSession(this.hub)) return;
      this.put([this.backBtn(), h('p', { id: 'error', class: 'err', role: 'alert', tabindex: -1 }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.go('one') }, t('retry')))], p);
      this.shadowRoot!.getElementById('error')?.focus();
    }
  }

  /**
   * med shows the mediator requests: <incroci-mediation>, embedded, from
   * mediation.js beside this script (loaded once, when first needed), for
   * the consultation cid when it is one (cid > 0).
   */
  med(): void {
    const t = this.t.bind(this);
    const back = this.backBtn(this.cid > 0 ? 'one' : 'list');
    const box = h('div', { id: 'med-box', 'aria-busy': 'true' }, h('p', null, t('loading')));
    this.put([back, box], back);
    (MED ||= customElements.get('incroci-mediation') ? Promise.resolve() : import(medJS || this.hub + '/widgets/mediation.js')).then(
      () => box.replaceChildren(h('incroci-mediation', { ambito: this.ambito, hub: this.hub, embedded: '', consultation: this.cid > 0 ? this.cid : null })),
      () => {
        MED = undefined;
        box.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, t('med_err')));
      }).finally(() => box.setAttribute('aria-busy', 'false'));
  }

  backBtn(to: Helpdesk['view'] = 'list'): HTMLElement {
    return h('button', { id: 'back', type: 'button', class: 'l', onclick: () => this.go(to) }, this.t(to == 'one' ? 'back_c' : 'back'));
  }

  /** draw shows consultation c with its dialogue and starts following it live. */
  draw(c: Det): void {
    const t = this.t.bind(this);
    this.c = c;
    this.seen = new Set();
    this.last = 0;
    this.atts = c.attachments || [];
    this.outs = [];
    this.picked = [];
    this.head = h('div');
    this.foot = h('div');
    this.note = h('p', { id: 'live', class: 'note', role: 'status' });
    // The question opens the dialogue, as the operator's first message.
    this.ol = h('ol', { id: 'msgs', class: 'm', 'aria-labelledby': 'dlg' },
      this.li({ id: 0, client_id: '', author_id: c.operator_id, body: c.question, created_at: c.created_at }));
    this.add(c.messages || []);
    this.drawHead();
    this.drawFoot();
    this.put([this.backBtn(), this.head, this.note, h('h3', { id: 'dlg' }, t('dialogue')), this.ol, this.foot], this.head.firstChild as HTMLElement);
    this.follow();
  }

  drawHead(): void {
    const t = this.t.bind(this);
    const c = this.c!;
    const b = c.beneficiary || ({} as Det['beneficiary']);
    const focused = this.shadowRoot!.activeElement == this.head.firstChild;
    const row = (k: string, ...v: (Node | string | false | null)[]) => [h('dt', null, t(k)), h('dd', null, ...v)];
    this.head.replaceChildren(
      h('h2', { id: 'c-title', tabindex: -1 }, c.subject),
      h('dl', { id: 'c-meta' },
        ...row('number', '' + c.id),
        ...row('topic', this.topicName(c.topic)),
        ...row('desk', c.desk_name),
        ...(c.assignee_name ? row('consultant', h('bdi', null, c.assignee_name)) : []),
        ...row('status', h('span', { class: 'b', id: 'c-status' }, t('s_' + c.status)), ' ', c.late && h('span', { class: 'b late' }, t('late'))),
        ...(c.first_response_at ? [] : row('due', this.when(c.first_response_due))),
        ...(c.deadline ? row('deadline_l', this.when(c.deadline, true)) : []),
        ...row('ben_l', h('bdi', null, b.label), [b.age_band == 'unknown' ? '' : b.age_band, b.nationality == 'XX' ? '' : this.names('region', b.nationality),
          b.language && this.names('language', b.language)].filter((x) => x).map((x) => ' · ' + x).join(''))),
      ...(c.status == 'resolved' ? [h('p', { class: 'note' }, t('resolved_n'))] : []),
      c.status != 'closed' && h('p', null, h('button', { id: 'ask-med', type: 'button', class: 's', onclick: () => this.go('med') }, t('ask_med'))));
    if (focused) (this.head.firstChild as HTMLElement).focus();
    for (const p of parts) {
      const el = p.draw(this, c);
      if (el) this.head.append(el);
    }
  }

  drawFoot(): void {
    const t = this.t.bind(this);
    const c = this.c!;
    if (c.status == 'closed') {
      const had = this.foot.contains(this.shadowRoot!.activeElement);
      this.foot.replaceChildren(h('p', { id: 'closed', class: 'note', tabindex: -1 }, t('closed_n')));
      if (had) (this.foot.firstChild as HTMLElement).focus();
      return;
    }
    if (this.foot.firstChild) return;
    // The reply form.
    const ta = h('textarea', { id: 'body', name: 'body', rows: 5, maxlength: 20000 });
    const file = h('input', { id: 'file', name: 'file', type: 'file', multiple: true,
      accept: '.pdf,.jpg,.jpeg,.png,.txt,.doc,.docx,.odt,application/pdf,image/jpeg,image/png,text/plain', onchange: () => {
        const fe = this.shadowRoot!.getElementById('file-err')!;
        fe.hidden = true;
        file.removeAttribute('aria-invalid');
        for (const f of file.files || []) this.upload(f);
        file.value = '';
      } });
    const err = h('p', { id: 'reply-error', class: 'err', role: 'alert', hidden: true });
    const send = h('button', { id: 'send', type: 'submit' }, t('send_m'));
    const form: HTMLFormElement = h('form', { id: 'reply', novalidate: true, 'aria-labelledby': 'reply-t', onsubmit: async (e: Event) => {
      e.preventDefault();
      this.clear(form, err);
      if (!ta.value.trim()) return this.bad(ta, t('body_empty')).focus();
      if (!this.busy(send, true)) return;
      try {
        await Promise.all(this.ups);
        const texts = await this.pii([[t('body'), ta]]);
        if (!texts) return;
        const li = h('li', { class: 'me' });
        const o: Out = { cid: uuid(), body: texts[0], atts: this.picked, li };
        this.picked = [];
        this.pickedList();
        ta.value = '';
        this.outs.push(o);
        this.ol.append(li);
        this.post(o);
      } finally {
        this.busy(send, false);
      }
    } },
      h('h3', { id: 'reply-t' }, t('reply')),
      this.fld(t('body'), ta),
      this.fld(t('file'), file, t('file_hint')),
      h('ul', { id: 'picked', class: 'files', 'aria-label': t('attached') }),
      err, send);
    // Closing asks first, in place.
    const box = h('div', { id: 'close-box', class: 'row' });
    const close = h('button', { id: 'close', type: 'button', class: 's', onclick: () => {
      const q = h('p', { id: 'close-q', tabindex: -1 }, t('close_q'));
      const yes: HTMLElement = h('button', { id: 'close-yes', type: 'button', onclick: async () => {
        if (!this.busy(yes, true)) return;
        try {
          const r = await this.api<Det>(`/helpdesk/consultations/${c.id}/status`, { method: 'POST', body: { status: 'closed' } });
          this.update(r.data);
          this.say(t('closed_n'));
        } catch (e) {
          this.say(this.msg(e));
          this.busy(yes, false);
        }
      } }, t('close_yes'));
      box.replaceChildren(q, yes, h('button', { id: 'close-no', type: 'button', class: 's', onclick: () => {
        box.replaceChildren(close);
        close.focus();
      } }, t('cancel')));
      q.focus();
    } }, t('close'));
    box.append(close);
    this.foot.replaceChildren(form, box);
  }

  /** update takes a newer state of the consultation: header, and the reply box when it closed. */
  update(d: Det): void {
    if (!this.c || d.id != this.c.id) return;
    this.c = d;
    this.add(d.messages || [], d.attachments, true);
    this.drawHead();
    this.drawFoot();
  }

  /** li draws one message of the dialogue. */
  li(m: Msg, o?: Out, failed?: string): HTMLElement {
    const t = this.t.bind(this);
    const mine = m.author_id == this.me.id;
    const files = o ? o.atts : this.atts.filter((a) => m.id && a.message_id == m.id);
    return h('li', { class: mine ? 'me' : null, id: m.id ? 'm-' + m.id : null },
      h('p', { class: 'who' }, h('strong', null, mine ? t('you') : m.author_name || t(m.author_id == this.c!.operator_id ? 'operator' : 'consultant')), ' · ',
        o ? h('span', { class: failed ? 'fe' : null }, failed ? t('failed', { err: failed }) : t('sending_m'))
          : h('time', { datetime: m.created_at }, this.when(m.created_at)),
        failed && ' ', failed && h('button', { type: 'button', class: 'l retry', onclick: () => this.post(o!) }, t('retry'))),
      h('p', { class: 'body' }, m.body),
      files.length > 0 && h('ul', { class: 'files', 'aria-label': t('attached') }, ...files.map((a) => h('li', null, this.dl(a)))));
  }

  /** add appends the messages not shown yet, oldest first, before those being sent. */
  add(ms: Msg[], as: Att[] = [], live = false): void {
    for (const a of as) if (!this.atts.some((x) => x.id == a.id)) this.atts.push(a);
    let n = 0;
    for (const m of ms) {
      if (this.seen.has(m.id)) continue;
      this.seen.add(m.id);
      this.last = Math.max(this.last, m.id);
      const i = this.outs.findIndex((o) => o.cid == m.client_id);
      if (i >= 0) this.outs.splice(i, 1)[0].li.remove();
      this.ol.insertBefore(this.li(m), this.outs[0]?.li || null);
      if (m.author_id != this.me.id) n++;
    }
    if (live && n) this.say(n == 1 ? this.t('new_msg') : this.t('new_msgs', { n }));
    const c = this.c!;
    if (this.last > c.last_read) {
      c.last_read = this.last;
      this.api(`/helpdesk/consultations/${c.id}/read`, { method: 'POST', body: { up_to: this.last } }).catch(() => {});
    }
  }

  /** post sends a message; a retry sends the same client id, so it is never written twice. */
  async post(o: Out): Promise<void> {
    const c = this.c!;
    const me = { id: 0, client_id: o.cid, author_id: this.me.id, body: o.body, created_at: '' };
    const mark = (failed?: string) => {
      const n = this.li(me, o, failed);
      const had = o.li.contains(this.shadowRoot!.activeElement);
      o.li.replaceWith(n);
      o.li = n;
      if (had) (n.querySelector<HTMLElement>('.retry') || this.shadowRoot!.getElementById('body'))?.focus();
    };
    mark();
    this.say(this.t('sending_m'));
    try {
      const r = await this.api<Msg>(`/helpdesk/consultations/${c.id}/messages`, { method: 'POST', body: { client_id: o.cid, body: o.body, attachments: o.atts.map((a) => a.id) } });
      if (this.c != c) return;
      for (const a of o.atts) a.message_id = r.data.id;
      this.add([r.data], o.atts);
      this.say(this.t('sent'));
      this.soon();
    } catch (e) {
      // Lost answers may have been written all the same: then the message came live.
      if (this.c != c || !getSession(this.hub) || !this.outs.includes(o)) return;
      mark(this.msg(e));
      this.say(this.t('failed', { err: this.msg(e) }));
    }
  }

  /** upload stores a chosen file for the next message; errors go beside the file field. */
  upload(f: File): void {
    const t = this.t.bind(this);
    const c = this.c!;
    const li = h('li', { class: 'up' }, t('uploading', { name: f.name }));
    this.shadowRoot!.getElementById('picked')!.append(li);
    const fail = (m: string) => {
      li.remove();
      const fe = this.shadowRoot!.getElementById('file-err')!;
      const el = this.shadowRoot!.getElementById('file')!;
      if (fe.hidden) fe.textContent = '';
      fe.append(h('span', { class: 'p' }, m, ' '));
      fe.hidden = false;
      el.setAttribute('aria-invalid', 'true');
      this.say(m);
    };
    const big = t('f_big', { name: f.name });
    if (f.size > MAX_FILE) return fail(big);
    const fd = new FormData();
    fd.append('file', f, f.name);
    const p = this.raw(`/helpdesk/consultations/${c.id}/attachments`, { method: 'POST', body: fd })
      .then((r) => r.json())
      .then((r) => {
        if (this.c != c) return;
        this.picked.push(r.data);
        this.pickedList();
        this.say(t('uploaded', { name: f.name }));
      }, (e) => fail(e instanceof ApiError && e.status == 413 ? big : e instanceof ApiError && e.status == 415 ? t('f_type', { name: f.name }) : this.msg(e)))
      .finally(() => {
        li.remove();
        this.ups.delete(p);
      });
    this.ups.add(p);
  }

  /** pickedList draws the files ready to go with the next message. */
  pickedList(): void {
    const ul = this.shadowRoot!.getElementById('picked');
    ul?.replaceChildren(...ul.querySelectorAll('.up'), ...this.picked.map((a) => h('li', null, h('bdi', null, a.name), ` (${size(a.size)}) `,
      h('button', { type: 'button', class: 'l', 'aria-label': this.t('remove', { name: a.name }), onclick: () => {
        this.picked = this.picked.filter((x) => x != a);
        this.pickedList();
        this.shadowRoot!.getElementById('file')?.focus();
      } }, this.t('remove_s')))));
  }

  /** dl is the download button of an attachment: fetched with the token, saved from a blob: URL. */
  dl(a: Att): HTMLElement {
    const b: HTMLElement = h('button', { type: 'button', class: 'l', onclick: async () => {
      if (!this.busy(b, true)) return;
      try {
        const r = await this.raw(`/helpdesk/consultations/${this.c!.id}/attachments/${a.id}`);
        const url = URL.createObjectURL(await r.blob());
        const x = h('a', { href: url, download: a.name, hidden: true });
        this.shadowRoot!.append(x);
        x.click();
        x.remove();
        setTimeout(() => URL.revokeObjectURL(url), 6e4);
        this.say(this.t('downloaded', { name: a.name }));
      } catch (e) {
        this.say(this.msg(e));
      } finally {
        this.busy(b, false);
      }
    } }, this.t('download') + ' ', h('bdi', null, a.name), ` (${size(a.size)})`);
    return b;
  }

  /** raw is a request whose body or answer is not JSON (files), with the session's token. */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const s = getSession(this.hub);
    let res: Response;
    try {
      res = await fetch(this.hub + path, { ...init, headers: { 'Accept-Language': this.ui, Authorization: 'Bearer ' + s?.token }, credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'network', '');
    }
    if (res.ok) return res;
    const e = (await res.json().catch(() => null))?.error || {};
    if (res.status == 401 && s) setSession(this.hub, null);
    throw new ApiError(res.status, e.code || 'http', e.message || '', e.fields);
  }

  // ---- Live

  /** follow listens to the consultation's events while it is shown. */
  follow(): void {
    const id = this.c!.id;
    this.sub = stream(this.hub, this.ui, `/helpdesk/consultations/${id}/events`, {
      onEvent: (type) => {
        if (type == 'message.created') this.more();
        this.soon();
      },
      onState: (st, status) => {
        if (st == 'retry') {
          this.downT ||= setTimeout(() => (this.note.textContent = this.t('paused')), 5e3);
          return;
        }
        clearTimeout(this.downT);
        this.downT = 0;
        this.note.textContent = status && status != 401 ? this.t('paused_stop') : '';
        if (st == 'resync') this.more(), this.soon();
      },
    });
  }

  stop(): void {
    this.sub?.close();
    this.sub = undefined;
    clearTimeout(this.downT);
    clearTimeout(this.tick);
    this.downT = 0;
  }

  /** more fetches the messages after the last one shown, one request at a time. */
  more(): void {
    const c = this.c;
    this.more_ = this.more_.then(async () => {
      try {
        const r = await this.api<{ messages: Msg[]; attachments: Att[] }>(`/helpdesk/consultations/${c!.id}/messages?after=${this.last}`);
        if (this.c == c && this.sub) this.add(r.data.messages, r.data.attachments, true);
      } catch {}
    });
  }

  /** soon refreshes the header shortly, once for a burst of events. */
  soon(): void {
    const c = this.c;
    clearTimeout(this.tick);
    this.tick = setTimeout(async () => {
      try {
        const r = await this.api<Det>('/helpdesk/consultations/' + c!.id);
        if (this.c == c && this.sub) this.update(r.data);
      } catch {}
    }, 300);
  }
}

export type { Helpdesk };
define('incroci-helpdesk', Helpdesk);
