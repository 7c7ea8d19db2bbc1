// The training's "Report formazione" tab of <incroci-console>, a chunk of
// its own (console-treports.js) for coordinators and admins: hours of
// training per ambito, role and topic, and enrolments, waiting lists,
// attendance rates and certificates per edition and per course, each as
// SVG bars beside a table, with the CSV downloads. Admins choose the
// whole network or any ambito, coordinators of several ambiti one of
// theirs (as the help desk's reports do, the page's ambito first).

import { h } from './base';
import type { View } from './console';
import { addStyle } from './style';
import { bars, Bar, CHART_CSS, Dict, errP, fld, inp, save, table, tr } from './console-tui';

const D: Dict = {
  it: {
    title: 'Report della formazione',
    year: 'Anno (vuoto: tutti)',
    show: 'Mostra',
    loading: 'Caricamento…',
    retry: 'Riprova',
    empty: 'Nessun dato.',
    hours: 'Ore di formazione',
    h_ambito: 'Ore per ambito',
    h_role: 'Ore per ruolo (chi ha due ruoli conta in entrambi)',
    h_topic: 'Ore per tema (un corso con due temi conta in entrambi)',
    h_lines: 'Ore per ambito, ruolo e tema',
    ambito: 'Ambito',
    role: 'Ruolo',
    topic: 'Tema',
    people: 'Persone',
    h: 'Ore',
    editions: 'Edizioni',
    e_enrolled: 'Iscritti per edizione',
    e_table: 'Edizioni: iscrizioni e presenze',
    c_rate: 'Presenza media per corso',
    c_table: 'Corsi: iscrizioni e presenze',
    course: 'Corso',
    edition: 'Edizione',
    first: 'Primo incontro',
    capacity: 'Posti',
    enrolled: 'Iscritti',
    waiting: 'In lista d’attesa',
    rate: 'Presenza',
    certs: 'Attestati',
    n_ed: 'Edizioni',
    cancelled: 'annullata',
    csv_h: 'Scarica le ore (CSV)',
    csv_e: 'Scarica le edizioni (CSV)',
    csv_c: 'Scarica i corsi (CSV)',
    csv_done: 'Scaricato il file {file}.',
    network: 'rete',
    whole: 'Tutta la rete',
    operator: 'Operatore sociale',
    consultant: 'Consulente legale',
    mediator: 'Mediatore linguistico-culturale',
    trainer: 'Formatore / supervisore',
    editor: 'Redattore del toolkit',
    coordinator: 'Coordinatore d’ambito',
  },
  en: {
    title: 'Training reports',
    year: 'Year (empty: all)',
    show: 'Show',
    loading: 'Loading…',
    retry: 'Try again',
    empty: 'No figures.',
    hours: 'Hours of training',
    h_ambito: 'Hours per district',
    h_role: 'Hours per role (people with two roles count under both)',
    h_topic: 'Hours per topic (a course with two topics counts under both)',
    h_lines: 'Hours per district, role and topic',
    ambito: 'District',
    role: 'Role',
    topic: 'Topic',
    people: 'People',
    h: 'Hours',
    editions: 'Editions',
    e_enrolled: 'Enrolled per edition',
    e_table: 'Editions: enrolment and attendance',
    c_rate: 'Mean attendance per course',
    c_table: 'Courses: enrolment and attendance',
    course: 'Course',
    edition: 'Edition',
    first: 'First meeting',
    capacity: 'Seats',
    enrolled: 'Enrolled',
    waiting: 'Waiting',
    rate: 'Attendance',
    certs: 'Certificates',
    n_ed: 'Editions',
    cancelled: 'cancelled',
    csv_h: 'Download the hours (CSV)',
    csv_e: 'Download the editions (CSV)',
    csv_c: 'Download the courses (CSV)',
    csv_done: 'Downloaded the file {file}.',
    network: 'network',
    whole: 'The whole network',
    operator: 'Social worker',
    consultant: 'Legal consultant',
    mediator: 'Linguistic-cultural mediator',
    trainer: 'Trainer / supervisor',
    editor: 'Toolkit editor',
    coordinator: 'District coordinator',
  },
};

interface HF { ambito: string; role: string; topic: string; people: number; minutes: number; hours: number }
interface HT { ambito: string; people: number; minutes: number; hours: number }
interface EF { edition_id: number; course: string; title: string; ambito: string; first_day: string; cancelled: boolean; capacity: number; enrolled: number; waiting: number; attendance_rate: number | null; certificates: number }
interface CF { course_id: number; course: string; ambito: string; editions: number; capacity: number; enrolled: number; waiting: number; attendance_rate: number | null; certificates: number }
interface Topic { code: string; label_it: string; label_en: string }

interface Amb { slug: string; name: string }

export const treports: View = (w, box, me) => {
  addStyle(w.shadowRoot!, CHART_CSS);
  const t = tr(w, D);
  const fmt = (n: number) => n.toLocaleString(w.ui, { maximumFractionDigits: 1 });
  const pc = (n: number | null) => (n == null ? '—' : fmt(n) + '%');
  const year = inp('tr-year', 'year', 'number', '', { min: 2000, max: 2200 });
  const err = h('p', { id: 'tr-error', class: 'err', role: 'alert', hidden: true });
  const res = h('p', { id: 'tr-result', role: 'status' });
  const out = h('div', { id: 'tr-out' });
  // The ambiti reported on: admins the network ("") and every ambito, coordinators theirs.
  const own = [...new Set((me.roles || []).filter((r) => r.role == 'coordinator').map((r) => r.ambito))];
  const scope = h('select', { id: 'tr-scope', name: 'ambito' }) as HTMLSelectElement;
  const fill = (as: Amb[]) => {
    const v = scope.value || (scope.options.length ? '' : w.ambito);
    scope.replaceChildren(...(me.admin ? [{ slug: '', name: t('whole') }] : []).concat(as).map((a) => h('option', { value: a.slug, selected: a.slug == v }, a.name)));
  };
  const mine = (as: Amb[]) => (me.admin ? as : as.filter((a) => own.includes(a.slug)));
  fill(mine([w.ambito, ...own].filter((a, i, all) => all.indexOf(a) == i).map((a) => ({ slug: a, name: a }))));
  // Their names (without them, the slugs do).
  w.api<Amb[]>('/ambiti').then((r) => fill(mine(r.data || [])), () => {});
  const qs = () => '?ambito=' + encodeURIComponent(scope.value) + (year.value ? '&year=' + year.value : '');
  const dl = (id: string, k: string, path: string) => {
    const b: HTMLElement = h('button', { id, type: 'button', class: 's', onclick: async () => {
      if (!w.busy(b, true)) return;
      const file = `incroci-formazione-${path}-${scope.value || 'rete'}${year.value ? '-' + year.value : ''}.csv`;
      try {
        await save(w, `/training/reports/${path}.csv` + qs(), file);
        res.textContent = t('csv_done', { file });
      } catch (x) {
        res.textContent = w.msg(x);
      } finally {
        w.busy(b, false);
      }
    } }, t(k));
    return b;
  };
  const form: HTMLFormElement = h('form', { id: 'tr-form', class: 'row', novalidate: true, onsubmit: (ev: Event) => {
    ev.preventDefault();
    load();
  } }, (me.admin || own.length > 1) && fld(t('ambito'), scope), fld(t('year'), year), h('button', { id: 'tr-show', type: 'submit', class: 's' }, t('show')));
  box.replaceChildren(h('h2', { id: 'tr-t' }, t('title')), form, err, h('p', { class: 'row' }, dl('tr-csv-h', 'csv_h', 'hours'), dl('tr-csv-e', 'csv_e', 'editions'), dl('tr-csv-c', 'csv_c', 'courses')), res, out);
  let topics: Topic[] = [];
  let seq = 0;

  async function load() {
    const my = ++seq;
    w.clear(form, err);
    out.setAttribute('aria-busy', 'true');
    out.replaceChildren(h('p', null, t('loading')));
    const q = qs();
    // The whole network: each edition and course says its ambito.
    const net = !scope.value;
    try {
      const [hr, er] = await Promise.all([
        w.api<{ lines: HF[]; totals: HT[] }>('/training/reports/hours' + q).then((r) => r.data),
        w.api<{ editions: EF[]; courses: CF[] }>('/training/reports/editions' + q).then((r) => r.data),
        topics.length ? 0 : w.api<Topic[]>('/training/topics').then((r) => (topics = r.data || []), () => {}),
      ]);
      if (my != seq) return;
      const amb = (a: string) => (net ? [h('td', null, a || t('network'))] : []);
      const sum = (k: 'role' | 'topic') => {
        const m = new Map<string, number>();
        for (const l of hr.lines) m.set(l[k], (m.get(l[k]) || 0) + l.minutes);
        return [...m].sort((a, b) => b[1] - a[1]);
      };
      const topic = (c: string) => {
        const x = topics.find((y) => y.code == c);
        return x ? (w.ui == 'en' ? x.label_en : x.label_it) : c;
      };
      const hb = (label: string, min: number): Bar => ({ label, value: min, text: fmt(min / 60) });
      out.replaceChildren(
        h('h3', null, t('hours')),
        bars('tr-amb', t('h_ambito'), hr.totals.map((x) => ({ ...hb(x.ambito || t('network'), x.minutes), text: `${fmt(x.hours)} · ${t('people')}: ${x.people}` })), [t('ambito'), t('h')], t('empty')),
        bars('tr-role', t('h_role'), sum('role').map(([r, m]) => hb(t(r), m)), [t('role'), t('h')], t('empty')),
        bars('tr-topic', t('h_topic'), sum('topic').map(([c, m]) => hb(topic(c), m)), [t('topic'), t('h')], t('empty')),
        table('tr-lines', t('h_lines'), [t('ambito'), t('role'), t('topic'), t('people'), t('h')],
          hr.lines.map((l) => h('tr', null, h('th', { scope: 'row' }, l.ambito), h('td', null, t(l.role)), h('td', null, topic(l.topic)), h('td', null, l.people), h('td', null, fmt(l.hours)))), t('empty')),
        h('h3', null, t('editions')),
        bars('tr-ed', t('e_enrolled'), er.editions.map((e) => ({ label: e.title || e.course, value: e.enrolled, text: `${e.enrolled} / ${e.capacity}` })), [t('edition'), t('enrolled')], t('empty')),
        table('tr-eds', t('e_table'), [t('edition'), t('course'), ...(net ? [t('ambito')] : []), t('first'), t('capacity'), t('enrolled'), t('waiting'), t('rate'), t('certs')],
          er.editions.map((e) => h('tr', { id: 'tr-e-' + e.edition_id }, h('th', { scope: 'row' }, (e.title || e.course) + (e.cancelled ? ' (' + t('cancelled') + ')' : '')),
            h('td', null, e.course), ...amb(e.ambito), h('td', null, e.first_day || '—'), h('td', null, e.capacity), h('td', null, e.enrolled), h('td', null, e.waiting),
            h('td', null, pc(e.attendance_rate)), h('td', null, e.certificates))), t('empty')),
        bars('tr-co', t('c_rate'), er.courses.map((c) => ({ label: c.course, value: c.attendance_rate ?? 0, text: pc(c.attendance_rate) })), [t('course'), t('rate')], t('empty')),
        table('tr-cos', t('c_table'), [t('course'), ...(net ? [t('ambito')] : []), t('n_ed'), t('capacity'), t('enrolled'), t('waiting'), t('rate'), t('certs')],
          er.courses.map((c) => h('tr', { id: 'tr-c-' + c.course_id }, h('th', { scope: 'row' }, c.course), ...amb(c.ambito), h('td', null, c.editions), h('td', null, c.capacity),
            h('td', null, c.enrolled), h('td', null, c.waiting), h('td', null, pc(c.attendance_rate)), h('td', null, c.certificates))), t('empty')));
      w.say(t('hours') + ' · ' + t('editions'));
    } catch (x) {
      if (my != seq) return;
      out.replaceChildren();
      w.fail(form, err, x);
      if (err.hidden) out.replaceChildren();
      else out.replaceChildren(errP(w, x, load, t('retry'))), (err.hidden = true);
    }
    out.setAttribute('aria-busy', 'false');
  }
  load();
  return () => {};
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, treports };
