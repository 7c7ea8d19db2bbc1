// <incroci-console>: the console of coordinators, consultants, mediators
// and the toolkit's editors. Tabs by role: "Persone e ruoli" (the people of
// the ambito, their roles, invitations, kept current by the ambito's people
// event stream while it is shown), the help-desk views "Sportello",
// "Mediazione" and "Report" (console-helpdesk.js), "Sportelli"
// (console-desks.js), and the toolkit's "Proposte" and "Da aggiornare"
// (console-toolkit.js), "Traduzioni" (console-translations.js) and "Fonti"
// (console-sources.js), the training's "Corsi", "Approvazioni" and "Le mie edizioni"
// (console-training.js, with console-register.js for an edition's register
// and certificates), "Questionari" (console-surveys.js) and "Report
// formazione" (console-treports.js). Each chunk is loaded beside this script the first
// time one of its tabs is opened, and registers with the shell in VIEWS.

import { define, field, h, Widget } from './base';
import { ApiError, stream } from './api';
import { AUTH, loadMe, pageURL, SignIn, signedIn } from './auth';
import { getSession, Me } from './session';

/** ROLES are the roles a coordinator grants in an ambito, in display order. */
const ROLES = ['operator', 'consultant', 'mediator', 'trainer', 'editor', 'coordinator'];
const PER_PAGE = 20;

const D = {
  it: {
    ...AUTH.it,
    title: 'Persone e ruoli',
    q: 'Cerca per nome o e-mail',
    search: 'Cerca',
    name: 'Nome',
    mail: 'E-mail',
    roles: 'Ruoli',
    roles_of: 'Ruoli di {name}',
    empty: 'Nessuna persona trovata',
    count: 'Persone trovate: {n}',
    pages: 'Pagine delle persone',
    page: 'Pagina {p} di {n}',
    prev: 'Precedente',
    next: 'Successiva',
    forbidden: 'Non hai i permessi per gestire questo ambito',
    no_role: 'La console è per coordinatori, consulenti, mediatori, formatori e redattori: con il tuo profilo usa gli altri servizi della pagina.',
    granted: '{role}: ruolo assegnato a {name}.',
    revoked: '{role}: ruolo tolto a {name}.',
    invite: 'Invita una persona',
    invite_email: 'Indirizzo e-mail',
    invite_name: 'Nome e cognome',
    invite_send: 'Invia l’invito',
    invited: 'Invito inviato a {email}.',
    updated: 'Elenco aggiornato',
    paused: 'Aggiornamenti in tempo reale sospesi, nuovo tentativo…',
    operator: 'Operatore sociale',
    consultant: 'Consulente legale',
    mediator: 'Mediatore linguistico-culturale',
    trainer: 'Formatore / supervisore',
    editor: 'Redattore del toolkit',
    coordinator: 'Coordinatore d’ambito',
    admin: 'Amministratore di rete',
    tabs: 'Sezioni della console',
    people: 'Persone e ruoli',
    helpdesk: 'Sportello',
    mediation: 'Mediazione',
    desks: 'Sportelli',
    reports: 'Report',
    proposals: 'Proposte',
    queue: 'Da aggiornare',
    translations: 'Traduzioni',
    sources: 'Fonti',
    training: 'Corsi',
    approvals: 'Approvazioni',
    teaching: 'Le mie edizioni',
    tsurveys: 'Questionari',
    treports: 'Report formazione',
    chunk_err: 'Non è stato possibile caricare questa sezione.',
  },
  en: {
    ...AUTH.en,
    title: 'People and roles',
    q: 'Search by name or e-mail',
    search: 'Search',
    name: 'Name',
    mail: 'E-mail',
    roles: 'Roles',
    roles_of: 'Roles of {name}',
    empty: 'No people found',
    count: 'People found: {n}',
    pages: 'People pages',
    page: 'Page {p} of {n}',
    prev: 'Previous',
    next: 'Next',
    forbidden: 'You are not allowed to manage this ambito',
    no_role: 'The console is for coordinators, consultants, mediators, trainers and editors: with your roles, use the other services on the page.',
    granted: '{role}: role granted to {name}.',
    revoked: '{role}: role removed from {name}.',
    invite: 'Invite a person',
    invite_email: 'E-mail address',
    invite_name: 'Full name',
    invite_send: 'Send the invitation',
    invited: 'Invitation sent to {email}.',
    updated: 'List updated',
    paused: 'Live updates paused, trying again…',
    operator: 'Social worker',
    consultant: 'Legal consultant',
    mediator: 'Linguistic-cultural mediator',
    trainer: 'Trainer / supervisor',
    editor: 'Toolkit editor',
    coordinator: 'District coordinator',
    admin: 'Network administrator',
    tabs: 'Console sections',
    people: 'People and roles',
    helpdesk: 'Help desk',
    mediation: 'Mediation',
    desks: 'Desks',
    reports: 'Reports',
    proposals: 'Proposals',
    queue: 'To review',
    translations: 'Translations',
    sources: 'Legal sources',
    training: 'Courses',
    approvals: 'Approvals',
    teaching: 'My editions',
    tsurveys: 'Surveys',
    treports: 'Training reports',
    chunk_err: 'This section could not be loaded.',
  },
};

interface Person {
  id: number;
  email: string;
  name: string;
  roles: string[];
}

const canManage = (p: Me, ambito: string) =>
  p.admin || (p.roles || []).some((r) => r.ambito == ambito && r.role == 'coordinator');

const enc = encodeURIComponent;

/** View draws a tab of the console into box and returns what stops it (streams, timers). */
export type View = (w: Widget, box: HTMLElement, me: Me) => () => void;
/** VIEWS is the window property where console-helpdesk.js puts its views, by tab. */
export const VIEWS = '__incrociConsoleViews1';
type Reg = Record<string, View | undefined>;
const reg = () => ((window as any)[VIEWS] ||= {}) as Reg;
// The chunks sit beside this script: its folder, captured while this script runs.
const dir = ((document.currentScript as HTMLScriptElement | null)?.src || '').replace(/\/[^/?#]*(?:[?#].*)?$/, '/');
const loading: Record<string, Promise<unknown> | undefined> = {};
/** CHUNKS names the chunk of each tab not in console-helpdesk.js. */
const CHUNKS: Record<string, string> = { desks: 'desks', proposals: 'toolkit', queue: 'toolkit', translations: 'translations', sources: 'sources',
  training: 'training', approvals: 'training', teaching: 'training', tsurveys: 'surveys', treports: 'treports' };
/**
 * ALSO names the chunks a tab's chunk needs beside it: the register
 * (console-register.js) draws its part of the edition pages that
 * "Corsi" and "Le mie edizioni" open (see EditionHook in console-training.ts).
 */
const ALSO: Record<string, string> = { training: 'register', teaching: 'register' };
/**
 * views loads the chunk that draws tab, once: console-desks.js for
 * "Sportelli", the toolkit's chunks for its tabs, console-helpdesk.js for
 * the other help-desk tabs. A dynamic import: a strict CSP with Trusted
 * Types forbids setting a script's src.
 */
const views = (hub: string, tab: string): Promise<Reg> => {
  if (reg()[tab]) return Promise.resolve(reg());
  const get = (c: string) => (loading[c] ||= import((dir || hub + '/widgets/') + c + '.js').catch((e) => {
    loading[c] = undefined;
    throw e;
  }));
  const also = ALSO[tab];
  return Promise.all([get('console-' + (CHUNKS[tab] || 'helpdesk')), also && get('console-' + also)]).then(reg);
};

/**
 * tabs are the tabs person p may open in ambito a; the toolkit's are for
 * its editors (and admins); the training's courses for the ambito's
 * coordinators (and admins), "Le mie edizioni" for its trainers.
 */
const tabs = (p: Me, a: string) => {
  const has = (role: string, here = true) => (p.roles || []).some((r) => r.role == role && (!here || r.ambito == a));
  const c = p.admin || has('coordinator');
  const e = p.admin || has('editor');
  return [c && 'people', has('consultant', false) && 'helpdesk', (c || has('mediator', false)) && 'mediation', c && 'desks', c && 'reports',
    e && 'proposals', e && 'queue', e && 'translations', e && 'sources', c && 'training', c && 'approvals', has('trainer') && 'teaching', c && 'tsurveys', c && 'treports'].filter((x) => x) as string[];
};

class IncrociConsole extends Widget {
  dict = D;
  flow = new SignIn(this);
  page = 1;
  q = '';
  total = 0;
  rows: Person[] = [];
  state: 'loading' | 'ready' | 'error' | 'forbidden' = 'loading';
  error: unknown;
  seq = 0;
  timer = 0;
  token = '';
  /** The people event stream while the list is shown, and what it is for (hub, ambito, token). */
  sub?: { close(): void };
  subKey = '';
  tick = 0;
  downT = 0;
  off = false;
  // Parts of the signed-in view, kept to update the list in place.
  list?: HTMLElement;
  err?: HTMLElement;
  prev?: HTMLElement;
  next?: HTMLElement;
  info?: HTMLElement;
  note?: HTMLElement;
  /** The tab shown, and what stops the help-desk view in it. */
  tab = '';
  end?: () => void;

  start(): void {
    this.token = '';
    this.page = 1;
    if (!this.ambito) return this.show([h('p', { id: 'error', class: 'err' }, this.t('config', { attr: 'ambito' }))]);
    if (!this.flow.activate()) this.render();
  }

  private base() {
    return `/ambiti/${enc(this.ambito)}`;
  }

  render(): void {
    const s = getSession(this.hub);
    this.list = undefined;
    if (!this.ambito) return this.unsub();
    if (this.flow.view == 'wait' || !s) {
      this.token = '';
      this.unsub();
      return this.flow.render();
    }
    if (!s.person) {
      this.unsub();
      this.show([h('p', null, this.t('loading'))], false);
      return loadMe(this, s);
    }
    const t = this.t.bind(this);
    const fresh = this.token != s.token;
    if (fresh) {
      this.token = s.token;
      this.state = 'loading';
      this.page = 1;
    }
    const all = tabs(s.person, this.ambito);
    if (fresh || !all.includes(this.tab)) this.tab = all[0];
    this.end?.();
    this.end = undefined;
    if (!all.length || (this.tab == 'people' && this.state == 'forbidden')) {
      this.unsub();
      // No role for the console at all is no error: say who it is for.
      const none = !all.length;
      return this.show([h('h2', null, t('title')), h('p', { id: 'forbidden', class: none ? 'note' : 'err' }, t(none ? 'no_role' : 'forbidden')), signedIn(this, s.person)]);
    }
    const bar = this.bar(all);
    if (this.tab != 'people') return this.other(bar, s.person);
    const qi = h('input', { id: 'q', name: 'q', type: 'search', value: this.q, oninput: () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(qi.value), 400);
    } });
    const search = h('form', { role: 'search', class: 'f', onsubmit: (e: Event) => { e.preventDefault(); this.search(qi.value); } },
      h('label', { for: 'q' }, t('q')),
      h('div', { class: 'row' }, qi, h('button', { type: 'submit', class: 's' }, t('search'))));
    this.err = h('div', { id: 'error', class: 'err', role: 'alert', hidden: true });
    this.list = h('div', { class: 'x', 'aria-busy': 'true' }, h('p', null, t('loading')));
    this.prev = h('button', { id: 'prev', type: 'button', class: 's', onclick: () => this.go(-1) }, t('prev'));
    this.next = h('button', { id: 'next', type: 'button', class: 's', onclick: () => this.go(1) }, t('next'));
    this.info = h('span');
    const nav = h('nav', { 'aria-label': t('pages'), class: 'row' }, this.prev, this.info, this.next);
    // Says, politely and only after a few seconds, that live updates are down.
    this.note = h('p', { id: 'live', class: 'note', role: 'status' }, this.off ? t('paused') : '');
    const kids = [h('h2', null, t('title')), signedIn(this, s.person), this.note, search, this.err, this.list, nav, this.inviteForm()];
    this.show(bar ? [bar, this.panel(...kids)] : kids);
    this.subscribe(this.hub + ' ' + this.base() + ' ' + s.token);
    if (fresh || this.state == 'loading') this.load();
    else this.fill();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsub();
    this.end?.();
    this.end = undefined;
  }

  /** bar is the tab list (arrow keys move between tabs), or nothing when there is one tab. */
  private bar(all: string[]): HTMLElement | string {
    if (all.length < 2) return '';
    const pick = (x: string) => {
      this.tab = x;
      this.acted = true;
      this.render();
      this.shadowRoot!.getElementById('tab-' + x)?.focus();
    };
    return h('div', { role: 'tablist', 'aria-label': this.t('tabs'), class: 'row', onkeydown: (e: KeyboardEvent) => {
      const d = { ArrowRight: 1, ArrowLeft: -1, Home: -99, End: 99 }[e.key];
      if (!d) return;
      e.preventDefault();
      pick(all[Math.max(0, Math.min(all.length - 1, all.indexOf(this.tab) + d))]);
    } }, ...all.map((x) => h('button', { type: 'button', role: 'tab', id: 'tab-' + x, class: x == this.tab ? null : 's', 'aria-selected': String(x == this.tab),
      'aria-controls': x == this.tab ? 'panel' : null, tabindex: x == this.tab ? 0 : -1, onclick: () => pick(x) }, this.t(x))));
  }

  /** panel is the tab panel of the tab shown. */
  private panel(...kids: Node[]) {
    return h('div', { id: 'panel', role: 'tabpanel', 'aria-labelledby': 'tab-' + this.tab }, ...kids);
  }

  /** other shows a help-desk tab: console-helpdesk.js draws it once loaded. */
  private other(bar: HTMLElement | string, me: Me) {
    this.unsub();
    const tab = this.tab;
    const box = h('div', { 'aria-busy': 'true' }, h('p', { id: 'chunk-wait' }, this.t('loading')));
    this.show(bar ? [bar, this.panel(signedIn(this, me), box)] : [signedIn(this, me), box], false);
    views(this.hub, tab).then((r) => {
      if (this.tab != tab || !box.isConnected) return;
      box.removeAttribute('aria-busy');
      this.end = r[tab]!(this, box, me);
    }, () => {
      if (this.tab != tab || !box.isConnected) return;
      box.removeAttribute('aria-busy');
      box.replaceChildren(h('p', { id: 'error', class: 'err', role: 'alert' }, this.t('chunk_err'),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => { this.acted = true; this.render(); } }, this.t('retry'))));
    });
  }

  /** subscribe listens to the people of the ambito: each change refreshes the page shown. */
  private subscribe(key: string) {
    if (this.sub && this.subKey == key) return;
    this.unsub();
    this.subKey = key;
    this.sub = stream(this.hub, this.ui, `${this.base()}/people/events`, {
      onEvent: (type) => type == 'person.changed' && this.soon(),
      onState: (st, status) => {
        if (st == 'retry') {
          if (!this.downT) this.downT = setTimeout(() => this.paused(true), 5e3);
          return;
        }
        clearTimeout(this.downT);
        this.downT = 0;
        this.paused(false);
        if (st == 'resync') this.soon(); // a change may have come before the stream did
        if (status == 403) {
          this.state = 'forbidden';
          this.render();
        }
      },
    });
  }

  private unsub() {
    this.sub?.close();
    this.sub = undefined;
    clearTimeout(this.downT);
    clearTimeout(this.tick);
    this.downT = 0;
    this.paused(false);
  }

  private paused(on: boolean) {
    this.off = on;
    if (this.note) this.note.textContent = on ? this.t('paused') : '';
  }

  /** soon refreshes the list shortly, once for a burst of changes. */
  private soon() {
    clearTimeout(this.tick);
    this.tick = setTimeout(() => this.refresh(), 300);
  }

  /**
   * refresh reloads the page shown, keeping search, page and focus, and
   * says so only when something changed. It waits for a load or a role
   * change in progress.
   */
  private async refresh() {
    if (!this.list) return;
    if (this.state == 'loading' || this.list.querySelector('[aria-busy=true]')) return this.soon();
    if (this.state != 'ready') return;
    const my = ++this.seq;
    try {
      const r = await this.api<Person[]>(this.query());
      if (my != this.seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      if (JSON.stringify([rows, total]) == JSON.stringify([this.rows, this.total])) return;
      this.rows = rows;
      this.total = total;
      this.fill();
      this.say(this.t('updated'));
    } catch (e) {
      if (my == this.seq && e instanceof ApiError && e.status == 403) {
        this.state = 'forbidden';
        this.render();
      }
    }
  }

  private query() {
    const qs = new URLSearchParams({ page: String(this.page), per_page: String(PER_PAGE) });
    if (this.q) qs.set('q', this.q);
    return `${this.base()}/people?${qs}`;
  }

  private search(q: string) {
    clearTimeout(this.timer);
    if (q.trim() == this.q && this.state == 'ready') return;
    this.q = q.trim();
    this.page = 1;
    this.load();
  }

  private go(d: number) {
    const b = d < 0 ? this.prev : this.next;
    if (b?.getAttribute('aria-disabled') == 'true') return;
    this.page += d;
    this.load();
  }

  /** load fetches the current page; only the newest answer is shown. */
  async load(done?: string): Promise<void> {
    const my = ++this.seq;
    this.state = 'loading';
    this.fill();
    if (!done) this.say(this.t('loading'));
    try {
      const r = await this.api<Person[]>(this.query());
      if (my != this.seq) return;
      this.rows = r.data || [];
      this.total = r.page?.total ?? this.rows.length;
      this.state = 'ready';
      this.say(done || this.t('count', { n: this.total }));
    } catch (e) {
      if (my != this.seq) return;
      this.say('');
      this.error = e;
      if (e instanceof ApiError && e.status == 401) return;
      this.state = e instanceof ApiError && e.status == 403 ? 'forbidden' : 'error';
      if (this.state == 'forbidden') return this.render();
    }
    this.fill();
  }

  /** fill draws the list part of the view from the state. */
  private fill() {
    const list = this.list;
    const err = this.err;
    const t = this.t.bind(this);
    if (!list || !err) return;
    list.setAttribute('aria-busy', String(this.state == 'loading'));
    err.hidden = this.state != 'error';
    err.replaceChildren();
    if (this.state == 'error') {
      err.append(this.msg(this.error), h('button', { id: 'retry', type: 'button', class: 's', onclick: () => { this.shadowRoot!.getElementById('q')?.focus(); this.load(); } }, t('retry')));
    }
    const pages = Math.max(1, Math.ceil(this.total / PER_PAGE));
    this.info!.textContent = t('page', { p: this.page, n: pages });
    const focused = this.shadowRoot!.activeElement;
    this.prev!.setAttribute('aria-disabled', String(this.state != 'ready' || this.page <= 1));
    this.next!.setAttribute('aria-disabled', String(this.state != 'ready' || this.page >= pages));
    if (this.state == 'loading' && list.querySelector('table')) return;
    if (this.state != 'ready') return list.replaceChildren(...(this.state == 'loading' ? [h('p', null, t('loading'))] : []));
    // A refresh redraws the rows: the focus stays on the same control.
    const fid = focused && list.contains(focused) ? focused.id : '';
    const body = h('tbody');
    for (const p of this.rows) body.append(this.row(p));
    if (!this.rows.length) body.append(h('tr', null, h('td', { colspan: 3, id: 'empty' }, t('empty'))));
    list.replaceChildren(h('table', { id: 'people' },
      h('caption', null, t('count', { n: this.total })),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('name')), h('th', { scope: 'col' }, t('mail')), h('th', { scope: 'col' }, t('roles')))),
      body));
    if (fid) (this.shadowRoot!.getElementById(fid) || this.shadowRoot!.getElementById('q'))?.focus();
    // Keep keyboard users on a usable pagination button.
    if (focused && focused.getAttribute('aria-disabled') == 'true') (focused == this.prev ? this.next : this.prev)!.focus();
  }

  private row(p: Person): HTMLElement {
    const name = p.name || p.email;
    const boxes = ROLES.map((r) => {
      const cb = h('input', { type: 'checkbox', id: `r-${p.id}-${r}`, name: `role-${p.id}-${r}`, 'data-person': p.id, 'data-role': r, checked: (p.roles || []).includes(r) });
      cb.addEventListener('change', () => this.toggle(p, r, cb));
      return h('label', { for: cb.id }, cb, this.t(r));
    });
    return h('tr', null, h('th', { scope: 'row' }, p.name || '—'), h('td', null, p.email),
      h('td', null, h('fieldset', { class: 'roles' }, h('legend', { class: 'sr' }, this.t('roles_of', { name })), ...boxes)));
  }

  private async toggle(p: Person, role: string, cb: HTMLInputElement) {
    const on = cb.checked;
    if (cb.getAttribute('aria-busy') == 'true') {
      cb.checked = !on;
      return;
    }
    cb.setAttribute('aria-busy', 'true');
    this.err!.hidden = true;
    try {
      const r = await this.api<Person>(`${this.base()}/people/${p.id}/roles/${role}`, { method: on ? 'PUT' : 'DELETE' });
      p.roles = r.data?.roles || (on ? [...p.roles, role] : p.roles.filter((x) => x != role));
      this.say(this.t(on ? 'granted' : 'revoked', { role: this.t(role), name: p.name || p.email }));
    } catch (e) {
      this.err!.textContent = this.msg(e);
      this.err!.hidden = false;
      this.say('');
    } finally {
      cb.removeAttribute('aria-busy');
      cb.checked = p.roles.includes(role);
    }
  }

  private inviteForm(): HTMLElement {
    const t = this.t.bind(this);
    const err = h('p', { id: 'invite-error', class: 'err', role: 'alert', hidden: true });
    const btn = h('button', { id: 'invite-send', type: 'submit' }, t('invite_send'));
    const roles = h('fieldset', { id: 'invite-roles', 'data-field': 'roles', 'aria-describedby': 'invite-roles-err' },
      h('legend', null, t('roles')),
      h('div', { class: 'roles' }, ...ROLES.map((r) =>
        h('label', { for: 'invite-role-' + r }, h('input', { type: 'checkbox', id: 'invite-role-' + r, name: 'invite-role', value: r, checked: r == 'operator' }), t(r)))),
      h('p', { id: 'invite-roles-err', class: 'fe', hidden: true }));
    const form: HTMLFormElement = h('form', { id: 'invite', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); this.invite(form, err, btn); } },
      h('h3', null, t('invite')),
      field(t('invite_email'), { id: 'invite-email', name: 'email', type: 'email', autocomplete: 'off', spellcheck: 'false', required: true }),
      field(t('invite_name'), { id: 'invite-name', name: 'name', type: 'text', autocomplete: 'off' }),
      roles, err, btn);
    return form;
  }

  private async invite(form: HTMLFormElement, err: HTMLElement, btn: HTMLElement) {
    const f = form.elements;
    const email = (f.namedItem('email') as HTMLInputElement).value.trim();
    const name = (f.namedItem('name') as HTMLInputElement).value.trim();
    const roles = [...form.querySelectorAll<HTMLInputElement>('[name=invite-role]:checked')].map((x) => x.value);
    this.clear(form, err);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return this.bad(f.namedItem('email') as HTMLElement, this.t('email_bad')).focus();
    if (!this.busy(btn, true)) return;
    this.say(this.t('sending'));
    try {
      // The invitation's link opens this page, where the widget signs the person in.
      await this.api(`${this.base()}/invitations`, { method: 'POST', body: { email, name, roles, return_url: pageURL().href } });
      form.reset();
      this.load(this.t('invited', { email }));
    } catch (e) {
      this.say('');
      this.fail(form, err, e);
    } finally {
      this.busy(btn, false);
    }
  }
}

define('incroci-console', IncrociConsole);
