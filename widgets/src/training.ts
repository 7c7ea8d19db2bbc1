// <incroci-training>: the network's training for operators and mediators.
// Views: the catalogue of courses (GET /training/courses, with filters by
// topic, audience role, ambito or network, open for enrolment, and pages);
// a course with its editions; an edition (meetings in Italian time, place
// or video link, seats and the quotas in plain words, the enrolment window,
// the cancellation deadline, approval) where the person enrols or joins the
// waiting list, accepts or turns down a seat offered, or cancels (with a
// confirmation); "I miei corsi" (GET /training/me/enrolments); "Le mie
// ore", "I miei attestati" and the check-in, drawn by training-me.ts. Everything
// needs a session: the sign-in flow of auth.ts is drawn in the widget. The
// e-mails' links (?incroci_edition=<id>) open their edition.

import { define, h, Widget } from './base';
import { addStyle } from './style';
import { getSession, Me } from './session';
import { pageURL, SignIn, signOut } from './auth';
import { TZ } from './italy';
import { D, R, ROLES, TO } from './training-text';
import { me } from './training-me';
import { bytes, save } from './download';

interface Topic {
  code: string;
  label_it: string;
  label_en: string;
}

interface Course {
  id: number;
  ambito: string;
  title: string;
  goals: string;
  audience: string[];
  topics: string[];
  hours: number;
  materials: { title: string; url?: string; sheet_id?: number }[];
  /** files are the course's files (GET /training/courses/:id gives them). */
  files?: CFile[];
}

/** CFile is a file of a course (slides, handouts). */
interface CFile {
  id: number;
  title: string;
  name: string;
  size: number;
}

interface Meeting {
  id: number;
  start: string;
  end: string;
  place: string;
  video_url: string;
}

interface Quota {
  id: number;
  role: string;
  ambito: string;
  seats: number;
}

interface Edition {
  id: number;
  course_id: number;
  ambito: string;
  title: string;
  capacity: number;
  enrol_from: string;
  enrol_until: string;
  cancel_until: string;
  approval: boolean;
  cancelled: boolean;
  meetings: Meeting[];
  quotas: Quota[];
  seats: { held: number; free: number; waiting: number; quotas: Record<string, number> };
}

/** Enrolment is a person's enrolment in an edition. */
export interface Enrolment {
  id: number;
  edition_id: number;
  status: string;
  position: number;
  offered_until: string | null;
}

/** EdView is an edition as GET /training/editions/:id gives it. */
export interface EdView extends Edition {
  course: Course;
  mine: Enrolment | null;
}

interface Mine extends Enrolment {
  edition: Edition;
  course: Course;
}

/**
 * hooks add views to the widget's bar, each drawing into box: hours ("Le
 * mie ore"), certificates ("I miei attestati") and checkin (the QR
 * check-in; a QR code scanned opens the page with ?incroci_checkin=<code>,
 * kept in w.checkin, and that view) and calendar (the section of "I miei
 * corsi" with the calendar feed's address). training-me.ts sets them.
 */
export const hooks: {
  calendar?: (w: Training) => HTMLElement;
  hours?: (w: Training, box: HTMLElement) => void;
  certificates?: (w: Training, box: HTMLElement) => void;
  checkin?: (w: Training, box: HTMLElement) => void;
} = {};

type View = 'list' | 'course' | 'edition' | 'mine' | 'hours' | 'certs' | 'checkin';

const PER = 10;
const T = '/training';
const OVER = ['cancelled', 'rejected', 'lapsed'];

const CSS = `select{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
select:focus{outline:3px solid var(--_o);outline-offset:1px}
a{color:var(--_p)}
nav button[aria-current]{background:var(--_p);color:#fff}
.fl{display:flex;flex-wrap:wrap;gap:0 1em}.fl .f{flex:1 1 12em}
.ck{display:flex;align-items:center;font-weight:400}
.c{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em 0}
.c h3{margin:.25em 0;font-size:1.1em}
.c h3 button{font-weight:600;text-align:start}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em;margin-inline-end:.5em}
.pre{white-space:pre-line;overflow-wrap:anywhere}
.box{border:2px solid var(--_p);border-radius:var(--_r);padding:.75em 1em;margin:0 0 1em}
.warn{border-inline-start:4px solid var(--_d);background:#fdf0f2;padding:.5em .75em;margin:0 0 1em}
h2:focus,p:focus,div:focus{outline:3px solid var(--_o);outline-offset:2px}`;

/** Training is <incroci-training>. */
export class Training extends Widget {
  dict = D;
  flow = new SignIn(this);
  view: View = 'list';
  f: Record<string, string> = { topic: '', role: '', ambito: '', open: '' };
  page = 1;
  all = false;
  mp = 1;
  seq = 0;
  cid = 0;
  eid = 0;
  /** from is the view the edition's back button returns to. */
  from: View = 'list';
  /** done is the message shown on the edition after an action. */
  done = '';
  topicsP?: Promise<Topic[]>;
  /** checkin is the code of a QR check-in the page was opened with, for hooks.checkin. */
  checkin = '';
  /** meP is the signed-in person (GET /me), for the token tok. */
  meP?: Promise<Me | null>;
  tok = '';

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    if (first) addStyle(this.shadowRoot!, CSS);
  }

  start(): void {
    const u = pageURL();
    const id = +(u.searchParams.get('incroci_edition') || 0);
    this.checkin = u.searchParams.get('incroci_checkin') || '';
    if (id > 0) {
      this.eid = id;
      this.view = 'edition';
      this.from = 'mine';
    }
    if (this.checkin) this.view = 'checkin';
    const a = new URL(location.href);
    if (a.searchParams.has('incroci_edition') || a.searchParams.has('incroci_checkin')) {
      a.searchParams.delete('incroci_edition');
      a.searchParams.delete('incroci_checkin');
      history.replaceState(history.state, '', a.href);
    }
    if (!this.flow.activate()) this.render();
  }

  render(): void {
    const s = getSession(this.hub);
    this.say('');
    if (this.flow.view == 'wait' || !s) {
      this.flow.render();
      this.box.querySelector('form')?.prepend(h('p', { class: 'note' }, this.t('why')));
      return;
    }
    const v = this.view;
    if (v == 'course') this.course();
    else if (v == 'edition') this.edition();
    else if (v == 'mine') this.mine();
    else if (v == 'hours' && hooks.hours) hooks.hours(this, this.frame_());
    else if (v == 'certs' && hooks.certificates) hooks.certificates(this, this.frame_());
    else if (v == 'checkin' && hooks.checkin) hooks.checkin(this, this.frame_());
    else this.list();
  }

  /** frame_ shows the bar and an empty box for a hook's view, and returns the box. */
  frame_(): HTMLElement {
    const b = h('div', { id: 'hook' });
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.put([b]);
    this.acted = f;
    return b;
  }

  /** put shows the bar and kids; target takes the focus when the person was acting in the widget. */
  put(kids: (Node | false | null | undefined)[], target?: HTMLElement | null): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.show([this.bar(), ...(kids.filter(Boolean) as Node[])], false);
    if (f) (target || this.box.querySelector<HTMLElement>('h2'))?.focus();
  }

  /** go switches view after a click. */
  go(v: View): void {
    this.acted = true;
    this.view = v;
    this.done = '';
    this.render();
  }

  bar(): HTMLElement {
    const t = this.t.bind(this);
    const b = (v: View, key: string) => h('button', { id: 'go-' + v, type: 'button', class: 's', 'aria-current': this.view == v ? 'page' : null,
      onclick: () => this.go(v) }, t(key));
    const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 'l', onclick: () => signOut(this, out) }, t('signout'));
    return h('nav', { class: 'row', 'aria-label': t('nav') }, b('list', 'cat'), b('mine', 'mine'),
      hooks.hours && b('hours', 'hours'), hooks.certificates && b('certs', 'certs'), hooks.checkin && b('checkin', 'ci'), out);
  }

  topics(): Promise<Topic[]> {
    return (this.topicsP ??= this.api<Topic[]>(T + '/topics').then((r) => r.data || [], (e) => {
      this.topicsP = undefined;
      throw e;
    }));
  }

  /** me returns the signed-in person, null when unknown (the API still decides). */
  me(): Promise<Me | null> {
    const s = getSession(this.hub);
    if (!this.meP || this.tok != s?.token) {
      this.tok = s?.token || '';
      this.meP = s?.person ? Promise.resolve(s.person) : this.api<Me>('/me').then((r) => r.data, () => null);
    }
    return this.meP;
  }

  /**
   * left counts the seats e still has for the person me (all its seats
   * when unknown): its free seats and those of the quotas they fit, as
   * the API places people (from the course's ambito, else the first where
   * they are of its audience).
   */
  left(e: EdView, me: Me | null): number {
    const c = e.course;
    const amb = c.ambito || me?.roles.find((r) => !c.audience.length || c.audience.includes(r.role))?.ambito || '';
    const roles = me?.roles.filter((r) => r.ambito == amb).map((r) => r.role) || [];
    return e.seats.free + e.quotas.reduce((n, q) => n + (!me || ((!q.ambito || q.ambito == amb) && (!q.role || roles.includes(q.role)))
      ? Math.max(0, q.seats - (e.seats.quotas[q.id] || 0)) : 0), 0);
  }

  topic(code: string, ts: Topic[]): string {
    const x = ts.find((y) => y.code == code);
    return x ? (this.ui == 'en' ? x.label_en : x.label_it) : code;
  }

  /** at writes an instant in Italian time, with the options o (a long date and a time by default). */
  at(s: string, o: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' }): string {
    return new Date(s).toLocaleString(this.ui, { timeZone: TZ, ...o });
  }

  /** when writes an instant in Italian time, saying so. */
  when(s: string): string {
    return `${this.at(s)} (${this.t('it_time')})`;
  }

  /** loading shows the loading state; the view that follows takes the focus as this one would have. */
  loading(): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.put([h('p', { 'aria-busy': 'true' }, this.t('loading'))]);
    this.acted = f;
  }

  /** failView shows an error with a retry button, below the bar so that the other views stay at hand. */
  failView(e: unknown, retry: () => void): void {
    this.say('');
    const b = h('button', { id: 'retry', type: 'button', class: 's', onclick: () => {
      this.acted = true;
      retry();
    } }, this.t('retry'));
    this.put([h('div', { id: 'error', class: 'err', role: 'alert' }, this.msg(e), b)], b);
  }

  fail_(e: unknown, my: number): void {
    if (my == this.seq) this.failView(e, () => this.render());
  }

  /** fld wraps a control with its label. */
  fld(lab: string, el: HTMLElement): HTMLElement {
    return h('div', { class: 'f' }, h('label', { for: el.id }, lab), el);
  }

  sel(id: string, opts: string[][], v: string): HTMLSelectElement {
    return h('select', { id, name: id }, ...opts.map(([o, l]) => h('option', { value: o, selected: o == v }, l)));
  }

  /** pager draws the pages' navigation, calling to(page, id of the button) on a click. */
  pager(page: number, total: number, to: (p: number, id: string) => void): HTMLElement | false {
    const t = this.t.bind(this);
    const n = Math.max(1, Math.ceil(total / PER));
    const b = (d: number, id: string) => h('button', { id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? page <= 1 : page >= n),
      onclick: (e: Event) => (e.currentTarget as HTMLElement).getAttribute('aria-disabled') != 'true' && to(page + d, id) }, t(id));
    return n > 1 && h('nav', { class: 'row', 'aria-label': t('pager') }, b(-1, 'prev'), h('p', null, t('pages', { p: page, n })), b(1, 'next'));
  }

  /** audience says whom a course is for. */
  audience(c: Course): string {
    return c.audience.length ? this.t('for', { r: c.audience.map((r) => R[this.ui][r] || r).join(', ') }) : this.t('for_all');
  }

  // ---- the catalogue

  async list(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    let ts: Topic[], me: Me | null;
    if (!this.topicsP) this.loading();
    try {
      [ts, me] = await Promise.all([this.topics(), this.me()]);
    } catch (e) {
      return this.fail_(e, my);
    }
    if (my != this.seq) return;
    const f = this.f;
    const opt = (k: string, vs: string[][]) => this.sel(k, [['', t('any')], ...vs], f[k]);
    const open = h('input', { id: 'open', name: 'open', type: 'checkbox', checked: f.open == 'true' });
    const out = h('div', { id: 'results' });
    const form: HTMLFormElement = h('form', { id: 'filters', 'aria-label': t('filters'), novalidate: true, onsubmit: (e: Event) => {
      e.preventDefault();
      for (const k of ['topic', 'role', 'ambito']) f[k] = (form.elements.namedItem(k) as HTMLSelectElement).value;
      f.open = open.checked ? 'true' : '';
      this.page = 1;
      this.results(out);
    } },
      h('fieldset', null, h('legend', null, t('filters')), h('div', { class: 'fl' },
        this.fld(t('topic'), opt('topic', ts.map((x) => [x.code, this.topic(x.code, ts)]))),
        this.fld(t('role'), opt('role', ROLES.map((r) => [r, R[this.ui][r]]))),
        this.fld(t('ambito'), opt('ambito', [['-', t('net')],
          ...[...new Set([this.ambito, ...(me?.roles || []).map((r) => r.ambito)])].filter(Boolean).map((a) => [a, t('own', { a })])]))),
        h('div', { class: 'f' }, h('label', { class: 'ck' }, open, t('open')))),
      h('button', { id: 'apply', type: 'submit' }, t('apply')));
    this.put([h('h2', { tabindex: -1 }, t('cat')), form, out]);
    this.results(out);
  }

  async results(out: HTMLElement, focus = ''): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    const qs = new URLSearchParams({ page: '' + this.page, per_page: '' + PER });
    for (const k in this.f) if (this.f[k]) qs.set(k, this.f[k]);
    out.setAttribute('aria-busy', 'true');
    if (!focus) out.replaceChildren(h('p', null, t('loading')));
    this.say(t('loading'));
    let ts: Topic[];
    try {
      const [r, tps] = await Promise.all([this.api<Course[]>(T + '/courses?' + qs), this.topics()]);
      ts = tps;
      if (my != this.seq) return;
      const cs = r.data || [];
      const total = r.page?.total ?? cs.length;
      out.replaceChildren(...[cs.length ? h('p', { id: 'count' }, t('count', { n: total })) : h('p', { id: 'empty', class: 'note' }, t('none')),
        cs.length > 0 && h('ul', { id: 'courses', class: 'c', 'aria-labelledby': 'count' }, ...cs.map((c) => h('li', null,
          h('h3', null, h('button', { type: 'button', class: 'l', 'data-course': c.id, onclick: () => {
            this.cid = c.id;
            this.go('course');
          } }, c.title)),
          h('p', null, h('span', { class: 'b' }, c.ambito || t('netb')), [t('hours_n', { n: c.hours }), this.audience(c), ...c.topics.map((x) => this.topic(x, ts))].join(' · '))))),
        this.pager(this.page, total, (p, id) => {
          this.page = p;
          this.results(out, id);
        })].filter(Boolean) as Node[]);
      this.say(cs.length ? t('count', { n: total }) : t('none'));
      if (focus) (this.shadowRoot!.getElementById(focus) as HTMLElement | null)?.focus();
    } catch (e) {
      if (my != this.seq) return;
      this.say('');
      out.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.results(out) }, t('retry'))));
    }
    out.setAttribute('aria-busy', 'false');
  }

  // ---- a course

  async course(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    this.loading();
    let c: Course & { editions: Edition[] }, ts: Topic[];
    try {
      [c, ts] = await Promise.all([this.api<Course & { editions: Edition[] }>(`${T}/courses/${this.cid}`).then((r) => r.data), this.topics()]);
    } catch (e) {
      return this.fail_(e, my);
    }
    if (my != this.seq) return;
    const eds = c.editions || [];
    this.put([this.back('list'), h('h2', { id: 'title', tabindex: -1 }, c.title), ...this.about(c, ts),
      h('h3', null, t('editions')),
      eds.length ? h('ul', { id: 'editions', class: 'c' }, ...eds.map((e, i) => {
        const name = e.title || t('ed_n', { n: i + 1 });
        return h('li', null, h('h4', null, name),
          e.meetings[0] && h('p', null, t('first', { d: this.when(e.meetings[0].start) })),
          h('p', null, e.cancelled ? t('called_off') : this.window(e)),
          h('button', { type: 'button', class: 's', 'data-edition': e.id, onclick: () => {
            this.eid = e.id;
            this.from = 'course';
            this.go('edition');
          } }, t('open_ed'), h('span', { class: 'sr' }, ': ' + name)));
      })) : h('p', { id: 'no-editions', class: 'note' }, t('no_ed'))]);
  }

  /** about describes a course: goals, hours, audience, topics, materials, files (fs; null when they could not be read). */
  about(c: Course, ts: Topic[], fs: CFile[] | null = c.files || []): Node[] {
    const t = this.t.bind(this);
    const mat = c.materials || [];
    return [h('p', null, h('span', { class: 'b' }, c.ambito || t('netb')), [t('hours_n', { n: c.hours }), this.audience(c), ...c.topics.map((x) => this.topic(x, ts))].join(' · ')),
      h('h3', null, t('goals')), h('p', { id: 'goals', class: 'pre' }, c.goals),
      mat.length > 0 && h('h3', null, t('materials')),
      mat.length > 0 && h('ul', { id: 'materials' }, ...mat.map((m) => h('li', null,
        m.url && /^https?:\/\//i.test(m.url) ? h('a', { href: m.url, target: '_blank', rel: 'noopener noreferrer' }, m.title) : m.title,
        m.sheet_id ? ` (${t('sheet')})` : ''))), ...this.files(c.id, fs)].filter(Boolean) as Node[];
  }

  /** files lists the files fs of course cid, each with a button that downloads it with the session's token. */
  files(cid: number, fs: CFile[] | null): Node[] {
    const t = this.t.bind(this);
    if (fs && !fs.length) return [];
    const err = h('p', { id: 'files-err', class: 'err', role: 'alert', hidden: true });
    return [h('h3', null, t('files')), fs ? h('ul', { id: 'files' }, ...fs.map((f) => {
      const b: HTMLElement = h('button', { type: 'button', class: 's', 'data-file': f.id, onclick: async () => {
        if (!this.busy(b, true)) return;
        err.hidden = true;
        this.say(t('loading'));
        try {
          await save(this, `${T}/courses/${cid}/files/${f.id}`, f.name);
          this.say(t('c_dl', { name: f.name }));
        } catch (e) {
          this.say('');
          err.textContent = this.msg(e);
          err.hidden = false;
        } finally {
          this.busy(b, false);
        }
      } }, t('f_dl'), h('span', { class: 'sr' }, ': ' + f.title));
      return h('li', null, h('strong', null, f.title), ' (', h('bdi', null, f.name), `, ${bytes(this, f.size)}) `, b);
    })) : h('p', { id: 'files-none', class: 'err' }, t('f_err')), err];
  }

  back(v: View): HTMLElement {
    return h('button', { id: 'back', type: 'button', class: 'l', onclick: () => this.go(v) }, this.t('back'));
  }

  isOpen(e: Edition): boolean {
    const n = Date.now();
    return !e.cancelled && Date.parse(e.enrol_from) <= n && n <= Date.parse(e.enrol_until);
  }

  window(e: Edition): string {
    const d = { dateStyle: 'long' } as const;
    return this.isOpen(e) ? this.t('win_open', { u: this.when(e.enrol_until) })
      : Date.now() < Date.parse(e.enrol_from) ? this.t('win', { f: this.at(e.enrol_from, d), u: this.at(e.enrol_until, d) }) : this.t('win_closed');
  }

  // ---- an edition

  async edition(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    this.loading();
    let e: EdView, ts: Topic[], me: Me | null, fs: CFile[] | null;
    try {
      [e, ts, me] = await Promise.all([this.api<EdView>(`${T}/editions/${this.eid}`).then((r) => r.data), this.topics(), this.me()]);
      // The course's files come with the course, not with its edition: read here, before drawing (nothing moves once drawn).
      fs = await this.api<CFile[]>(`${T}/courses/${e.course_id}/files`).then((r) => r.data || [], () => null);
    } catch (x) {
      return this.fail_(x, my);
    }
    if (my != this.seq) return;
    this.cid = e.course_id;
    const s = e.seats;
    const who = (q: Quota) => {
      const r = TO[this.ui][q.role] || q.role;
      return q.role && q.ambito ? t('q_both', { r, a: q.ambito }) : q.role ? r : t('q_amb', { a: q.ambito });
    };
    const quotas = e.quotas.map((q) => {
      const l = Math.max(0, q.seats - (s.quotas[q.id] || 0));
      return h('li', null, t(l == 0 ? 'q_full' : l == 1 ? 'q_left1' : 'q_left', { s: q.seats == 1 ? t('q_n1') : t('q_n', { n: q.seats }), who: who(q), l }));
    });
    const meet = h('ol', { id: 'meetings' }, ...e.meetings.map((m) => h('li', null,
      `${this.at(m.start, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}, ${this.at(m.start, { timeStyle: 'short' })}–${this.at(m.end, { timeStyle: 'short' })} (${t('it_time')})`,
      m.place && h('br'), m.place,
      /^https?:\/\//i.test(m.video_url) && h('br'), /^https?:\/\//i.test(m.video_url) && h('span', null, t('online') + ': ',
        h('a', { href: m.video_url, target: '_blank', rel: 'noopener noreferrer' }, t('video'))))));
    const done = this.done && h('p', { id: 'done', class: 'note', tabindex: -1 }, this.done);
    this.done = '';
    const title = h('h2', { id: 'title', tabindex: -1 }, e.course.title);
    this.put([this.back(this.from), title, e.title && h('p', { id: 'ed-title' }, h('strong', null, e.title)),
      e.cancelled && h('p', { id: 'called-off', class: 'warn' }, t('called_off')),
      done, this.mineBox(e, me),
      h('h3', null, t('meetings')), meet,
      h('h3', null, t('seats')), h('ul', { id: 'seats' }, h('li', null, t('cap', { n: e.capacity })),
        ...quotas, h('li', null, s.free ? t('free', { n: s.free }) : t('free0')), s.waiting > 0 && h('li', null, t('waiting', { n: s.waiting }))),
      h('h3', null, t('rules')), h('ul', { id: 'rules' }, h('li', null, this.window(e)), h('li', null, t('cancel_by', { d: this.when(e.cancel_until) })),
        e.approval && h('li', null, t('approval'))),
      h('h3', null, t('about')), ...this.about(e.course, ts, fs)], done || title);
  }

  /** mineBox is the person's enrolment in e with what they can do, or the enrol button. */
  mineBox(e: EdView, me: Me | null): HTMLElement {
    const t = this.t.bind(this);
    const m = e.mine && !OVER.includes(e.mine.status) ? e.mine : null;
    const err = h('p', { id: 'act-error', class: 'err', role: 'alert', hidden: true });
    const act = (id: string, key: string, path: string, cls = '') => {
      const b: HTMLElement = h('button', { id, type: 'button', class: cls || null, onclick: () => this.act(b, err, path) }, t(key));
      return b;
    };
    const box = h('div', { id: 'mine', class: 'box', role: 'region', 'aria-labelledby': 'mine-t' }, h('h3', { id: 'mine-t' }, t('you')));
    if (!m) {
      if (e.mine) box.append(h('p', { id: 'status-text' }, t('s_' + e.mine.status)));
      if (!this.isOpen(e)) box.append(h('p', null, e.cancelled ? t('called_off') : this.window(e)));
      else {
        // The API decides; this only names the button.
        const left = this.left(e, me);
        if (!left) box.append(h('p', { id: 'full' }, t('full_note')));
        box.append(err, act('enrol', left ? 'enrol' : 'join', `/editions/${e.id}/enrol`));
      }
      return box;
    }
    const st = m.status;
    box.append(h('p', { id: 'status-text' }, st == 'waiting' ? t('s_waiting', { n: m.position }) : st == 'offered' ? t('s_offered', { d: this.when(m.offered_until!) }) : t('s_' + st)));
    if (st == 'confirmed' && hooks.checkin && e.meetings.some((x) => Date.parse(x.start) - 9e5 <= Date.now() && Date.now() <= Date.parse(x.end)))
      box.append(h('p', null, h('button', { id: 'to-checkin', type: 'button', class: 's', onclick: () => this.go('checkin') }, t('checkin'))));
    const row = h('div', { class: 'row' });
    if (st == 'offered') row.append(act('accept', 'accept', `/enrolments/${m.id}/accept`), act('decline', 'decline', `/enrolments/${m.id}/decline`, 's'));
    const seat = st == 'confirmed' || st == 'pending';
    if (seat && Date.now() > Date.parse(e.cancel_until)) box.append(h('p', { id: 'late' }, t('late', { d: this.when(e.cancel_until) })));
    if (st != 'offered') {
      const c: HTMLElement = h('button', { id: 'cancel', type: 'button', class: 's', onclick: () => {
        const no = h('button', { id: 'cancel-no', type: 'button', class: 's', onclick: () => {
          q.replaceWith(row);
          c.focus();
        } }, t('no'));
        const q = h('div', { id: 'confirm', role: 'group', 'aria-labelledby': 'sure', onkeydown: (k: KeyboardEvent) => k.key == 'Escape' && no.click() }, h('p', { id: 'sure', tabindex: -1 }, t(seat ? 'sure' : 'sure_w', { t: e.course.title })),
          h('div', { class: 'row' }, act('cancel-yes', 'yes', `/enrolments/${m.id}/cancel`), no));
        row.replaceWith(q);
        (q.querySelector('#sure') as HTMLElement).focus();
      } }, t(seat ? 'cancel_e' : 'leave'));
      row.append(c);
    }
    box.append(err, row);
    return box;
  }

  /** act sends an enrolment's step (path under /training) and shows the edition again with the outcome. */
  async act(b: HTMLElement, err: HTMLElement, path: string): Promise<void> {
    if (!this.busy(b, true)) return;
    err.hidden = true;
    this.say(this.t('working'));
    try {
      const r = await this.api<Enrolment>(T + path, { method: 'POST' });
      const x = r.data;
      this.done = this.t('done_' + x.status, { n: x.position });
      this.say(this.done);
      this.acted = true;
      this.edition();
    } catch (e) {
      this.say('');
      err.textContent = this.msg(e);
      err.hidden = false;
      b.focus();
    } finally {
      this.busy(b, false);
    }
  }

  // ---- my courses

  async mine(focus = ''): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    if (!focus) this.loading();
    let r: { data: Mine[]; page?: { total: number } };
    try {
      r = await this.api<Mine[]>(`${T}/me/enrolments?page=${this.mp}&per_page=${PER}${this.all ? '&all=true' : ''}`);
    } catch (e) {
      return this.fail_(e, my);
    }
    if (my != this.seq) return;
    const list = r.data || [];
    const total = r.page?.total ?? list.length;
    const all = h('input', { id: 'all', type: 'checkbox', checked: this.all, onchange: () => {
      this.all = all.checked;
      this.mp = 1;
      this.mine('all');
    } });
    this.put([h('h2', { tabindex: -1 }, t('mine')), h('div', { class: 'f' }, h('label', { class: 'ck' }, all, t('past'))),
      list.length ? h('ul', { id: 'my', class: 'c' }, ...list.map((m) => h('li', null,
        h('h3', null, h('button', { type: 'button', class: 'l', 'data-edition': m.edition_id, onclick: () => {
          this.eid = m.edition_id;
          this.from = 'mine';
          this.go('edition');
        } }, m.course.title)),
        m.edition.title && h('p', null, m.edition.title),
        m.edition.meetings[0] && h('p', null, t('first', { d: this.when(m.edition.meetings[0].start) })),
        h('p', { class: 'st' }, h('strong', null, m.status == 'waiting' ? t('s_waiting', { n: m.position })
          : m.status == 'offered' ? t('s_offered', { d: this.when(m.offered_until!) }) : t('s_' + m.status))))))
        : h('p', { id: 'empty', class: 'note' }, t('none_mine')),
      this.pager(this.mp, total, (p, id) => {
        this.mp = p;
        this.mine(id);
      }), hooks.calendar?.(this)]);
    if (focus) (this.shadowRoot!.getElementById(focus) as HTMLElement | null)?.focus();
  }
}

me(hooks);
define('incroci-training', Training);
