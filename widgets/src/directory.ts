// <incroci-directory>: the directory of services on the territory, read
// from the toolkit's HSDS 3.0 API (no sign-in). Filters: comune (the
// ambito's comuni, GET /ambiti/:slug, with those of the entries seen),
// kind of service or topic (GET /toolkit/hsds/taxonomy_terms) and language
// spoken (GET /toolkit/languages); the list (GET /toolkit/hsds/
// service_at_locations, kept to the ambito's entries, each service read in
// full from /toolkit/hsds/services/:id) shows name, organization, address,
// phones, opening hours in Italian time with "open now", languages,
// accessibility and the day it was last checked, a page at a time. The map
// lives in directory-map.js beside this script, loaded only when asked
// for; its tiles come from the "tiles" attribute (a URL template with {z},
// {x}, {y}; OpenStreetMap's by default) credited with "tiles-attribution".

import { define, h, Widget } from './base';
import { addStyle } from './style';
import { D, MAP } from './directory-text';
import type { MapCtl, MapOpts, Pin } from './directory-text';
import { TZ } from './italy';

interface Phone { number: string; extension?: number; description?: string }
interface Sched { freq?: string; byday?: string; opens_at?: string; closes_at?: string; valid_from?: string; valid_to?: string; description?: string }
interface Lang { code?: string; name?: string; note?: string }
interface Loc {
  name?: string;
  latitude?: number;
  longitude?: number;
  languages: Lang[];
  addresses: { address_1: string; address_2?: string; city: string; postal_code: string; state_province: string }[];
  accessibility: { description?: string; details?: string }[];
  phones: Phone[];
  schedules: Sched[];
}
interface Svc {
  id: string;
  name: string;
  assured_date?: string;
  organization?: { name: string };
  phones: Phone[];
  schedules: Sched[];
  languages: Lang[];
}
interface Sal { id: string; service_id: string; description?: string; phones: Phone[]; schedules: Sched[]; location?: Loc; service?: { name: string; status?: string } }
interface HPage<T> { total_items: number; total_pages: number; page_number: number; contents: T[] }
interface Term { id: string; code: string; name: string; description: string; taxonomy: string }

type Maker = (root: ShadowRoot, box: HTMLElement, o: MapOpts) => MapCtl;

const PER = 10;
const OSM = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
// The map chunk sits beside this script: its folder, captured while this script runs.
const dir = ((document.currentScript as HTMLScriptElement | null)?.src || '').replace(/\/[^/?#]*(?:[?#].*)?$/, '/');
let mapLoad: Promise<unknown> | undefined;

const CSS = `select{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:20em;padding:.5em .75em;min-height:2.75em;margin:0}
select:focus{outline:3px solid var(--_o);outline-offset:1px}
.fl{display:flex;flex-wrap:wrap;gap:0 1.5em;align-items:end}
.fl .f{flex:1 1 12em}
.c{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em .5em;display:flex;gap:.75em}
.c>li.on{outline:3px solid var(--_o);outline-offset:-3px;background:#eef4fb}
.c h3{margin:0 0 .25em;font-size:1.15em}
.c p,.c ul{margin:0 0 .25em}
.c ul{padding:0;list-style:none}
.n{flex:none;display:inline-block;min-width:1.75em;height:1.75em;border-radius:50%;background:var(--_p);color:#fff;text-align:center;font-weight:600}
.k{font-weight:600}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em;margin-inline-start:.5em}
.op{background:#0d6b3a;border-color:#0d6b3a;color:#fff}
.ck{font-size:.9em;color:#3b4a59}
a{color:var(--_p)}
nav .row{justify-content:space-between}`;
const enc = encodeURIComponent;

/** now is the Italian day (YYYY-MM-DD), weekday (MO…) and time (HH:MM) of this instant. */
function now(): [string, string, string] {
  const p = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(Date.now());
  const g = (k: string) => p.find((x) => x.type == k)?.value || '';
  return [`${g('year')}-${g('month')}-${g('day')}`, g('weekday').slice(0, 2).toUpperCase(), `${g('hour')}:${g('minute')}`];
}

/** weekly says whether a schedule is a weekly rule with hours, the only kind "open now" reads (as the toolkit's OpenAt). */
const weekly = (s: Sched) => (!s.freq || s.freq == 'WEEKLY') && !!s.opens_at && !!s.closes_at;

/** openNow says whether one of the weekly schedules is open now in Italy; undefined when none can tell. */
function openNow(list: Sched[]): boolean | undefined {
  const w = list.filter(weekly);
  if (!w.length) return undefined;
  const [day, wd, hm] = now();
  return w.some((s) => (!s.valid_from || day >= s.valid_from) && (!s.valid_to || day <= s.valid_to) &&
    (!s.byday || s.byday.split(',').includes(wd)) && hm >= s.opens_at!.slice(0, 5) && hm < s.closes_at!.slice(0, 5));
}

class Directory extends Widget {
  dict = D;
  comuni: string[] = [];
  terms: Term[] = [];
  langs: { code: string; name_it: string }[] = [];
  services = new Map<string, Svc>();
  page = 1;
  seq = 0;
  data?: HPage<Sal>;
  pins: Pin[] = [];
  ctl?: MapCtl;
  mapOn = false;
  list!: HTMLElement;
  nav!: HTMLElement;
  mapBox!: HTMLElement;
  sel: Record<string, HTMLSelectElement> = {};

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    const r = this.shadowRoot!;
    if (first) {
      addStyle(r, CSS);
    }
  }

  start(): void {
    const my = ++this.seq;
    this.services.clear();
    this.page = 1;
    this.data = undefined;
    this.ctl = undefined;
    this.mapOn = false;
    this.show([h('p', { id: 'loading', 'aria-busy': 'true' }, this.t('loading'))], false);
    const amb = this.ambito ? this.api<{ comuni: string[] }>('/ambiti/' + enc(this.ambito)).then((r) => r.data.comuni || [], () => [] as string[]) : Promise.resolve([] as string[]);
    Promise.all([amb, this.hsds<HPage<Term>>('/taxonomy_terms?per_page=100'), this.api<{ code: string; name_it: string }[]>('/toolkit/languages')]).then(
      ([c, tm, l]) => {
        if (my != this.seq) return;
        this.comuni = c;
        this.terms = tm.contents;
        this.langs = (l.data || []).filter((x) => x.code != 'it');
        this.render();
      },
      (e) => my == this.seq && this.failView(e, () => this.start()));
  }

  /** hsds reads the toolkit's HSDS API, whose answers are not wrapped in {"data": …}. */
  hsds<T>(path: string): Promise<T> {
    return this.api<T>('/toolkit/hsds' + path) as unknown as Promise<T>;
  }

  /** select builds a labelled select of name with a first "all" option and the given options or groups. */
  select(name: string, label: string, all: string, opts: Node[]): HTMLElement {
    const old = this.sel[name]?.value || '';
    const s = h('select', { id: name, name, onchange: () => { this.page = 1; this.load(); } }, h('option', { value: '' }, all), ...opts);
    s.value = old;
    this.sel[name] = s;
    return h('div', { class: 'f' }, h('label', { for: name }, label), s);
  }

  render(): void {
    if (!this.terms.length && !this.langs.length) return; // still starting
    const t = this.t.bind(this);
    const ui = this.ui;
    const names = new Intl.DisplayNames([ui], { type: 'language' });
    const lname = (c: string, it?: string) => (ui == 'it' && it) || names.of(c) || c;
    const comuni = [...this.comuni].sort((a, b) => a.localeCompare(b, 'it'));
    const group = (tax: string, label: string) => h('optgroup', { label },
      ...this.terms.filter((x) => x.taxonomy == tax).map((x) => h('option', { value: x.id }, ui == 'en' ? x.description : x.name)));
    const langs = this.langs.map((l) => [l.code, lname(l.code, l.name_it)]).sort((a, b) => a[1].localeCompare(b[1], ui));
    const toggle = h('button', { id: 'map-toggle', type: 'button', class: 's', 'aria-expanded': String(this.mapOn), 'aria-controls': 'map-box', onclick: () => this.toggleMap() },
      t(this.mapOn ? 'map_hide' : 'map_show'));
    this.mapBox = h('div', { id: 'map-box', hidden: !this.mapOn });
    this.list = h('div', { id: 'list', 'aria-busy': 'true' });
    const b = (id: string, k: string, d: number) => h('button', { id, type: 'button', class: 's', onclick: (e: Event) => {
      if ((e.currentTarget as HTMLElement).getAttribute('aria-disabled') == 'true') return;
      this.page += d;
      this.load();
    } }, t(k));
    this.nav = h('nav', { 'aria-label': t('pages'), hidden: true }, h('div', { class: 'row' }, b('prev', 'prev', -1), h('p', { id: 'pageno' }), b('next', 'next', 1)));
    this.show([
      h('h2', { id: 'title', tabindex: -1 }, t('title')),
      h('form', { role: 'search', 'aria-label': t('filters'), onsubmit: (e: Event) => e.preventDefault() },
        h('div', { class: 'fl' },
          this.select('comune', t('comune'), t('all_comuni'), comuni.map((c) => h('option', { value: c }, c))),
          this.select('topic', t('topic'), t('all_topics'), [group('network-services', t('kinds')), group('topics', t('topics'))]),
          this.select('language', t('lang'), t('all_langs'), langs.map(([c, n]) => h('option', { value: c }, n))))),
      h('p', null, toggle),
      this.mapBox,
      this.list,
      this.nav,
    ], false);
    this.ctl = undefined;
    if (this.mapOn) this.openMap();
    if (this.data) this.draw();
    else this.load();
  }

  /** load reads the page of entries that the filters and this.page ask for, with their services. */
  async load(): Promise<void> {
    const my = ++this.seq;
    const q = new URLSearchParams({ page: '' + this.page, per_page: '' + PER });
    if (this.ambito) q.set('ambito', this.ambito);
    const v = (n: string) => this.sel[n]?.value || '';
    if (v('comune')) q.set('comune', v('comune'));
    if (v('topic')) q.set('taxonomy_term_id', v('topic'));
    if (v('language')) q.set('language', v('language'));
    this.list.setAttribute('aria-busy', 'true');
    this.list.replaceChildren(h('p', { id: 'loading' }, this.t('loading')));
    this.say(this.t('loading'));
    try {
      const p = await this.hsds<HPage<Sal>>('/service_at_locations?' + q);
      const want = [...new Set(p.contents.map((x) => x.service_id))].filter((id) => !this.services.has(id));
      const full = await Promise.all(want.map((id) => this.hsds<Svc>('/services/' + enc(id))));
      if (my != this.seq) return;
      for (const s of full) this.services.set(s.id, s);
      this.data = p;
      this.draw();
    } catch (e) {
      if (my != this.seq) return;
      this.say('');
      this.nav.hidden = true;
      this.list.setAttribute('aria-busy', 'false');
      this.list.replaceChildren(h('div', { id: 'error', class: 'err', role: 'alert' }, this.msg(e),
        h('button', { id: 'retry', type: 'button', class: 's', onclick: () => this.load() }, this.t('retry'))));
    }
  }

  /** draw shows this.data: the entries, the pages, the count; and gives the map its pins. */
  draw(): void {
    const p = this.data!;
    const t = this.t.bind(this);
    const filtered = Object.values(this.sel).some((s) => s.value);
    const first = (p.page_number - 1) * PER;
    this.pins = [];
    const items = p.contents.map((x, i) => this.entry(x, first + i + 1));
    // Comuni of the entries that the ambito's list lacks become choices too.
    const cs = this.sel.comune;
    for (const x of p.contents) {
      const c = x.location?.addresses[0]?.city;
      if (c && ![...cs.options].some((o) => o.value.toLowerCase() == c.toLowerCase())) {
        const after = [...cs.options].slice(1).find((o) => o.value.localeCompare(c, 'it') > 0);
        cs.insertBefore(h('option', { value: c }, c), after || null);
      }
    }
    this.list.replaceChildren(items.length ? h('ol', { class: 'c', id: 'entries' }, ...items) : h('p', { id: 'empty', class: 'note' }, t(filtered ? 'empty' : 'none')));
    this.list.setAttribute('aria-busy', 'false');
    const pp = Math.max(1, p.total_pages);
    this.nav.hidden = pp < 2;
    this.shadowRoot!.getElementById('pageno')!.textContent = t('page', { p: p.page_number, pp });
    this.shadowRoot!.getElementById('prev')!.setAttribute('aria-disabled', String(p.page_number <= 1));
    this.shadowRoot!.getElementById('next')!.setAttribute('aria-disabled', String(p.page_number >= pp));
    this.say(pp > 1 ? t('count_page', { n: p.total_items, p: p.page_number, pp }) : t('count', { n: p.total_items }));
    this.ctl?.set(this.pins);
  }

  /** entry draws one service at a location, numbered n (the number of its marker). */
  entry(x: Sal, n: number): HTMLElement {
    const t = this.t.bind(this);
    const s = this.services.get(x.service_id);
    const l = x.location;
    const a = l?.addresses[0];
    const name = s?.name || x.service?.name || '';
    const where = a ? [a.address_1, a.address_2, `${a.postal_code} ${a.city}`.trim() + (a.state_province ? ` (${a.state_province})` : '')].filter(Boolean).join(', ') : l?.name || '';
    this.pins.push({ id: x.id, n, name, where, lat: l?.latitude, lon: l?.longitude });
    const phones = [...x.phones, ...(l?.phones || []), ...(s?.phones || [])].filter((ph, i, all) => all.findIndex((q) => q.number == ph.number) == i);
    const scheds = x.schedules.length ? x.schedules : l?.schedules.length ? l.schedules : s?.schedules || [];
    const langs = [...(s?.languages || []), ...(l?.languages || [])].filter((g, i, all) => all.findIndex((q) => q.code == g.code) == i);
    const names = new Intl.DisplayNames([this.ui], { type: 'language' });
    const st = x.service?.status;
    const open = openNow(scheds);
    const line = (k: string, ...v: (Node | string)[]) => h('p', null, h('span', { class: 'k' }, t(k) + ': '), ...v);
    const days = (b?: string) => b ? b.split(',').map((d) => this.day(d)).join(', ') : t('every_day');
    const date = (d: string) => new Intl.DateTimeFormat(this.ui, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(d));
    return h('li', { id: 'e-' + x.id },
      h('span', { class: 'n', 'aria-hidden': 'true' }, n),
      h('div', null,
        h('h3', { id: 'h-' + x.id, tabindex: -1 }, h('bdi', null, name)),
        st && st != 'active' && h('p', null, h('span', { class: 'b', id: 'st-' + x.id }, t('st_' + st.replace(' ', '_')))),
        s?.organization && line('org', h('bdi', { class: 'org' }, s.organization.name)),
        where && line('where', h('bdi', { class: 'addr' }, where)),
        x.description && h('p', null, h('bdi', null, x.description)),
        phones.length > 0 && line('phones', ...phones.flatMap((ph, i) => [i ? ', ' : '', h('a', { href: 'tel:' + ph.number.replace(/[^\d+]/g, '') }, ph.number + (ph.extension ? ' int. ' + ph.extension : ''))])),
        scheds.length > 0 && h('div', null,
          h('p', null, h('span', { class: 'k' }, t('hours') + ':'), open != undefined && h('span', { class: open ? 'b op' : 'b', id: 'open-' + x.id }, t(open ? 'open' : 'closed'))),
          h('ul', null, ...scheds.map((sc) => h('li', null,
            weekly(sc) ? `${days(sc.byday)} ${sc.opens_at!.slice(0, 5)}–${sc.closes_at!.slice(0, 5)}` : '',
            sc.valid_from || sc.valid_to ? ' (' + t('from_to', { a: sc.valid_from ? date(sc.valid_from) : '…', b: sc.valid_to ? date(sc.valid_to) : '…' }) + ')' : '',
            sc.description ? h('bdi', null, ' ' + sc.description) : '')))),
        langs.length > 0 && line('langs', langs.map((g) => (g.code && names.of(g.code)) || g.name || g.code).join(', ')),
        l && l.accessibility.length > 0 && line('access', h('bdi', null, l.accessibility.map((ac) => [ac.description, ac.details].filter(Boolean).join(': ')).join('; '))),
        h('p', { class: 'ck' }, s?.assured_date ? t('checked', { d: date(s.assured_date) }) : t('unchecked'))));
  }

  /** day names a day of the week (MO…) in the UI language. */
  day(d: string): string {
    const i = DAYS.indexOf(d);
    // 5 January 2026 was a Monday.
    return i < 0 ? d : new Intl.DateTimeFormat(this.ui, { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 5 + i));
  }

  toggleMap(): void {
    this.mapOn = !this.mapOn;
    const b = this.shadowRoot!.getElementById('map-toggle')!;
    b.setAttribute('aria-expanded', String(this.mapOn));
    b.textContent = this.t(this.mapOn ? 'map_hide' : 'map_show');
    this.mapBox.hidden = !this.mapOn;
    if (this.mapOn && !this.ctl) this.openMap();
  }

  /** openMap loads directory-map.js (once, beside this script; a dynamic import, as a strict CSP allows) and draws the map. */
  openMap(): void {
    const box = this.mapBox;
    box.setAttribute('aria-busy', 'true');
    box.replaceChildren(h('p', null, this.t('loading')));
    const W = window as unknown as Record<string, Maker | undefined>;
    (mapLoad ||= W[MAP] ? Promise.resolve() : import((dir || this.hub + '/widgets/') + 'directory-map.js').catch((e) => {
      mapLoad = undefined;
      throw e;
    })).then(() => {
      if (box != this.mapBox) return;
      box.replaceChildren();
      const tiles = this.getAttribute('tiles');
      this.ctl = W[MAP]!(this.shadowRoot!, box, {
        t: this.t.bind(this),
        tiles: tiles || OSM,
        credit: tiles ? this.getAttribute('tiles-attribution') || '' : '',
        point: (id, on) => this.shadowRoot!.getElementById('e-' + id)?.classList.toggle('on', on),
        go: (id) => this.shadowRoot!.getElementById('h-' + id)?.focus(),
      });
      this.ctl.set(this.pins);
    }, () => box == this.mapBox && box.replaceChildren(h('div', { id: 'map-error', class: 'err', role: 'alert' }, this.t('map_err'),
      h('button', { id: 'map-retry', type: 'button', class: 's', onclick: () => this.openMap() }, this.t('retry')))))
      .finally(() => box.setAttribute('aria-busy', 'false'));
  }
}

define('incroci-directory', Directory);
