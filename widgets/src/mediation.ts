// <incroci-mediation>: the operators' requests for linguistic-cultural
// mediators. Views: sign-in (auth.ts), "Richieste di mediazione" (the
// ambito's hour packages with their balance and the requests with their
// status, each cancellable with a warning when the hours would stay
// charged) and "Nuova richiesta" (package, language, service, mode, day and
// time in Italy, place or link, note checked for personal data). The list
// follows the ambito's mediation stream (GET /helpdesk/mediation/events),
// and reloads when the page gets the focus back and with "Aggiorna".

import { define, field, h, Widget } from './base';
import { addStyle } from './style';
import { ApiError, stream } from './api';
import { loadMe, SignIn, signOut, who } from './auth';
import { getSession, Me } from './session';
import { find, label, mask } from './pii';
import { D } from './mediation-text';
import { instant, TZ } from './italy';

interface Pkg {
  id: number;
  name: string;
  body: string;
  valid_from: string;
  valid_to: string;
  balance_minutes: number;
}

interface Req {
  id: number;
  package_id: number;
  language: string;
  service: string;
  mode: string;
  start: string;
  end: string;
  minutes: number;
  place: string;
  video_url: string;
  note: string;
  status: string;
  mediator_id: number | null;
  mediator_name?: string;
  operator_id: number;
  operator_name?: string;
  cancelled_by: number | null;
  charge_from?: string;
  charged: boolean;
}

/** LANGS are the codes of shared/domain/languages.csv but Italian; their names come from Intl. */
const LANGS = 'en fr es ar sq ro uk ru zh ur pa bn hi wo ti am so fa tl'.split(' ');
const MODES = ['phone', 'video', 'in_person', 'scheduled'];
const STATUSES = ['requested', 'confirmed', 'done', 'cancelled'];
const PER_PAGE = 20;
const MIN = 6e4;

const CSS = `select,textarea{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
textarea{max-width:40em;min-height:5em;resize:vertical}
select:focus,textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em}
.ck{display:flex;align-items:center;font-weight:400;align-self:end;min-height:2.75em}
.u{background:var(--_p);border-color:var(--_p);color:#fff}
.late{color:var(--_d);border-color:var(--_d);font-weight:600}
.c{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em 0}
.c h3{margin:0 0 .25em;font-size:1.1em}
.body{white-space:pre-wrap;overflow-wrap:anywhere}`;

const enc = encodeURIComponent;

class Mediation extends Widget {
  dict = D;
  flow = new SignIn(this);
  view: 'list' | 'new' = 'list';
  tok = '';
  me!: Me;
  top!: HTMLElement;
  page = 1;
  st = '';
  mine = false;
  seq = 0;
  pkgs: Pkg[] = [];
  /** focusOn is the id of the element that takes the focus after the next load. */
  focusOn = '';
  private wake = () => {
    if (document.visibilityState == 'visible' && this.view == 'list' && this.tok && getSession(this.hub)) this.load();
  };

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    const r = this.shadowRoot!;
    if (first) {
      addStyle(r, CSS);
    }
    addEventListener('focus', this.wake);
    document.addEventListener('visibilitychange', this.wake);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unfollow();
    removeEventListener('focus', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
  }


  start(): void {
    this.tok = '';
    if (!this.ambito) return this.show([h('p', { id: 'error', class: 'err' }, this.t('config', { attr: 'ambito' }))]);
    if (!this.flow.activate()) this.render();
  }

  render(): void {
    const s = getSession(this.hub);
    if (!this.ambito) return;
    if (this.flow.view == 'wait' || !s) {
      this.tok = '';
      this.unfollow();
      return this.flow.render();
    }
    if (!s.person) {
      this.show([h('p', null, this.t('loading'))], false);
      return loadMe(this, s);
    }
    this.me = s.person;
    this.top = this.line(s.person);
    if (this.tok != s.token) {
      this.tok = s.token;
      this.page = 1;
      this.st = '';
      // Opened for a consultation (by <incroci-helpdesk>): the form, for it.
      this.view = this.hasAttribute('consultation') ? 'new' : 'list';
    }
    if (this.view == 'new') this.form();
    else this.list();
  }

  onSession(): void {
    const s = getSession(this.hub);
    if (s?.person && s.token == this.tok && this.top?.isConnected) {
      const n = this.line((this.me = s.person));
      this.top.replaceWith(n);
      this.top = n;
    } else this.render();
  }

  /** line is the signed-in line with the sign-out button (the account actions live in <incroci-signin>). */
  line(p: Me): HTMLElement {
    const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 's', onclick: () => signOut(this, out) }, this.t('signout'));
    const [a, b] = this.t('as').split('{who}');
    return h('div', { id: 'signed-in', class: 'row', tabindex: -1 }, h('p', null, a, h('bdi', null, who(p)), b), out);
  }

  /** sub is the ambito's mediation stream while the list is shown; tick debounces its reloads. */
  sub?: { close(): void };
  tick = 0;

  /** follow reloads the list whenever a request of the ambito changes (ids only come through). */
  follow(): void {
    this.unfollow();
    const again = () => {
      clearTimeout(this.tick);
      this.tick = setTimeout(() => this.load(), 300);
    };
    this.sub = stream(this.hub, this.ui, '/helpdesk/mediation/events?ambito=' + enc(this.ambito), {
      onEvent: again,
      onState: (s) => s == 'resync' && again(),
    });
  }

  unfollow(): void {
    this.sub?.close();
    this.sub = undefined;
    clearTimeout(this.tick);
  }

  put(kids: Node[], target: HTMLElement): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.unfollow();
    // Embedded in <incroci-helpdesk>, which shows who is signed in.
    this.show(this.hasAttribute('embedded') ? kids : [this.top, ...kids], false);
    if (f) target.focus();
  }

  go(v: 'list' | 'new'): void {
    this.acted = true;
    this.say('');
    this.view = v;
    this.render();
  }

  hours(min: number): string {
    return (min / 60).toLocaleString(this.ui, { maximumFractionDigits: 2 });
  }

  lang(c: string): string {
    try {
      return new Intl.DisplayNames([this.ui], { type: 'language', fallback: 'none' }).of(c) || c;
    } catch {
      return c;
    }
  }

  day(s: string): string {
    return new Date(s + 'T12:00:00Z').toLocaleDateString(this.ui, { dateStyle: 'short', timeZone: 'UTC' });
  }

  pkgName(p: Pkg): string {
    return p.name + (p.body ? ` (${p.body})` : '');
  }

  packages(): Promise<Pkg[]> {
    return this.api<Pkg[]>('/helpdesk/mediation/packages?ambito=' + enc(this.ambito)).then((r) => (this.pkgs = r.data || []));
  }

  // ---- "Richieste di mediazione"

  list(): void {
    const t = this.t.bind(this);
    const title = h('h2', { tabindex: -1 }, t('title'));
    const box = h('div', { id: 'list', 'aria-busy': 'true' }, h('p', null, t('loading')));
    const st = h('select', { id: 'st', name: 'status', onchange: () => {
      this.st = st.value;
      this.page = 1;
      this.load();
    } }, ...['', ...STATUSES].map((v) => h('option', { value: v, selected: v == this.st }, t(v ? 's_' + v : 'all_st'))));
    this.put([title, h('div', { class: 'row' },
      h('button', { id: 'new', type: 'button', onclick: () => this.go('new') }, t('new')),
      h('button', { id: 'refresh', type: 'button', class: 's', onclick: () => this.load() }, t('refresh')),
      h('div', null, h('label', { for: 'st' }, t('status')), st),
      h('label', { class: 'ck', for: 'mine' }, h('input', { type: 'checkbox', id: 'mine', name: 'mine', checked: this.mine, onchange: (e: Event) => {
        this.mine = (e.target as HTMLInputElement).checked;
        this.page = 1;
        this.load();
      } }), t('mine'))), box], title);
    this.load(box);
    this.follow();
  }

  async load(box = this.shadowRoot!.getElementById('list')): Promise<void> {
    if (!box) return;
    const my = ++this.seq;
    const t = this.t.bind(this);
    box.setAttribute('aria-busy', 'true');
    const qs = new URLSearchParams({ ambito: this.ambito, page: '' + this.page, per_page: '' + PER_PAGE });
    if (this.st) qs.set('status', this.st);
    if (this.mine) qs.set('mine', 'true');
    try {
      const [r, pkgs] = await Promise.all([this.api<Req[]>('/helpdesk/mediation/requests?' + qs), this.packages()]);
      if (my != this.seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const nav = (d: number, id: string) => h('button', { id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? this.page <= 1 : this.page >= pages),
        onclick: (e: Event) => {
          if ((e.target as HTMLElement).getAttribute('aria-disabled') == 'true') return;
          this.page += d;
          this.focusOn = id;
          this.load();
        } }, t(id));
      box.replaceChildren(
        h('section', { 'aria-labelledby': 'pk-t' }, h('h3', { id: 'pk-t' }, t('pkgs')), pkgs.length
          ? h('ul', { class: 'c', id: 'pkgs' }, ...pkgs.map((p) => h('li', { id: 'p-' + p.id },
            h('bdi', null, this.pkgName(p)), ' · ', h('strong', null, t('left', { h: this.hours(p.balance_minutes) })),
            ' · ' + t('valid', { a: this.day(p.valid_from), b: this.day(p.valid_to) }))))
          : h('p', { id: 'no-pkgs', class: 'note' }, t('no_pkgs'))),
        ...(rows.length
          ? [h('p', { id: 'count' }, t('count', { n: total })),
            h('ul', { class: 'c', 'aria-labelledby': 'count' }, ...rows.map((q) => this.item(q, pkgs))),
            h('nav', { class: 'row', 'aria-label': t('pages') }, nav(-1, 'prev'), t('page', { p: this.page, n: pages }), nav(1, 'next'))]
          : [h('p', { id: 'empty', class: 'note' }, t(this.st ? 'none' : 'empty'))]));
      if (this.focusOn) this.shadowRoot!.getElementById(this.focusOn)?.focus();
      this.focusOn = '';
    } catch (e) {
      if (my != this.seq || !getSession(this.hub)) return;
      box.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.load() }, t('retry'))));
    }
    box.setAttribute('aria-busy', 'false');
  }

  item(q: Req, pkgs: Pkg[]): HTMLElement {
    const t = this.t.bind(this);
    const o = { timeZone: TZ, timeStyle: 'short' } as const;
    const when = new Date(q.start).toLocaleString(this.ui, { ...o, dateStyle: 'full' }) + '–' + new Date(q.end).toLocaleTimeString(this.ui, o);
    const pkg = pkgs.find((p) => p.id == q.package_id);
    const where = q.mode == 'video' ? /^https:\/\//.test(q.video_url) && h('a', { href: q.video_url, target: '_blank', rel: 'noopener noreferrer' }, q.video_url)
      : q.place && h('bdi', null, q.place);
    const acts = h('div', { id: 'a-' + q.id });
    const ask = h('button', { id: 'cancel-' + q.id, type: 'button', class: 's', onclick: () => this.ask(q, acts, ask) }, t('cancel_r'));
    if ((q.status == 'requested' || q.status == 'confirmed') && Date.parse(q.end) > Date.now()) acts.append(ask);
    return h('li', { id: 'r-' + q.id },
      h('h3', { id: 'h-' + q.id, tabindex: -1 }, this.lang(q.language), ' · ', when),
      h('p', { class: 'row' },
        h('span', { id: 'st-' + q.id, class: q.status == 'confirmed' ? 'b u' : 'b' }, h('span', { class: 'sr' }, t('status') + ': '),
          q.status == 'confirmed' && q.mediator_id ? t('with', { who: q.mediator_name || t('med_n', { id: q.mediator_id }) })
            : t(q.status == 'cancelled' && !q.cancelled_by ? 's_expired' : 's_' + q.status)),
        q.charged && h('span', { class: 'b late' }, t('charged')),
        h('span', null, `${t('n', { id: q.id })} · ${t('hours', { h: this.hours(q.minutes) })}`),
        q.operator_id != this.me.id && q.operator_name && h('span', null, t('by'), ' ', h('bdi', null, q.operator_name))),
      h('p', null, h('bdi', null, q.service), ' · ', t('m_' + q.mode), where && ': ', where, pkg && ' · ', pkg && h('bdi', null, this.pkgName(pkg))),
      q.note && h('p', { class: 'body' }, h('bdi', null, q.note)),
      acts);
  }

  /** ask asks before cancelling q, saying when its hours would stay charged. */
  ask(q: Req, acts: HTMLElement, ask: HTMLElement): void {
    const t = this.t.bind(this);
    // The hub says from when cancelling a confirmed booking is charged.
    const from = Date.parse(q.charge_from || '');
    const late = q.status == 'confirmed' && Date.now() >= from;
    const msg = h('p', { id: 'cq-' + q.id, class: late ? 'err' : 'note' },
      late ? t('cancel_late', { h: Math.round((Date.parse(q.start) - from) / 36e5), n: this.hours(q.minutes) }) : t('cancel_q', { id: q.id }));
    const err = h('p', { id: 'ce-' + q.id, class: 'err', role: 'alert', hidden: true });
    const yes: HTMLElement = h('button', { id: 'yes-' + q.id, type: 'button', 'aria-describedby': msg.id, onclick: async () => {
      if (!this.busy(yes, true)) return;
      try {
        await this.api(`/helpdesk/mediation/requests/${q.id}/cancel`, { method: 'POST' });
        this.say(t('cancelled', { id: q.id }));
        this.focusOn = 'h-' + q.id;
        await this.load();
      } catch (e) {
        err.textContent = this.msg(e);
        err.hidden = false;
        this.busy(yes, false);
      }
    } }, t('cancel_yes'));
    const no = h('button', { id: 'no-' + q.id, type: 'button', class: 's', onclick: () => {
      acts.replaceChildren(ask);
      ask.focus();
    } }, t('cancel_no'));
    acts.replaceChildren(msg, err, h('p', { class: 'row' }, yes, no));
    yes.focus();
  }

  // ---- "Nuova richiesta"

  fld(lab: string, el: HTMLElement, hint?: string): HTMLElement {
    const id = el.id;
    el.setAttribute('aria-describedby', (hint ? id + '-hint ' : '') + id + '-err');
    return h('div', { class: 'f' }, h('label', { for: id }, lab), hint && h('p', { id: id + '-hint', class: 'hint' }, hint), el,
      h('p', { id: id + '-err', class: 'fe', hidden: true }));
  }

  async form(): Promise<void> {
    const t = this.t.bind(this);
    const title = h('h2', { id: 'new-t', tabindex: -1 }, t('new'));
    const back = h('button', { id: 'back', type: 'button', class: 'l', onclick: () => this.go('list') }, t('back'));
    this.put([back, title, h('p', null, t('loading'))], title);
    let pkgs: Pkg[];
    try {
      pkgs = await this.packages();
    } catch (e) {
      return this.failView(e, () => this.render());
    }
    if (this.view != 'new') return;
    if (!pkgs.length) return this.put([back, title, h('p', { id: 'no-pkgs', class: 'note' }, t('no_pkgs'))], title);
    const err = h('p', { id: 'error', class: 'err', role: 'alert', hidden: true });
    const sel = (id: string, name: string, opts: string[][]) => h('select', { id, name, required: true }, ...opts.map(([v, l]) => h('option', { value: v }, l)));
    const pkg = sel('pkg', 'package_id', pkgs.map((p) => ['' + p.id, `${this.pkgName(p)} — ${t('left', { h: this.hours(p.balance_minutes) })}`]));
    const lang = sel('lang', 'language', [['', '—'], ...LANGS.map((c) => [c, this.lang(c)]).sort((a, b) => a[1].localeCompare(b[1], this.ui))]);
    const mode = sel('mode', 'mode', MODES.map((m) => [m, t('m_' + m)]));
    const sch = h('p', { id: 'sch', class: 'note', hidden: true }, t('scheduled_hint'));
    const note = h('textarea', { id: 'note', name: 'note', rows: 3, maxlength: 500 });
    const placeF = field(t('place'), { id: 'place', name: 'place', type: 'text', maxlength: 300, autocomplete: 'off' });
    const videoF = field(t('video'), { id: 'video', name: 'video_url', type: 'url', maxlength: 2000, autocomplete: 'off', spellcheck: 'false' });
    const el = (id: string) => this.shadowRoot!.getElementById(id) as HTMLInputElement;
    const modes = () => {
      placeF.hidden = mode.value != 'in_person';
      videoF.hidden = mode.value != 'video';
      sch.hidden = mode.value != 'scheduled';
    };
    mode.onchange = modes;
    const maskB = h('button', { id: 'note-mask', type: 'button', class: 's', hidden: true, onclick: () => {
      note.value = mask(note.value, find(note.value), this.ui);
      maskB.hidden = true;
      note.removeAttribute('aria-invalid');
      el('note-err').hidden = true;
      note.focus();
    } }, t('mask'));
    const send = h('button', { id: 'send', type: 'submit' }, t('send_r'));
    const form: HTMLFormElement = h('form', { id: 'new-form', novalidate: true, 'aria-labelledby': 'new-t', onsubmit: async (e: Event) => {
      e.preventDefault();
      this.clear(form, err);
      maskB.hidden = true;
      const bad: HTMLElement[] = [];
      const no = (x: HTMLElement, m: string) => bad.push(this.bad(x, m));
      const v = (id: string) => el(id).value.trim();
      const p = pkgs.find((x) => '' + x.id == pkg.value)!;
      const start = instant(v('date'), v('from'));
      const end = instant(v('date'), v('to'));
      if (!lang.value) no(lang, t('req'));
      if (v('service').length < 2) no(el('service'), t('req'));
      if (!v('date')) no(el('date'), t('req'));
      else if (!v('from')) no(el('from'), t('req'));
      else if (start <= Date.now()) no(el('date'), t('past'));
      if (!v('to')) no(el('to'), t('req'));
      else if (start > 0 && !(end - start >= 15 * MIN && end - start <= 480 * MIN)) no(el('to'), t('length'));
      else if (start > 0 && (end - start) / MIN > p.balance_minutes) no(pkg, t('few', { h: this.hours(p.balance_minutes) }));
      if (mode.value == 'in_person' && !v('place')) no(el('place'), t('req'));
      if (mode.value == 'video' && v('video') && !/^https:\/\/\S+$/.test(v('video'))) no(el('video'), t('url_bad'));
      const found = find(note.value);
      if (found.length) {
        no(note, t('pii', { what: [...new Set(found.map((m) => label(m.kind, this.ui)))].join(', ') }));
        maskB.hidden = false;
      }
      if (bad.length) return bad[0].focus();
      if (!this.busy(send, true)) return;
      const body: Record<string, unknown> = {
        package_id: p.id, language: lang.value, service: v('service'), mode: mode.value,
        start: new Date(start).toISOString(), end: new Date(end).toISOString(), note: note.value.trim(),
      };
      if (mode.value == 'in_person') body.place = v('place');
      if (mode.value == 'video' && v('video')) body.video_url = v('video');
      if (+v('cons') > 0) body.consultation_id = +v('cons');
      this.say(t('sending'));
      try {
        const r = await this.api<Req>('/helpdesk/mediation/requests', { method: 'POST', body });
        this.acted = true;
        this.view = 'list';
        this.render();
        this.say(t('sent', { id: r.data.id }));
      } catch (e) {
        this.say('');
        this.fail(form, err, e);
        if (e instanceof ApiError && e.code == 'insufficient_hours') {
          err.textContent = t('insufficient');
          this.bad(pkg, t('insufficient'));
        }
      } finally {
        this.busy(send, false);
      }
    } },
      this.fld(t('pkg'), pkg),
      this.fld(t('lang'), lang),
      field(t('service'), { id: 'service', name: 'service', type: 'text', maxlength: 200, autocomplete: 'off', value: this.me.service || '' }, t('service_hint')),
      this.fld(t('mode'), mode), sch,
      h('fieldset', null, h('legend', null, t('time_hint')),
        field(t('date'), { id: 'date', name: 'start', type: 'date' }),
        h('div', { class: 'row' },
          field(t('from'), { id: 'from', type: 'time', step: 300 }),
          field(t('to'), { id: 'to', name: 'end', type: 'time', step: 300 }))),
      placeF, videoF,
      field(t('cons'), { id: 'cons', name: 'consultation_id', type: 'text', inputmode: 'numeric', pattern: '[0-9]*', maxlength: 12, autocomplete: 'off',
        value: this.getAttribute('consultation') || '' }),
      this.fld(t('note'), note, t('note_hint')), h('p', null, maskB),
      err,
      h('p', { class: 'row' }, send, h('button', { type: 'button', class: 's', onclick: () => this.go('list') }, t('cancel'))));
    modes();
    this.put([back, title, form], this.shadowRoot!.activeElement ? pkg : title);
  }
}

define('incroci-mediation', Mediation);
