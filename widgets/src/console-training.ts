// The training's views of <incroci-console>, a chunk of their own
// (console-training.js) that the console loads when one of its tabs first
// opens: "Corsi" for the coordinators of the ambito and admins (the
// ambito's courses: create and edit one, its editions with meetings in
// Italian time, capacity, quotas, enrolment window, cancellation deadline
// and approval; call an edition off) and "Le mie edizioni" for trainers
// (the editions they teach). Both open an edition's enrolments: seats and
// quotas used, the waiting list in order, offers with their deadlines, and
// approve/reject for the coordinators of the enrolee's ambito.
//
// An edition's page calls every function in window.__incrociTrainingEdition1
// (see editionHooks) with the edition and a box of its own: the register
// (console-register.js, which the console loads beside this chunk) and,
// when it lands, the evaluation survey. "Questionari" and "Report
// formazione" are chunks of their own (console-surveys.js,
// console-treports.js).

import { h, Widget } from './base';
import type { View } from './console';
import type { Me } from './session';
import { addStyle } from './style';
import { instantOf, TZ } from './italy';
import { bytes, save } from './download';

type Kid = Node | string | number | false | null | undefined;

const ROLES = ['operator', 'consultant', 'mediator', 'trainer', 'editor', 'coordinator'];
const ST = ['pending', 'confirmed', 'offered', 'waiting', 'cancelled', 'rejected', 'lapsed'];
const PER = 20;

const D: Record<'it' | 'en', Record<string, string>> = {
  it: {
    loading: 'Caricamento…',
    retry: 'Riprova',
    back: '← Torna all’elenco',
    back_c: '← Torna al corso',
    prev: 'Precedente',
    next: 'Successiva',
    page: 'Pagina {p} di {n}',
    pages: 'Pagine dell’elenco',
    confirm: 'Conferma: {what}',
    required: 'Campo obbligatorio.',
    saved: 'Salvato.',
    c_title: 'Corsi dell’ambito',
    c_count: 'Corsi: {n}',
    c_empty: 'Nessun corso: creane uno qui sotto.',
    c_new: 'Nuovo corso',
    c_create: 'Crea il corso',
    c_created: 'Corso creato: {title}.',
    c_edit: 'Modifica il corso',
    c_save: 'Salva il corso',
    title: 'Titolo',
    goals: 'Obiettivi',
    audience: 'Destinatari (nessuno: tutti)',
    topics: 'Temi',
    hours: 'Ore',
    trainers: 'Formatori',
    no_trainers: 'Nessun formatore nell’ambito.',
    materials: 'Materiali: uno per riga, titolo e indirizzo (es. Slide https://…)',
    editions: 'Edizioni',
    e_count: 'Edizioni: {n}',
    e_empty: 'Nessuna edizione.',
    e_new: 'Nuova edizione',
    e_create: 'Crea l’edizione',
    e_created: 'Edizione creata.',
    e_edit: 'Modifica l’edizione',
    e_save: 'Salva l’edizione',
    edition: 'Edizione',
    e_untitled: 'Edizione del {date}',
    first: 'Primo incontro',
    seats: 'Posti',
    seats_of: '{held} di {cap}',
    state: 'Stato',
    open: 'aperta',
    cancelled: 'annullata',
    capacity: 'Posti disponibili',
    enrol_from: 'Iscrizioni dal (ora italiana)',
    enrol_until: 'Iscrizioni fino al (ora italiana)',
    cancel_until: 'Rinuncia possibile fino al (ora italiana; vuoto: inizio del primo incontro)',
    approval: 'L’iscrizione va approvata dal coordinatore dell’ambito di chi si iscrive',
    meetings: 'Incontri (ora italiana)',
    m_n: 'Incontro {n}',
    day: 'Giorno',
    from: 'Dalle',
    to: 'Alle',
    place: 'Luogo',
    video: 'Collegamento video (https://…)',
    m_add: 'Aggiungi un incontro',
    remove: 'Togli',
    quotas: 'Posti riservati',
    q_n: 'Riserva {n}',
    q_add: 'Aggiungi una riserva',
    q_role: 'Ruolo',
    any: 'qualsiasi',
    q_ambito: 'Ambito (vuoto: qualsiasi)',
    q_seats: 'Posti riservati',
    q_used: '{role}, {ambito}: {used} di {seats} occupati',
    e_cancel: 'Annulla l’edizione',
    e_cancelled: 'Edizione annullata: iscritti e lista d’attesa sono stati avvisati.',
    e_is_cancelled: 'Questa edizione è annullata.',
    summary: 'Posti occupati: {held} di {cap} · liberi: {free} · in lista d’attesa: {waiting}',
    window: 'Iscrizioni dal {from} al {until} · rinuncia entro il {cancel}',
    needs_approval: 'Con approvazione del coordinatore',
    enrolments: 'Iscrizioni',
    en_count: 'Iscrizioni: {n}',
    en_empty: 'Nessuna iscrizione.',
    en_filter: 'Quali iscrizioni',
    all: 'tutte',
    show: 'Mostra',
    person: 'Persona',
    ambito: 'Ambito',
    roles: 'Ruoli',
    status: 'Stato',
    detail: 'Dettagli',
    actions: 'Azioni',
    pos: '{n}º in lista d’attesa',
    offer: 'posto offerto fino al {when}',
    approve: 'Approva',
    reject: 'Respingi',
    approve_who: 'Approva {name}',
    reject_who: 'Respingi {name}',
    approved: 'Iscrizione di {name} approvata.',
    rejected: 'Iscrizione di {name} respinta.',
    s_pending: 'da approvare',
    s_confirmed: 'confermata',
    s_offered: 'posto offerto',
    s_waiting: 'in lista d’attesa',
    s_cancelled: 'rinuncia',
    s_rejected: 'respinta',
    s_lapsed: 'offerta scaduta',
    a_title: 'Iscrizioni da approvare',
    a_count: 'Iscrizioni da approvare: {n}',
    a_empty: 'Nessuna iscrizione da approvare.',
    t_title: 'Le mie edizioni',
    t_count: 'Edizioni in cui insegni: {n}',
    t_empty: 'Non insegni in nessuna edizione.',
    course: 'Corso',
    network: 'rete',
    operator: 'Operatore sociale',
    consultant: 'Consulente legale',
    mediator: 'Mediatore linguistico-culturale',
    trainer: 'Formatore / supervisore',
    editor: 'Redattore del toolkit',
    coordinator: 'Coordinatore d’ambito',
    needs: 'Bisogni formativi a cui risponde',
    n_from: 'Dal questionario «{title}»',
    n_survey: 'questionario n. {id}',
    n_none: 'Nessun bisogno ancora: si ricavano dai risultati dei questionari, nella scheda «Questionari».',
    n_linked_none: 'Nessun bisogno collegato a questo corso.',
    n_here: 'coperto da questo corso',
    n_other: 'già coperto da un altro corso',
    n_open: 'non ancora coperto',
    n_fail: 'Il corso è salvato, ma non i bisogni a cui risponde: {msg} Il modulo è com’era: riprova.',
    files: 'File del corso',
    f_count: 'File del corso: {n}',
    f_empty: 'Nessun file: slide, dispense ed esercitazioni caricate qui le scaricano i partecipanti.',
    f_none: 'Nessun file.',
    f_file: 'File',
    f_size: 'Dimensione',
    f_new: 'Aggiungi un file',
    f_title: 'Titolo del file',
    f_pick: 'File (PDF, documenti, fogli di calcolo, presentazioni, testo, immagini PNG o JPEG)',
    f_send: 'Carica il file',
    f_sending: 'Caricamento del file in corso…',
    f_added: 'File aggiunto: {title}.',
    f_dl: 'Scarica',
    f_dl_done: 'Scaricato: {name}',
    f_rm: 'Togli {title}',
    f_removed: 'File tolto: {title}.',
  },
  en: {
    loading: 'Loading…',
    retry: 'Try again',
    back: '← Back to the list',
    back_c: '← Back to the course',
    prev: 'Previous',
    next: 'Next',
    page: 'Page {p} of {n}',
    pages: 'List pages',
    confirm: 'Confirm: {what}',
    required: 'Required field.',
    saved: 'Saved.',
    c_title: 'Courses of the district',
    c_count: 'Courses: {n}',
    c_empty: 'No courses: create one below.',
    c_new: 'New course',
    c_create: 'Create the course',
    c_created: 'Course created: {title}.',
    c_edit: 'Edit the course',
    c_save: 'Save the course',
    title: 'Title',
    goals: 'Goals',
    audience: 'Audience (none: everyone)',
    topics: 'Topics',
    hours: 'Hours',
    trainers: 'Trainers',
    no_trainers: 'No trainers in the district.',
    materials: 'Materials: one a line, title and address (e.g. Slides https://…)',
    editions: 'Editions',
    e_count: 'Editions: {n}',
    e_empty: 'No editions.',
    e_new: 'New edition',
    e_create: 'Create the edition',
    e_created: 'Edition created.',
    e_edit: 'Edit the edition',
    e_save: 'Save the edition',
    edition: 'Edition',
    e_untitled: 'Edition of {date}',
    first: 'First meeting',
    seats: 'Seats',
    seats_of: '{held} of {cap}',
    state: 'State',
    open: 'open',
    cancelled: 'cancelled',
    capacity: 'Seats',
    enrol_from: 'Enrolment from (Italian time)',
    enrol_until: 'Enrolment until (Italian time)',
    cancel_until: 'Seats may be given up until (Italian time; empty: start of the first meeting)',
    approval: 'Enrolments need the approval of the enrolee’s district coordinator',
    meetings: 'Meetings (Italian time)',
    m_n: 'Meeting {n}',
    day: 'Day',
    from: 'From',
    to: 'To',
    place: 'Place',
    video: 'Video link (https://…)',
    m_add: 'Add a meeting',
    remove: 'Remove',
    quotas: 'Reserved seats',
    q_n: 'Quota {n}',
    q_add: 'Add a quota',
    q_role: 'Role',
    any: 'any',
    q_ambito: 'District (empty: any)',
    q_seats: 'Seats reserved',
    q_used: '{role}, {ambito}: {used} of {seats} taken',
    e_cancel: 'Cancel the edition',
    e_cancelled: 'Edition cancelled: everyone enrolled or waiting was told.',
    e_is_cancelled: 'This edition is cancelled.',
    summary: 'Seats taken: {held} of {cap} · free: {free} · waiting list: {waiting}',
    window: 'Enrolment from {from} to {until} · give up by {cancel}',
    needs_approval: 'Needs the coordinator’s approval',
    enrolments: 'Enrolments',
    en_count: 'Enrolments: {n}',
    en_empty: 'No enrolments.',
    en_filter: 'Which enrolments',
    all: 'all',
    show: 'Show',
    person: 'Person',
    ambito: 'District',
    roles: 'Roles',
    status: 'Status',
    detail: 'Details',
    actions: 'Actions',
    pos: 'number {n} on the waiting list',
    offer: 'seat offered until {when}',
    approve: 'Approve',
    reject: 'Reject',
    approve_who: 'Approve {name}',
    reject_who: 'Reject {name}',
    approved: 'Enrolment of {name} approved.',
    rejected: 'Enrolment of {name} rejected.',
    s_pending: 'to approve',
    s_confirmed: 'confirmed',
    s_offered: 'seat offered',
    s_waiting: 'waiting',
    s_cancelled: 'given up',
    s_rejected: 'rejected',
    s_lapsed: 'offer lapsed',
    a_title: 'Enrolments to approve',
    a_count: 'Enrolments to approve: {n}',
    a_empty: 'No enrolments to approve.',
    t_title: 'My editions',
    t_count: 'Editions you teach: {n}',
    t_empty: 'You teach no editions.',
    course: 'Course',
    network: 'network',
    operator: 'Social worker',
    consultant: 'Legal consultant',
    mediator: 'Linguistic-cultural mediator',
    trainer: 'Trainer / supervisor',
    editor: 'Toolkit editor',
    coordinator: 'District coordinator',
    needs: 'Training needs it answers',
    n_from: 'From the survey “{title}”',
    n_survey: 'survey no. {id}',
    n_none: 'No needs yet: they are made from the needs surveys’ results, in the “Surveys” tab.',
    n_linked_none: 'No needs linked to this course.',
    n_here: 'covered by this course',
    n_other: 'already covered by another course',
    n_open: 'not covered yet',
    n_fail: 'The course is saved, but not the needs it answers: {msg} The form is as it was: try again.',
    files: 'Files of the course',
    f_count: 'Files of the course: {n}',
    f_empty: 'No files: the slides, handouts and exercises uploaded here are downloaded by the participants.',
    f_none: 'No files.',
    f_file: 'File',
    f_size: 'Size',
    f_new: 'Add a file',
    f_title: 'Title of the file',
    f_pick: 'File (PDF, documents, spreadsheets, presentations, text, PNG or JPEG images)',
    f_send: 'Upload the file',
    f_sending: 'Uploading the file…',
    f_added: 'File added: {title}.',
    f_dl: 'Download',
    f_dl_done: 'Downloaded: {name}',
    f_rm: 'Remove {title}',
    f_removed: 'File removed: {title}.',
  },
};

const CSS = `fieldset{border:1px solid var(--_l);border-radius:var(--_r);margin:0 0 1em;padding:.5em .75em}
legend{font-weight:600}
.mt{display:flex;flex-wrap:wrap;gap:0 1em;align-items:flex-end}
.ck{display:flex;align-items:center;font-weight:400}
summary{cursor:pointer;color:var(--_p);margin:0 0 .5em}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .5em;font-size:.875em}
.ck .b{margin-inline-start:.5em}
th button.l{text-align:start}`;

interface Material { title: string; url?: string; sheet_id?: number }
interface Course {
  id: number; ambito: string; title: string; goals: string; audience: string[]; topics: string[]; hours: number;
  trainer_ids: number[]; materials: Material[]; editions?: Edition[]; files?: CFile[];
}
/** CFile is a file of a course (slides, handouts, exercises). */
interface CFile { id: number; title: string; name: string; content_type: string; size: number; created_at: string }
interface Meeting { id?: number; start: string; end: string; place: string; video_url: string }
interface Quota { id?: number; role: string; ambito: string; seats: number }
interface Edition {
  id: number; course_id: number; ambito: string; title: string; capacity: number; enrol_from: string; enrol_until: string; cancel_until: string;
  approval: boolean; threshold: number; trainer_ids: number[]; cancelled: boolean; meetings: Meeting[]; quotas: Quota[];
  seats: { held: number; free: number; waiting: number; quotas: Record<string, number> };
  /** course is the edition's course, as GET /training/editions/:id gives it. */
  course?: Course;
}
interface Enrolment {
  id: number; person_id: number; ambito: string; roles: string[]; status: string; position: number; offered_until: string | null; name?: string; email?: string;
}
interface Person { id: number; name: string; email: string }
interface Need { id: number; survey_id: number; label: string; covered: boolean }
interface Topic { code: string; label_it: string; label_en: string }

/** EditionHook draws a part of an edition's page (the register, the evaluation) into box. */
export type EditionHook = (w: Widget, box: HTMLElement, e: Edition, me: Me) => void;
/** HOOKS is the window property where later chunks add their EditionHooks. */
const HOOKS = '__incrociTrainingEdition1';
const editionHooks = () => ((window as any)[HOOKS] || []) as EditionHook[];

type T = (k: string, v?: Record<string, string | number>) => string;
const tr = (w: Widget): T => (k, v) => {
  let s = D[w.ui][k] ?? k;
  for (const n in v) s = s.split('{' + n + '}').join(String(v[n]));
  return s;
};

/** when formats an instant in Italian time in the UI language. */
const when = (w: Widget, s: string) => (s ? new Date(s).toLocaleString(w.ui, { dateStyle: 'short', timeStyle: 'short', timeZone: TZ }) : '—');
const day = (w: Widget, s: string) => new Date(s).toLocaleDateString(w.ui, { dateStyle: 'medium', timeZone: TZ });
const hm = (w: Widget, s: string) => new Date(s).toLocaleTimeString(w.ui, { timeStyle: 'short', timeZone: TZ });

/**
 * rfc turns a datetime-local value read as Italian time into RFC 3339 with
 * Italy's offset on that day (what the API asks for); "" when incomplete.
 */
function rfc(v: string): string {
  const ms = instantOf(v);
  if (isNaN(ms)) return '';
  const m = Math.round((Date.UTC(+v.slice(0, 4), +v.slice(5, 7) - 1, +v.slice(8, 10), +v.slice(11, 13), +v.slice(14, 16)) - ms) / 6e4);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.slice(0, 16)}:00${m < 0 ? '-' : '+'}${p(Math.abs(m) / 60 | 0)}:${p(Math.abs(m) % 60)}`;
}
/** local is the datetime-local value of an instant the API gave in Italian time. */
const local = (s: string) => (s ? s.slice(0, 16) : '');

/** fld wraps a control with its label and error paragraph (id "<id>-err"). */
function fld(lab: string, el: HTMLElement): HTMLElement {
  el.setAttribute('aria-describedby', el.id + '-err');
  return h('div', { class: 'f' }, h('label', { for: el.id }, lab), el, h('p', { id: el.id + '-err', class: 'fe', hidden: true }));
}
const inp = (id: string, name: string, type: string, value: unknown = '', a: Record<string, unknown> = {}) => h('input', { id, name, type, value, ...a });
const sel = (id: string, name: string, opts: string[][], v = '') =>
  h('select', { id, name }, ...opts.map(([o, l]) => h('option', { value: o, selected: o == v }, l)));
/** group is a fieldset whose errors (API field name) show in its own paragraph. */
const group = (id: string, field: string, legend: string, ...kids: Kid[]) =>
  h('fieldset', { id, 'data-field': field, 'aria-describedby': id + '-err' }, h('legend', null, legend), ...kids, h('p', { id: id + '-err', class: 'fe', hidden: true }));
const ck = (id: string, name: string, value: string, lab: string, on = false) =>
  h('label', { class: 'ck', for: id }, h('input', { type: 'checkbox', id, name, value, checked: on }), lab);
const errP = (w: Widget, e: unknown, retry: () => void) =>
  h('p', { class: 'err', role: 'alert' }, w.msg(e), h('button', { type: 'button', class: 's', onclick: retry }, tr(w)('retry')));

/** sure is a button that acts on the second press: the first one asks. */
function sure(w: Widget, id: string, label: string, act: (b: HTMLElement) => void, cls: string | null = 's'): HTMLElement {
  let armed = false;
  const b: HTMLElement = h('button', { id, type: 'button', class: cls, onclick: () => {
    if (!armed) {
      armed = true;
      b.textContent = tr(w)('confirm', { what: label });
      return w.say(b.textContent);
    }
    act(b);
  }, onblur: () => {
    armed = false;
    b.textContent = label;
  } }, label);
  return b;
}

/** paged draws into out a paged table from path: head are its column titles, row a row's cells. */
function paged<R>(w: Widget, id: string, out: HTMLElement, path: () => string, head: string[], row: (r: R) => HTMLElement, count: string, empty: string) {
  const t = tr(w);
  let seq = 0;
  let page = 1;
  const info = h('span');
  const mk = (d: number, k: string) => {
    const b: HTMLElement = h('button', { id: id + '-' + k, type: 'button', class: 's', onclick: () => {
      if (b.getAttribute('aria-disabled') == 'true') return;
      page += d;
      load();
    } }, t(k));
    return b;
  };
  const prev = mk(-1, 'prev');
  const next = mk(1, 'next');
  const nav = h('nav', { 'aria-label': t('pages'), class: 'row', hidden: true }, prev, info, next);
  const body = h('div', { 'aria-busy': 'true' }, h('p', null, t('loading')));
  out.replaceChildren(body, nav);
  async function load() {
    const my = ++seq;
    body.setAttribute('aria-busy', 'true');
    try {
      const p = path();
      const r = await w.api<R[]>(p + (p.includes('?') ? '&' : '?') + `page=${page}&per_page=${PER}`);
      if (my != seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      body.replaceChildren(table(id, t(count, { n: total }), head, rows.map(row), t(empty)));
      const n = Math.max(1, Math.ceil(total / PER));
      info.textContent = t('page', { p: page, n });
      prev.setAttribute('aria-disabled', String(page <= 1));
      next.setAttribute('aria-disabled', String(page >= n));
      nav.hidden = n < 2 && page < 2;
      w.say(t(count, { n: total }));
    } catch (e) {
      if (my == seq) body.replaceChildren(errP(w, e, load));
    }
    body.setAttribute('aria-busy', 'false');
  }
  return (first = true) => {
    if (first) page = 1;
    return load();
  };
}

/** table is a table with a caption, a head row and rows (or one saying empty). */
const table = (id: string, caption: string, head: string[], rows: HTMLElement[], empty: string) =>
  h('div', { class: 'x' }, h('table', { id }, h('caption', null, caption),
    h('thead', null, h('tr', null, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, ...(rows.length ? rows : [h('tr', null, h('td', { id: id + '-empty', colspan: head.length }, empty))]))));

const isCoord = (me: Me, a: string) => me.admin || (me.roles || []).some((r) => r.role == 'coordinator' && r.ambito == a);

/** edName names an edition: its title, or the day of its first meeting. */
const edName = (w: Widget, e: Edition) => e.title || (e.meetings[0] ? tr(w)('e_untitled', { date: day(w, e.meetings[0].start) }) : tr(w)('edition') + ' ' + e.id);

/** Nav is how an edition's page goes back; files shows its course's files there (when not reached from the course's page). */
interface Nav { label: string; go: () => void; files?: boolean }

/**
 * filesOf is the "File del corso" section of course c: its files fs (read
 * when not given), each downloaded with the session's token; for whoever
 * manages the course (as its page) or teaches it (trainer_ids, as the API
 * decides), a remove button (a second press confirms; leaving it disarms)
 * and the upload form, which stays as it was when the API refuses the
 * file, its message beside the form.
 */
function filesOf(w: Widget, me: Me, c: Course, fs?: CFile[]): HTMLElement {
  const t = tr(w);
  const manage = (isCoord(me, c.ambito) && (c.ambito != '' || !!me.admin)) || (c.trainer_ids || []).includes(me.id);
  const base = `/training/courses/${c.id}/files`;
  const title = h('h3', { id: 'cf-t', tabindex: -1 }, t('files'));
  const list = h('div', { id: 'cf-list' });
  const note = h('p', { id: 'cf-err', class: 'err', role: 'alert', hidden: true });
  const fail = (e: unknown) => {
    note.textContent = w.msg(e);
    note.hidden = false;
  };
  const draw = (fs: CFile[]) => list.replaceChildren(fs.length ? table('cf-table', t('f_count', { n: fs.length }), [t('title'), t('f_file'), t('f_size'), t('actions')], fs.map((f) => {
    const dl: HTMLElement = h('button', { id: 'cf-dl-' + f.id, type: 'button', class: 's', onclick: async () => {
      if (!w.busy(dl, true)) return;
      note.hidden = true;
      try {
        await save(w, `${base}/${f.id}`, f.name);
        w.say(t('f_dl_done', { name: f.name }));
      } catch (e) {
        fail(e);
      } finally {
        w.busy(dl, false);
      }
    } }, t('f_dl'), h('span', { class: 'sr' }, ': ' + f.title));
    const rm = manage && sure(w, 'cf-rm-' + f.id, t('f_rm', { title: f.title }), async (b) => {
      if (!w.busy(b, true)) return;
      note.hidden = true;
      try {
        await w.api(`${base}/${f.id}`, { method: 'DELETE' });
        load(t('f_removed', { title: f.title }));
      } catch (e) {
        w.busy(b, false);
        fail(e);
      }
    });
    return h('tr', { id: 'cf-' + f.id }, h('th', { scope: 'row' }, f.title), h('td', null, h('bdi', null, f.name)), h('td', null, bytes(w, f.size)),
      h('td', null, h('div', { class: 'row' }, dl, rm)));
  }), t('f_none')) : h('p', { id: 'cf-empty', class: 'note' }, t(manage ? 'f_empty' : 'f_none')));
  /** load reads the files again; said, when given, is announced and the section's title takes the focus. */
  const load = async (said = '') => {
    list.setAttribute('aria-busy', 'true');
    try {
      draw((await w.api<CFile[]>(base)).data || []);
      if (said) {
        w.say(said);
        title.focus();
      }
    } catch (e) {
      list.replaceChildren(errP(w, e, () => load(said)));
    }
    list.setAttribute('aria-busy', 'false');
  };
  if (fs) draw(fs);
  else load();
  if (!manage) return h('section', { id: 'cf', 'aria-labelledby': 'cf-t' }, title, list, note);
  const err = h('p', { id: 'cf-error', class: 'err', role: 'alert', hidden: true });
  const btn = h('button', { id: 'cf-send', type: 'submit' }, t('f_send'));
  const ti = inp('cf-title', 'title', 'text', '', { maxlength: 200, autocomplete: 'off' });
  const fi = inp('cf-file', 'file', 'file');
  const form: HTMLFormElement = h('form', { id: 'cf-form', novalidate: true, 'aria-labelledby': 'cf-new', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    w.clear(form, err);
    const file = fi.files?.[0];
    if (!file) w.bad(fi, t('required'));
    if (!ti.value.trim()) return w.bad(ti, t('required')).focus();
    if (!file) return fi.focus();
    if (!w.busy(btn, true)) return;
    const fd = new FormData();
    fd.append('title', ti.value.trim());
    fd.append('file', file);
    form.setAttribute('aria-busy', 'true');
    btn.textContent = t('f_sending');
    w.say(t('f_sending'));
    try {
      // A large file on a slow line takes longer than the API's usual answer.
      const r = await w.api<CFile>(base, { method: 'POST', body: fd, timeout: 12e4 });
      form.reset();
      await load();
      w.say(t('f_added', { title: r.data.title }));
      ti.focus();
    } catch (e) {
      w.say('');
      w.fail(form, err, e);
    } finally {
      w.busy(btn, false);
      btn.textContent = t('f_send');
      form.setAttribute('aria-busy', 'false');
    }
  } }, h('h4', { id: 'cf-new' }, t('f_new')), fld(t('f_title'), ti), fld(t('f_pick'), fi), err, btn);
  return h('section', { id: 'cf', 'aria-labelledby': 'cf-t' }, title, list, note, form);
}

/**
 * edition draws an edition's page into box: meetings, seats and quotas
 * used, enrolments (paged, filtered by status) with approve/reject, cancel
 * (for its managers), then the hooks of later chunks.
 */
async function edition(w: Widget, box: HTMLElement, me: Me, id: number, back: Nav, edit?: (e: Edition) => void, said = '') {
  const t = tr(w);
  const bk = h('button', { id: 'ed-back', type: 'button', class: 'l', onclick: back.go }, back.label);
  box.replaceChildren(bk, h('p', { 'aria-busy': 'true' }, t('loading')));
  let e: Edition;
  let fs: CFile[] | undefined;
  try {
    e = (await w.api<Edition>('/training/editions/' + id)).data;
    // Its course's files are read before drawing, so that nothing moves once drawn.
    if (back.files && e.course) fs = (await w.api<CFile[]>(`/training/courses/${e.course_id}/files`)).data || [];
  } catch (err) {
    return box.replaceChildren(bk, errP(w, err, () => edition(w, box, me, id, back, edit)));
  }
  if (!box.isConnected) return;
  const manage = isCoord(me, e.ambito) && (e.ambito != '' || me.admin);
  const title = h('h2', { id: 'ed-t', tabindex: -1 }, edName(w, e));
  const rl = (r: string) => (r ? t(r) : t('any'));
  const quotas = e.quotas.map((q) => h('li', null, t('q_used', { role: rl(q.role), ambito: q.ambito || t('any'), used: e.seats.quotas?.[String(q.id)] ?? 0, seats: q.seats })));
  const cancel = manage && !e.cancelled && sure(w, 'ed-cancel', t('e_cancel'), async (b) => {
    if (!w.busy(b, true)) return;
    try {
      await w.api('/training/editions/' + id + '/cancel', { method: 'POST' });
      edition(w, box, me, id, back, edit, t('e_cancelled'));
    } catch (err) {
      w.busy(b, false);
      w.say(w.msg(err));
    }
  });
  const filter = sel('en-status', 'status', [['', t('all')], ...ST.map((s) => [s, t('s_' + s)])]);
  const out = h('div');
  const name = (en: Enrolment) => en.name || en.email || '#' + en.person_id;
  const step = (en: Enrolment, k: 'approve' | 'reject') => sure(w, `en-${k}-${en.id}`, t(k + '_who', { name: name(en) }), async (b) => {
    if (!w.busy(b, true)) return;
    try {
      await w.api(`/training/enrolments/${en.id}/${k}`, { method: 'POST' });
      edition(w, box, me, id, back, edit, t(k == 'approve' ? 'approved' : 'rejected', { name: name(en) }));
    } catch (err) {
      w.busy(b, false);
      w.say(w.msg(err));
    }
  }, k == 'approve' ? null : 's');
  const go = paged<Enrolment>(w, 'en-table', out, () => `/training/editions/${id}/enrolments` + (filter.value ? '?status=' + filter.value : ''),
    [t('person'), t('ambito'), t('roles'), t('status'), t('detail'), t('actions')], (en) => h('tr', { id: 'en-' + en.id },
      h('th', { scope: 'row' }, name(en), en.email && en.name ? h('br') : '', en.name ? en.email || '' : ''),
      h('td', null, en.ambito), h('td', null, (en.roles || []).map((r) => t(r)).join(', ')),
      h('td', null, h('span', { class: 'b' }, t('s_' + en.status))),
      h('td', null, en.status == 'waiting' ? t('pos', { n: en.position }) : en.status == 'offered' && en.offered_until ? t('offer', { when: when(w, en.offered_until) }) : ''),
      h('td', null, en.status == 'pending' && isCoord(me, en.ambito) && h('div', { class: 'row' }, step(en, 'approve'), step(en, 'reject')))),
    'en_count', 'en_empty');
  const hooks = h('div', { id: 'ed-hooks' });
  // The enrolments' first page is read before drawing: the register below
  // them would move under a press if they came after.
  await go();
  if (!box.isConnected) return;
  box.replaceChildren(bk, title,
    e.cancelled ? h('p', { id: 'ed-cancelled', class: 'err' }, t('e_is_cancelled')) : '',
    said ? h('p', { id: 'ed-result', class: 'note', role: 'status' }, said) : '',
    h('p', { id: 'ed-seats' }, t('summary', { held: e.seats.held, cap: e.capacity, free: e.seats.free, waiting: e.seats.waiting })),
    quotas.length ? h('ul', { id: 'ed-quotas' }, ...quotas) : '',
    h('p', { id: 'ed-window' }, t('window', { from: when(w, e.enrol_from), until: when(w, e.enrol_until), cancel: when(w, e.cancel_until) }), e.approval && ' · ' + t('needs_approval')),
    h('ul', { id: 'ed-meetings' }, ...e.meetings.map((m) => h('li', null, `${day(w, m.start)}, ${hm(w, m.start)}–${hm(w, m.end)} · `,
      m.place || '', m.place && m.video_url ? ' · ' : '', m.video_url ? h('a', { href: m.video_url, rel: 'noopener noreferrer', target: '_blank' }, m.video_url) : ''))),
    h('div', { class: 'row' }, manage && edit && !e.cancelled && h('button', { id: 'ed-edit', type: 'button', class: 's', onclick: () => edit(e) }, t('e_edit')), cancel),
    h('h3', null, t('enrolments')),
    h('form', { class: 'row', onsubmit: (ev: Event) => { ev.preventDefault(); go(); } }, fld(t('en_filter'), filter), h('button', { id: 'en-show', type: 'submit', class: 's' }, t('show'))),
    out, hooks, back.files && e.course ? filesOf(w, me, e.course, fs) : '');
  // HOOK: the register and the evaluation draw their parts here.
  for (const f of editionHooks()) f(w, hooks.appendChild(h('section')), e, me);
  title.focus();
  if (said) w.say(said);
}

/** courses is the "Corsi" tab: the ambito's courses, one course with its editions, an edition. */
export const courses: View = (w, box, me) => {
  addStyle(w.shadowRoot!, CSS);
  const t = tr(w);
  let topics: Topic[] = [];
  let trainers: Person[] = [];
  let ready: Promise<unknown> | undefined;
  // The topics and the ambito's trainers the course form offers, once.
  const extras = () => (ready ||= Promise.all([
    w.api<Topic[]>('/training/topics').then((r) => (topics = r.data || []), () => {}),
    w.api<Person[]>(`/ambiti/${encodeURIComponent(w.ambito)}/people?role=trainer&per_page=100`).then((r) => (trainers = r.data || []), () => {}),
  ]));
  // The titles of the needs surveys, by id, once (when they fail, needs name their survey by its number).
  let names: Promise<Record<number, string>> | undefined;
  const titles = () => (names ||= every<{ id: number; title: string }>(w, '/training/surveys').then((ss) => Object.fromEntries(ss.map((x) => [x.id, x.title])), () => {
    names = undefined;
    return {};
  }));
  const survey = (ti: Record<number, string>, id: number) => ti[id] || t('n_survey', { id });
  const linkedOf = (id: number) => w.api<Need[]>(`/training/courses/${id}/needs`).then((r) => r.data || []);

  // at counts the views drawn: one that waited for the API draws only if
  // no other was asked for meanwhile.
  let at = 0;

  async function home(focus = false, said = '') {
    const my = ++at;
    const title = h('h2', { id: 'co-t', tabindex: -1 }, t('c_title'));
    const out = h('div');
    const go = paged<Course>(w, 'co-table', out, () => '/training/courses?ambito=' + encodeURIComponent(w.ambito), [t('title'), t('hours'), t('audience')],
      (c) => h('tr', { id: 'co-' + c.id }, h('th', { scope: 'row' }, h('button', { id: 'co-open-' + c.id, type: 'button', class: 'l', onclick: () => course(c.id) }, c.title)),
        h('td', null, c.hours), h('td', null, (c.audience || []).map((r) => t(r)).join(', ') || '—')), 'c_count', 'c_empty');
    const form = h('div', { 'aria-busy': 'true' });
    const det = h('details', { id: 'cn-box' }, h('summary', null, t('c_new')), form);
    extras().then(() => form.replaceChildren(courseForm('cn', undefined, (c) => home(true, t('c_created', { title: c.title })))));
    // The list's first page is read before drawing: the new course's form
    // below it would move under a press if it came after.
    if (!said) box.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    await go();
    if (my != at || !box.isConnected) return;
    box.replaceChildren(title, said ? h('p', { id: 'co-result', class: 'note', role: 'status' }, said) : '', out, det);
    if (focus) title.focus();
    if (said) w.say(said);
  }

  /**
   * needPick is the course form's choice of the needs course c (or a new
   * one) answers: the needs of its ambito, grouped by their survey, each
   * saying whether a course covers it. ids is null until they are loaded
   * (then saving leaves the links as they are).
   */
  function needPick(p: string, c: Course | undefined) {
    const body = h('div', { 'aria-busy': 'true' });
    let before: number[] | null = null;
    const load = async () => {
      before = null;
      body.setAttribute('aria-busy', 'true');
      body.replaceChildren(h('p', null, t('loading')));
      try {
        const amb = c ? c.ambito : w.ambito;
        const [ns, ti, mine] = await Promise.all([every<Need>(w, '/training/needs' + (amb ? '?ambito=' + encodeURIComponent(amb) : '')), titles(), c ? linkedOf(c.id) : []]);
        const on = mine.map((n) => n.id);
        // Needs of other ambiti the course answers are offered too, ticked: saving keeps them.
        const all = ns.concat(mine.filter((m) => !ns.some((n) => n.id == m.id)));
        // The newest survey first, its needs in their order.
        const by = new Map<number, Need[]>();
        for (const n of all) by.set(n.survey_id, [...(by.get(n.survey_id) || []), n]);
        for (const l of by.values()) l.sort((a, b) => a.id - b.id);
        body.replaceChildren(...(all.length ? [...by].map(([sid, list]) => h('fieldset', { id: `${p}-sv-${sid}` }, h('legend', null, t('n_from', { title: survey(ti, sid) })),
          ...list.map((n) => {
            const id = `${p}-need-${n.id}`;
            return h('label', { class: 'ck', for: id }, h('input', { type: 'checkbox', id, name: 'need', value: n.id, checked: on.includes(n.id) }), n.label, ' ',
              h('span', { class: 'b' }, t(on.includes(n.id) ? 'n_here' : n.covered ? 'n_other' : 'n_open')));
          }))) : [h('p', { id: p + '-needs-none', class: 'note' }, t('n_none'))]));
        before = on;
      } catch (e) {
        body.replaceChildren(errP(w, e, load));
      }
      body.setAttribute('aria-busy', 'false');
    };
    load();
    return {
      el: group(p + '-needs', 'need_ids', t('needs'), body),
      /** ids are the needs ticked, null while they are not loaded. */
      ids: () => before && [...body.querySelectorAll<HTMLInputElement>('[name=need]:checked')].map((x) => +x.value),
      /** changed says whether ids differ from the links saved. */
      changed: (ids: number[]) => String([...ids].sort()) != String([...(before || [])].sort()),
      saved: (ids: number[]) => (before = ids),
    };
  }

  /**
   * courseForm writes a course: a new one (POST) or c (PUT), then the needs
   * it answers (PUT); done gets the saved course. When the needs fail the
   * course is saved: the form stays as it was and saves again (a PUT).
   */
  function courseForm(p: string, c: Course | undefined, done: (c: Course) => void): HTMLFormElement {
    const err = h('p', { id: p + '-error', class: 'err', role: 'alert', hidden: true });
    const pick = needPick(p, c);
    let cur = c;
    const btn = h('button', { id: p + '-save', type: 'submit' }, t(c ? 'c_save' : 'c_create'));
    const goals = h('textarea', { id: p + '-goals', name: 'goals', rows: 3, maxlength: 5000 });
    goals.value = c?.goals || '';
    const mats = h('textarea', { id: p + '-materials', name: 'materials', rows: 3 });
    mats.value = (c?.materials || []).filter((m) => m.url).map((m) => m.title + ' ' + m.url).join('\n');
    const boxes = (name: string, items: string[][], on: string[]) =>
      h('div', { class: 'roles' }, ...items.map(([v, l]) => ck(`${p}-${name}-${v}`, name, v, l, on.includes(v))));
    const form: HTMLFormElement = h('form', { id: p, novalidate: true, onsubmit: async (ev: Event) => {
      ev.preventDefault();
      w.clear(form, err);
      const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
      const all = (n: string) => [...form.querySelectorAll<HTMLInputElement>(`[name=${n}]:checked`)].map((x) => x.value);
      const body = {
        ambito: cur ? cur.ambito : w.ambito, title: v('title'), goals: goals.value.trim(), hours: +v('hours') || 0,
        audience: all('audience'), topics: all('topics'), trainer_ids: all('trainer').map(Number),
        // A line is a title and an address; the address is its last word.
        materials: mats.value.split('\n').map((l) => l.trim()).filter((l) => l).map((l) => {
          const i = l.lastIndexOf(' ');
          return i < 0 ? { title: l, url: l } : { title: l.slice(0, i).trim(), url: l.slice(i + 1) };
        }).concat((c?.materials || []).filter((m) => !m.url)),
      };
      const ids = pick.ids();
      if (!w.busy(btn, true)) return;
      let saved = false;
      try {
        cur = (await w.api<Course>('/training/courses' + (cur ? '/' + cur.id : ''), { method: cur ? 'PUT' : 'POST', body })).data;
        saved = true;
        if (ids && pick.changed(ids)) {
          await w.api(`/training/courses/${cur.id}/needs`, { method: 'PUT', body: { need_ids: ids } });
          pick.saved(ids);
        }
        done(cur);
      } catch (e) {
        if (!saved) w.fail(form, err, e);
        else {
          err.replaceChildren(t('n_fail', { msg: w.msg(e) }), ' ', h('button', { id: p + '-retry', type: 'button', class: 's', onclick: () => form.requestSubmit() }, t('retry')));
          err.hidden = false;
        }
      } finally {
        w.busy(btn, false);
      }
    } },
      fld(t('title'), inp(p + '-title', 'title', 'text', c?.title, { maxlength: 200 })),
      fld(t('goals'), goals),
      fld(t('hours'), inp(p + '-hours', 'hours', 'number', c?.hours ?? '', { min: 0.5, step: 0.5 })),
      group(p + '-audience', 'audience', t('audience'), boxes('audience', ROLES.map((r) => [r, t(r)]), c?.audience || [])),
      group(p + '-topics', 'topics', t('topics'), boxes('topics', topics.map((x) => [x.code, w.ui == 'en' ? x.label_en : x.label_it]), c?.topics || [])),
      group(p + '-trainers', 'trainer_ids', t('trainers'), trainers.length ? boxes('trainer', trainers.map((x) => [String(x.id), x.name || x.email]), (c?.trainer_ids || []).map(String))
        : h('p', { class: 'note' }, t('no_trainers'))),
      pick.el, fld(t('materials'), mats), err, btn);
    return form;
  }

  async function course(id: number, said = '') {
    const my = ++at;
    const back = h('button', { id: 'co-back', type: 'button', class: 'l', onclick: () => home(true) }, t('back'));
    if (!said) box.replaceChildren(back, h('p', { 'aria-busy': 'true' }, t('loading')));
    let c: Course;
    // The needs it answers load beside it, so that the page does not move once drawn (a failure shows in its place).
    const first = Promise.all([linkedOf(id), titles()]);
    try {
      [c] = await Promise.all([w.api<Course>('/training/courses/' + id).then((r) => r.data), extras(), first.catch(() => 0)]);
    } catch (e) {
      if (my == at) box.replaceChildren(back, errP(w, e, () => course(id)));
      return;
    }
    if (my != at || !box.isConnected) return;
    const title = h('h2', { id: 'cv-t', tabindex: -1 }, c.title);
    const eds = c.editions || [];
    // The needs it answers.
    const nl = h('div', { id: 'cv-needs', 'aria-busy': 'true' }, h('p', null, t('loading')));
    const needs = async (p = Promise.all([linkedOf(id), titles()])) => {
      nl.setAttribute('aria-busy', 'true');
      try {
        const [ns, ti] = await p;
        nl.replaceChildren(ns.length ? h('ul', null, ...ns.map((n) => h('li', { id: 'cv-need-' + n.id }, n.label, ' · ', t('n_from', { title: survey(ti, n.survey_id) }))))
          : h('p', { id: 'cv-needs-none', class: 'note' }, t('n_linked_none')));
      } catch (e) {
        nl.replaceChildren(errP(w, e, () => needs()));
      }
      nl.setAttribute('aria-busy', 'false');
    };
    needs(first);
    const open = (e: Edition) => edition(w, box, me, e.id, { label: t('back_c'), go: () => course(id) }, (x) => editionForm(c, x));
    box.replaceChildren(back, title,
      said ? h('p', { id: 'cv-result', class: 'note', role: 'status' }, said) : '',
      h('h3', null, t('needs')), nl,
      h('h3', null, t('editions')),
      table('ed-table', t('e_count', { n: eds.length }), [t('edition'), t('first'), t('seats'), t('state')], eds.map((e) => h('tr', { id: 'ed-' + e.id },
        h('th', { scope: 'row' }, h('button', { id: 'ed-open-' + e.id, type: 'button', class: 'l', onclick: () => open(e) }, edName(w, e))),
        h('td', null, e.meetings[0] ? when(w, e.meetings[0].start) : '—'),
        h('td', null, t('seats_of', { held: e.seats.held, cap: e.capacity }) + (e.seats.waiting ? ' · ' + t('s_waiting') + ': ' + e.seats.waiting : '')),
        h('td', null, t(e.cancelled ? 'cancelled' : 'open')))), t('e_empty')),
      filesOf(w, me, c, c.files || []),
      h('details', { id: 'en-box' }, h('summary', null, t('e_new')), editionFormEl(c)),
      h('details', { id: 'ce-box' }, h('summary', null, t('c_edit')), courseForm('ce', c, () => course(id, t('saved')))));
    title.focus();
    if (said) w.say(said);
  }

  /** editionForm shows the form of edition e of course c on a page of its own. */
  function editionForm(c: Course, e: Edition) {
    const back = h('button', { id: 'ef-back', type: 'button', class: 'l', onclick: () => course(c.id) }, t('back_c'));
    const title = h('h2', { id: 'ef-t', tabindex: -1 }, t('e_edit') + ': ' + edName(w, e));
    box.replaceChildren(back, title, editionFormEl(c, e));
    title.focus();
  }

  /** editionFormEl writes an edition of c: a new one (POST) or e (PUT). */
  function editionFormEl(c: Course, e?: Edition): HTMLFormElement {
    const p = e ? 'ee' : 'ne';
    const err = h('p', { id: p + '-error', class: 'err', role: 'alert', hidden: true });
    const btn = h('button', { id: p + '-save', type: 'submit' }, t(e ? 'e_save' : 'e_create'));
    let n = 0;
    const meetings = h('div');
    const quotas = h('div');
    const meeting = (m?: Meeting) => {
      const i = ++n;
      const q = `${p}-m${i}`;
      const row: HTMLElement = h('div', { class: 'mt', 'data-id': m?.id || '' },
        fld(t('day'), inp(q + '-day', q + '-day', 'date', m ? m.start.slice(0, 10) : '')),
        fld(t('from'), inp(q + '-from', q + '-from', 'time', m ? m.start.slice(11, 16) : '')),
        fld(t('to'), inp(q + '-to', q + '-to', 'time', m ? m.end.slice(11, 16) : '')),
        fld(t('place'), inp(q + '-place', q + '-place', 'text', m?.place || '', { maxlength: 300 })),
        fld(t('video'), inp(q + '-video', q + '-video', 'url', m?.video_url || '', { maxlength: 500 })),
        h('button', { type: 'button', class: 's', 'aria-label': t('remove') + ' · ' + t('m_n', { n: i }), onclick: () => row.remove() }, t('remove')));
      meetings.append(row);
    };
    const quota = (x?: Quota) => {
      const i = ++n;
      const q = `${p}-q${i}`;
      const row: HTMLElement = h('div', { class: 'mt' },
        fld(t('q_role'), sel(q + '-role', q + '-role', [['', t('any')], ...ROLES.map((r) => [r, t(r)])], x?.role || '')),
        fld(t('q_ambito'), inp(q + '-ambito', q + '-ambito', 'text', x?.ambito || '', { maxlength: 60 })),
        fld(t('q_seats'), inp(q + '-seats', q + '-seats', 'number', x?.seats ?? '', { min: 1 })),
        h('button', { type: 'button', class: 's', 'aria-label': t('remove') + ' · ' + t('q_n', { n: i }), onclick: () => row.remove() }, t('remove')));
      quotas.append(row);
    };
    (e?.meetings.length ? e.meetings : [undefined]).forEach(meeting);
    (e?.quotas || []).forEach(quota);
    const appr = h('input', { type: 'checkbox', id: p + '-approval', name: 'approval', checked: !!e?.approval });
    const form: HTMLFormElement = h('form', { id: p, novalidate: true, onsubmit: async (ev: Event) => {
      ev.preventDefault();
      w.clear(form, err);
      const v = (name: string) => (form.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
      let bad: HTMLElement | undefined;
      const need = (el: HTMLElement) => (bad ||= w.bad(el, t('required')));
      const ms = [...meetings.children].map((r) => {
        const x = (k: string) => (r.querySelector(`[name$="-${k}"]`) as HTMLInputElement).value.trim();
        const start = rfc(x('day') + 'T' + x('from'));
        const end = rfc(x('day') + 'T' + x('to'));
        if (!start || !end) need(form.querySelector('#' + p + '-meetings') as HTMLElement);
        return { id: +((r as HTMLElement).dataset.id || 0), start, end, place: x('place'), video_url: x('video') };
      });
      const qs = [...quotas.children].map((r) => {
        const x = (k: string) => (r.querySelector(`[name$="-${k}"]`) as HTMLInputElement).value.trim();
        return { role: x('role'), ambito: x('ambito'), seats: +x('seats') || 0 };
      });
      const body: Record<string, unknown> = { title: v('title'), capacity: +v('capacity') || 0, approval: appr.checked, meetings: ms, quotas: qs };
      // A change keeps the edition's own trainers and threshold (left out, they would fall back to the defaults).
      if (e) Object.assign(body, { trainer_ids: e.trainer_ids, threshold: e.threshold });
      for (const k of ['enrol_from', 'enrol_until', 'cancel_until']) {
        body[k] = rfc(v(k));
        if (!body[k] && k != 'cancel_until') need(form.querySelector(`[name=${k}]`) as HTMLElement);
        if (!body[k]) delete body[k];
      }
      if (bad) return (bad.querySelector('input') || bad).focus();
      if (!w.busy(btn, true)) return;
      try {
        const r = await w.api<Edition>(e ? '/training/editions/' + e.id : `/training/courses/${c.id}/editions`, { method: e ? 'PUT' : 'POST', body });
        edition(w, box, me, r.data.id, { label: t('back_c'), go: () => course(c.id) }, (x) => editionForm(c, x), t(e ? 'saved' : 'e_created'));
      } catch (x) {
        w.busy(btn, false);
        w.fail(form, err, x);
        // An error of one meeting or quota ("meetings[1].end") marks its field too.
        for (const f of ((x as { fields?: { field: string; message: string }[] }).fields || [])) {
          const m = /^(meetings|quotas)\[(\d+)\]\.(\w+)$/.exec(f.field);
          if (!m) continue;
          const k = ({ start: 'from', end: 'to', video_url: 'video' } as Record<string, string>)[m[3]] || m[3];
          const el = (m[1] == 'meetings' ? meetings : quotas).children[+m[2]]?.querySelector<HTMLElement>(`[name$="-${k}"]`);
          if (el) w.bad(el, f.message);
        }
      }
    } },
      fld(t('title'), inp(p + '-title', 'title', 'text', e?.title || '', { maxlength: 200 })),
      fld(t('capacity'), inp(p + '-capacity', 'capacity', 'number', e?.capacity ?? '', { min: 1 })),
      fld(t('enrol_from'), inp(p + '-enrol_from', 'enrol_from', 'datetime-local', local(e?.enrol_from || ''))),
      fld(t('enrol_until'), inp(p + '-enrol_until', 'enrol_until', 'datetime-local', local(e?.enrol_until || ''))),
      fld(t('cancel_until'), inp(p + '-cancel_until', 'cancel_until', 'datetime-local', local(e?.cancel_until || ''))),
      h('label', { class: 'ck', for: appr.id }, appr, t('approval')),
      group(p + '-meetings', 'meetings', t('meetings'), meetings, h('button', { id: p + '-m-add', type: 'button', class: 's', onclick: () => meeting() }, t('m_add'))),
      group(p + '-quotas', 'quotas', t('quotas'), quotas, h('button', { id: p + '-q-add', type: 'button', class: 's', onclick: () => quota() }, t('q_add'))),
      err, btn);
    return form;
  }

  home();
  return () => {};
};

/** every reads every page of the list at path, a hundred at a time. */
async function every<R>(w: Widget, path: string): Promise<R[]> {
  const out: R[] = [];
  for (let p = 1; p < 100; p++) {
    const r = await w.api<R[]>(path + (path.includes('?') ? '&' : '?') + `page=${p}&per_page=100`);
    out.push(...(r.data || []));
    if (out.length >= (r.page?.total ?? 0) || !r.data?.length) break;
  }
  return out;
}

/**
 * allEditions lists every edition of the courses the caller may read, with
 * its course. The API has no list of editions by trainer or of pending
 * approvals yet: the trainers' and approvals' tabs find theirs here (a
 * request per course; fine for the tens of courses of a network).
 */
async function allEditions(w: Widget): Promise<{ c: Course; e: Edition }[]> {
  const cs = await every<Course>(w, '/training/courses');
  const full = await Promise.all(cs.map((c) => w.api<Course>('/training/courses/' + c.id).then((r) => r.data)));
  return full.flatMap((c) => (c.editions || []).map((e) => ({ c, e })));
}

/**
 * approvals is the coordinators' "Approvazioni" tab: the enrolments from
 * their ambiti waiting for approval, in every edition they may read (their
 * ambito's and the network's).
 */
export const approvals: View = (w, box, me) => {
  addStyle(w.shadowRoot!, CSS);
  const t = tr(w);
  async function home(focus = false, said = '') {
    const title = h('h2', { id: 'ap-t', tabindex: -1 }, t('a_title'));
    const out = h('div', { 'aria-busy': 'true' }, h('p', null, t('loading')));
    box.replaceChildren(title, said ? h('p', { id: 'ap-result', class: 'note', role: 'status' }, said) : '', out);
    if (focus) title.focus();
    try {
      const eds = (await allEditions(w)).filter(({ e }) => e.approval && !e.cancelled);
      const lists = await Promise.all(eds.map(({ c, e }) => w.api<Enrolment[]>(`/training/editions/${e.id}/enrolments?status=pending&per_page=100`)
        .then((r) => (r.data || []).filter((en) => isCoord(me, en.ambito)).map((en) => ({ c, e, en })))));
      const rows = lists.flat();
      const name = (en: Enrolment) => en.name || en.email || '#' + en.person_id;
      const step = (en: Enrolment, k: 'approve' | 'reject') => sure(w, `ap-${k}-${en.id}`, t(k + '_who', { name: name(en) }), async (b) => {
        if (!w.busy(b, true)) return;
        try {
          await w.api(`/training/enrolments/${en.id}/${k}`, { method: 'POST' });
          home(true, t(k == 'approve' ? 'approved' : 'rejected', { name: name(en) }));
        } catch (err) {
          w.busy(b, false);
          w.say(w.msg(err));
        }
      }, k == 'approve' ? null : 's');
      out.replaceChildren(table('ap-table', t('a_count', { n: rows.length }), [t('person'), t('course'), t('edition'), t('ambito'), t('roles'), t('actions')],
        rows.map(({ c, e, en }) => h('tr', { id: 'ap-' + en.id }, h('th', { scope: 'row' }, name(en)), h('td', null, c.title), h('td', null, edName(w, e)),
          h('td', null, en.ambito), h('td', null, (en.roles || []).map((r) => t(r)).join(', ')),
          h('td', null, h('div', { class: 'row' }, step(en, 'approve'), step(en, 'reject'))))), t('a_empty')));
      if (said) w.say(said);
      else w.say(t('a_count', { n: rows.length }));
    } catch (e) {
      out.replaceChildren(errP(w, e, () => home()));
    }
    out.setAttribute('aria-busy', 'false');
  }
  home();
  return () => {};
};

/**
 * teaching is the trainers' tab: the editions they teach, found in the
 * courses they may read (the API has no list of a trainer's editions yet).
 */
export const teaching: View = (w, box, me) => {
  addStyle(w.shadowRoot!, CSS);
  const t = tr(w);
  async function home(focus = false) {
    const title = h('h2', { id: 'te-t', tabindex: -1 }, t('t_title'));
    const out = h('div', { 'aria-busy': 'true' }, h('p', null, t('loading')));
    box.replaceChildren(title, out);
    if (focus) title.focus();
    try {
      const mine = (await allEditions(w)).filter(({ e }) => e.trainer_ids.includes(me.id));
      out.replaceChildren(table('te-table', t('t_count', { n: mine.length }), [t('edition'), t('course'), t('first'), t('seats'), t('state')], mine.map(({ c, e }) => h('tr', { id: 'te-' + e.id },
        h('th', { scope: 'row' }, h('button', { id: 'te-open-' + e.id, type: 'button', class: 'l', onclick: () => edition(w, box, me, e.id, { label: t('back'), go: () => home(true), files: true }) }, edName(w, e))),
        h('td', null, c.title), h('td', null, e.meetings[0] ? when(w, e.meetings[0].start) : '—'),
        h('td', null, t('seats_of', { held: e.seats.held, cap: e.capacity })), h('td', null, t(e.cancelled ? 'cancelled' : 'open')))), t('t_empty')));
      w.say(t('t_count', { n: mine.length }));
    } catch (e) {
      out.replaceChildren(errP(w, e, () => home()));
    }
    out.setAttribute('aria-busy', 'false');
  }
  home();
  return () => {};
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, training: courses, approvals, teaching };
