// What the toolkit's views of <incroci-console> share (console-toolkit.js,
// console-translations.js, console-sources.js; each bundle has its own
// copy): their UI strings in Italian and English, their styles, the sheet
// HTML the API sanitised turned into elements, and small builders.

import { h, Widget } from './base';
import { addStyle } from './style';

type Kid = Node | string | false | null | undefined;
import { TZ } from './italy';
import { frag } from './richtext';

const D: Record<'it' | 'en', Record<string, string>> = {
  it: {
    loading: 'Caricamento…',
    retry: 'Riprova',
    back: '← Torna all’elenco',
    prev: 'Precedente',
    next: 'Successiva',
    page: 'Pagina {p} di {n}',
    pages: 'Pagine dell’elenco',
    show: 'Mostra',
    save: 'Salva',
    saved: 'Salvato.',
    network: 'rete',
    scope: 'Di chi',
    sc_all: 'Questo ambito e la rete',
    sc_here: 'Solo questo ambito',
    sc_net: 'Solo la rete',
    title: 'Titolo',
    ambito: 'Ambito',
    state: 'Stato',
    updated: 'Aggiornata',
    author: 'Autore',
    owner: 'Responsabile',
    note: 'Nota',
    when: 'Quando',
    actions: 'Azioni',
    q: 'Cerca nel titolo',
    search: 'Cerca',
    confirm: 'Conferma: {what}',
    st_draft: 'bozza',
    st_in_review: 'in revisione',
    st_published: 'pubblicata',
    st_archived: 'archiviata',
    rs_draft: 'bozza',
    rs_proposed: 'proposta',
    rs_published: 'pubblicata',
    rs_superseded: 'sostituita',
    rs_rejected: 'respinta',
    rs_replaced: 'rimpiazzata',
    s_what: 'Cos’è',
    s_who: 'A chi si rivolge',
    s_how: 'Come fare',
    s_needed: 'Cosa serve',
    s_result: 'Cosa si ottiene',
    s_steps: 'Tempi e scadenze',
    s_where: 'Dove rivolgersi',
    s_special: 'Casi particolari',
    // Proposals
    pr_title: 'Proposte da esaminare',
    pr_kind: 'Quali',
    pr_in_review: 'Nuove schede inviate in revisione',
    pr_pending: 'Modifiche proposte a schede pubblicate',
    pr_draft: 'Bozze non ancora inviate',
    pr_published: 'Schede pubblicate (cronologia, fonti, impostazioni)',
    pr_count: 'Schede: {n}',
    pr_empty: 'Nessuna proposta da esaminare.',
    open: 'Apri {title}',
    // One sheet
    meta: 'Dati della scheda',
    audience: 'Destinatari',
    au_operators: 'operatori',
    au_citizens: 'cittadini (volantino)',
    review_by: 'Da rivedere entro',
    none: 'nessuna',
    outdated: 'Da aggiornare: è cambiata una fonte normativa su cui si basa ({reason}).',
    outdated_note: 'Nota della modifica: {note}',
    or_source_changed: 'fonte modificata',
    or_source_expired: 'fonte scaduta',
    or_sheet_revised: 'testo italiano cambiato',
    overdue: 'La data di revisione ({date}) è passata.',
    rev: 'Versione {n} di {who}',
    rev_note: 'Nota dell’autore: {note}',
    to_review: 'Da esaminare',
    no_pending: 'Nessuna modifica in attesa.',
    diff: 'Differenze rispetto alla versione pubblicata',
    diff_base: 'Differenze rispetto alla versione {n}',
    diff_new: 'Scheda nuova: non c’è una versione pubblicata da confrontare.',
    same: 'Sezioni invariate: {list}.',
    added: 'aggiunto:',
    removed: 'tolto:',
    proposed_text: 'Testo proposto',
    published_text: 'Testo pubblicato',
    review_note: 'Nota per l’autore (obbligatoria per respingere)',
    publish: 'Pubblica',
    reject: 'Respingi',
    published: 'Versione {n} pubblicata.',
    rejected: 'Versione {n} respinta.',
    reason_needed: 'Scrivi il motivo per cui la respingi.',
    history: 'Cronologia delle versioni',
    number: 'N.',
    rollback: 'Ripristina la versione {n}',
    rolled: 'Ripristinata la versione {n}: ora è pubblicata come nuova versione.',
    comments: 'Commenti ({n})',
    no_comments: 'Nessun commento.',
    comment: 'Scrivi un commento',
    send: 'Invia',
    sent: 'Commento inviato.',
    empty_text: 'Scrivi il testo.',
    srcs: 'Fonti normative della scheda',
    no_srcs: 'La scheda non indica fonti normative.',
    edit_srcs: 'Fonti su cui si basa la scheda',
    srcs_saved: 'Fonti della scheda salvate.',
    settings: 'Impostazioni della scheda',
    me: '{name} (io)',
    settings_saved: 'Impostazioni salvate.',
    check: 'Segna come verificata',
    checked: 'Scheda segnata come verificata: la prossima revisione è entro {date}.',
    // Queue
    qu_title: 'Schede da aggiornare',
    qu_hint: 'Schede segnalate perché è cambiata o scaduta una fonte normativa, o perché la data di revisione è passata. Anche le loro traduzioni sono segnalate: vedi «Traduzioni».',
    qu_count: 'Schede da aggiornare: {n}',
    qu_empty: 'Nessuna scheda da aggiornare.',
    why: 'Perché',
    qu_outdated: 'fonte cambiata: {source}',
    qu_overdue: 'revisione scaduta il {date}',
    // Translations
    tr_title: 'Traduzioni delle schede',
    tr_hint: 'Scegli una scheda pubblicata per vedere lo stato delle sue traduzioni e scriverle.',
    tr_count: 'Schede pubblicate: {n}',
    tr_empty: 'Nessuna scheda trovata.',
    language: 'Lingua',
    status: 'Stato',
    translator: 'Tradotta da',
    checker: 'Verificata da',
    ts_missing: 'mancante',
    ts_machine: 'automatica',
    ts_human: 'scritta da una persona',
    ts_checked: 'verificata da un mediatore',
    ts_outdated: 'da aggiornare',
    write: 'Scrivi in {lang}',
    update: 'Aggiorna in {lang}',
    tr_check: 'Segna {lang} come verificata',
    tr_checked: 'Traduzione in {lang} verificata.',
    tr_form: 'Traduzione in {lang}',
    italian: 'Testo italiano',
    machine: 'È una traduzione automatica non ancora rivista',
    tr_saved: 'Traduzione in {lang} salvata.',
    preview: 'Anteprima della traduzione salvata',
    cancel: 'Annulla',
    // Sources
    so_title: 'Fonti normative',
    so_hint: 'Quando cambi il testo, la versione o la validità di una fonte, tutte le schede che si basano su di essa, e le loro traduzioni, diventano da aggiornare e i responsabili ricevono un’e-mail.',
    so_count: 'Fonti: {n}',
    so_empty: 'Nessuna fonte trovata.',
    so_q: 'Cerca nel titolo o nel riferimento',
    kind: 'Tipo',
    k_law: 'norma',
    k_circular: 'circolare',
    k_form: 'modulo',
    k_other: 'altro',
    reference: 'Riferimento (es. D.Lgs. 286/1998, art. 29)',
    ref: 'Riferimento',
    url: 'Indirizzo web (https://…)',
    version: 'Versione in vigore',
    text: 'Testo su cui si basano le schede',
    valid_from: 'Valida dal',
    valid_to: 'Valida fino al',
    validity: 'Validità',
    expired: 'scaduta',
    so_new: 'Nuova fonte',
    so_create: 'Registra la fonte',
    so_created: 'Fonte registrata: {title}.',
    so_edit: 'Modifica {title}',
    so_note: 'Che cosa è cambiato (per i responsabili delle schede)',
    so_save: 'Salva la modifica',
    so_flagged: 'Modifica registrata: {n} schede segnalate come da aggiornare.',
    so_sheets: 'Schede che si basano su questa fonte: {n}',
    so_changes: 'Modifiche registrate',
    ch_changed: 'modificata',
    ch_expired: 'scaduta',
    ch_line: '{when} · {kind} · {n} schede segnalate · {note}',
  },
  en: {
    loading: 'Loading…',
    retry: 'Try again',
    back: '← Back to the list',
    prev: 'Previous',
    next: 'Next',
    page: 'Page {p} of {n}',
    pages: 'List pages',
    show: 'Show',
    save: 'Save',
    saved: 'Saved.',
    network: 'network',
    scope: 'Whose',
    sc_all: 'This district and the network',
    sc_here: 'This district only',
    sc_net: 'The network only',
    title: 'Title',
    ambito: 'District',
    state: 'State',
    updated: 'Updated',
    author: 'Author',
    owner: 'Owner',
    note: 'Note',
    when: 'When',
    actions: 'Actions',
    q: 'Search the title',
    search: 'Search',
    confirm: 'Confirm: {what}',
    st_draft: 'draft',
    st_in_review: 'in review',
    st_published: 'published',
    st_archived: 'archived',
    rs_draft: 'draft',
    rs_proposed: 'proposed',
    rs_published: 'published',
    rs_superseded: 'superseded',
    rs_rejected: 'rejected',
    rs_replaced: 'replaced',
    s_what: 'What it is',
    s_who: 'Who it is for',
    s_how: 'How to do it',
    s_needed: 'What is needed',
    s_result: 'What you get',
    s_steps: 'Steps and deadlines',
    s_where: 'Where to go',
    s_special: 'Special cases',
    pr_title: 'Proposals to review',
    pr_kind: 'Which',
    pr_in_review: 'New sheets sent for review',
    pr_pending: 'Changes proposed to published sheets',
    pr_draft: 'Drafts not sent yet',
    pr_published: 'Published sheets (history, sources, settings)',
    pr_count: 'Sheets: {n}',
    pr_empty: 'No proposals to review.',
    open: 'Open {title}',
    meta: 'About the sheet',
    audience: 'Audience',
    au_operators: 'social workers',
    au_citizens: 'citizens (handout)',
    review_by: 'Review by',
    none: 'none',
    outdated: 'To update: a legal source it rests on changed ({reason}).',
    outdated_note: 'Note of the change: {note}',
    or_source_changed: 'source changed',
    or_source_expired: 'source expired',
    or_sheet_revised: 'Italian text changed',
    overdue: 'Its review date ({date}) has passed.',
    rev: 'Revision {n} by {who}',
    rev_note: 'Author’s note: {note}',
    to_review: 'To review',
    no_pending: 'No change waiting.',
    diff: 'Differences from the published revision',
    diff_base: 'Differences from revision {n}',
    diff_new: 'A new sheet: there is no published revision to compare.',
    same: 'Unchanged sections: {list}.',
    added: 'added:',
    removed: 'removed:',
    proposed_text: 'Proposed text',
    published_text: 'Published text',
    review_note: 'Note for the author (required to reject)',
    publish: 'Publish',
    reject: 'Reject',
    published: 'Revision {n} published.',
    rejected: 'Revision {n} rejected.',
    reason_needed: 'Write why you reject it.',
    history: 'Revision history',
    number: 'No.',
    rollback: 'Restore revision {n}',
    rolled: 'Revision {n} restored: it is now published as a new revision.',
    comments: 'Comments ({n})',
    no_comments: 'No comments.',
    comment: 'Write a comment',
    send: 'Send',
    sent: 'Comment sent.',
    empty_text: 'Write the text.',
    srcs: 'Legal sources of the sheet',
    no_srcs: 'The sheet names no legal source.',
    edit_srcs: 'Sources the sheet rests on',
    srcs_saved: 'The sheet’s sources are saved.',
    settings: 'Sheet settings',
    me: '{name} (me)',
    settings_saved: 'Settings saved.',
    check: 'Mark as checked',
    checked: 'Sheet marked as checked: the next review is due by {date}.',
    qu_title: 'Sheets to review',
    qu_hint: 'Sheets flagged because a legal source changed or expired, or because their review date has passed. Their translations are flagged too: see “Translations”.',
    qu_count: 'Sheets to review: {n}',
    qu_empty: 'No sheets to review.',
    why: 'Why',
    qu_outdated: 'source changed: {source}',
    qu_overdue: 'review was due on {date}',
    tr_title: 'Translations of the sheets',
    tr_hint: 'Choose a published sheet to see the state of its translations and write them.',
    tr_count: 'Published sheets: {n}',
    tr_empty: 'No sheets found.',
    language: 'Language',
    status: 'Status',
    translator: 'Translated by',
    checker: 'Checked by',
    ts_missing: 'missing',
    ts_machine: 'machine',
    ts_human: 'written by a person',
    ts_checked: 'checked by a mediator',
    ts_outdated: 'outdated',
    write: 'Write in {lang}',
    update: 'Update in {lang}',
    tr_check: 'Mark {lang} as checked',
    tr_checked: 'Translation into {lang} checked.',
    tr_form: 'Translation into {lang}',
    italian: 'Italian text',
    machine: 'It is a machine translation nobody revised yet',
    tr_saved: 'Translation into {lang} saved.',
    preview: 'Preview of the saved translation',
    cancel: 'Cancel',
    so_title: 'Legal sources',
    so_hint: 'When you change a source’s text, version or validity, every sheet resting on it, and their translations, are flagged to update and their owners get an e-mail.',
    so_count: 'Sources: {n}',
    so_empty: 'No sources found.',
    so_q: 'Search the title or the reference',
    kind: 'Kind',
    k_law: 'law',
    k_circular: 'circular',
    k_form: 'form',
    k_other: 'other',
    reference: 'Reference (e.g. D.Lgs. 286/1998, art. 29)',
    ref: 'Reference',
    url: 'Web address (https://…)',
    version: 'Version in force',
    text: 'Wording the sheets rely on',
    valid_from: 'Valid from',
    valid_to: 'Valid until',
    validity: 'Validity',
    expired: 'expired',
    so_new: 'New source',
    so_create: 'Record the source',
    so_created: 'Source recorded: {title}.',
    so_edit: 'Change {title}',
    so_note: 'What changed (for the sheets’ owners)',
    so_save: 'Save the change',
    so_flagged: 'Change recorded: {n} sheets flagged to update.',
    so_sheets: 'Sheets resting on this source: {n}',
    so_changes: 'Recorded changes',
    ch_changed: 'changed',
    ch_expired: 'expired',
    ch_line: '{when} · {kind} · {n} sheets flagged · {note}',
  },
};

/** SECTIONS are a sheet's section keys, in order. */
export const SECTIONS = ['what', 'who', 'how', 'needed', 'result', 'steps', 'where', 'special'];

/** T is a translator: key and {name} placeholders. */
export type T = (k: string, v?: Record<string, string | number>) => string;

/** tr returns the translator of w's UI language. */
export const tr = (w: Widget): T => (k, v) => {
  let s = D[w.ui][k] ?? k;
  for (const n in v) s = s.split('{' + n + '}').join(String(v[n]));
  return s;
};

const CSS = `select,textarea,input[type=date]{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
textarea{max-width:48em;min-height:6em;resize:vertical}
select:focus,textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
[role=tablist]{border-bottom:2px solid var(--_l);padding:0 0 .5em}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em;margin:0 .25em .25em 0}
.warn{color:var(--_d);border-color:var(--_d);font-weight:600}
.doc{border:1px solid var(--_l);border-radius:var(--_r);padding:.5em 1em;margin:0 0 1em;max-width:48em;overflow-wrap:anywhere}
.doc h4{font-size:1.1em;margin:1em 0 .5em}
.md,.df>*{white-space:pre-wrap;overflow-wrap:anywhere}
.df{font-family:ui-monospace,monospace;font-size:.9em;border:1px solid var(--_l);border-radius:var(--_r);padding:.25em 0;margin:0 0 1em;max-width:56em}
.df>*{display:block;padding:0 .5em;text-decoration:none;margin:0}
.df ins{background:#e3f1e6;border-inline-start:4px solid #1d6b31}
.df del{background:#fbe6e8;border-inline-start:4px solid #a3142a}
.df i{font-style:normal;font-weight:700;margin-inline-end:.5em}
article{border-top:2px solid var(--_l);margin:0 0 1.5em;padding:.5em 0 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;margin:0 0 1em}
dt{font-weight:600}dd{margin:0}
.ck{display:flex;align-items:center;font-weight:400}
summary{cursor:pointer;color:var(--_p);margin:0 0 .5em}
.m{list-style:none;margin:0 0 1em;padding:0}
.m>li{border:1px solid var(--_l);border-radius:var(--_r);padding:.5em .75em;margin:0 0 .5em;max-width:48em}
.who{font-size:.875em;margin:0 0 .25em}
th button.l{text-align:start}`;


/** style gives w's shadow root the styles of these views, once. */
export function style(w: Widget): void {
  addStyle(w.shadowRoot!, CSS);
}

/** rich builds the sheet HTML the API rendered as elements (see frag), headings as h4 under the view's h3. */
export const rich = (src: string): DocumentFragment => frag(src, 'h4');

/** Op is one line of a diff: kept (=), removed (-) or added (+). */
export interface Op {
  op: '=' | '-' | '+';
  text: string;
}

/**
 * ops draws the lines of a diff: removed ones as del, added ones as ins,
 * each with a visible sign and a label for screen readers, so the change
 * does not rest on colour.
 */
export function ops(t: T, list: Op[]): HTMLElement {
  // One element per line: an op holds as many lines as changed together.
  const lines = list.flatMap((o) => o.text.replace(/\n$/, '').split('\n').map((text) => ({ op: o.op, text })));
  return h('div', { class: 'df' }, ...lines.map((o) =>
    o.op == '=' ? h('span', null, h('i', { 'aria-hidden': 'true' }, ' '), o.text)
      : h(o.op == '+' ? 'ins' : 'del', null, h('i', { 'aria-hidden': 'true' }, o.op == '+' ? '+' : '−'), h('span', { class: 'sr' }, t(o.op == '+' ? 'added' : 'removed') + ' '), o.text)));
}

/** sel builds a select from [value, label] pairs. */
export const sel = (id: string, name: string, opts: string[][], v = '') =>
  h('select', { id, name }, ...opts.map(([o, l]) => h('option', { value: o, selected: o == v }, l)));

/** fld wraps a control with its label and error paragraph (id "<id>-err"). */
export function fld(lab: string, el: HTMLElement): HTMLElement {
  el.setAttribute('aria-describedby', el.id + '-err');
  return h('div', { class: 'f' }, h('label', { for: el.id }, lab), el, h('p', { id: el.id + '-err', class: 'fe', hidden: true }));
}

/** ck is a checkbox with its label. */
export const ck = (id: string, name: string, lab: string, on = false) =>
  h('label', { class: 'ck', for: id }, h('input', { type: 'checkbox', id, name, checked: on }), lab);

/** when formats an instant (or, with day, a YYYY-MM-DD day) in the UI language. */
export const when = (w: Widget, s: string, day?: boolean) =>
  s ? new Date(s).toLocaleString(w.ui, day ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'short', timeStyle: 'short', timeZone: TZ }) : '—';

/** errP is an error paragraph with a retry button. */
export const errP = (w: Widget, e: unknown, retry: () => void) =>
  h('p', { class: 'err', role: 'alert' }, w.msg(e), h('button', { type: 'button', class: 's', onclick: retry }, tr(w)('retry')));

/**
 * sure is a button that acts on the second press: the first one asks
 * (the label and the live region say what will happen).
 */
export function sure(w: Widget, id: string, label: string, act: (b: HTMLElement) => void, cls: string | null = 's'): HTMLElement {
  let armed = false;
  const b: HTMLElement = h('button', { id, type: 'button', class: cls, onclick: () => {
    if (!armed) {
      armed = true;
      b.textContent = tr(w)('confirm', { what: label });
      return w.say(tr(w)('confirm', { what: label }));
    }
    act(b);
  }, onblur: () => {
    armed = false;
    b.textContent = label;
  } }, label);
  return b;
}

/** Pager is a list's page navigation. */
export interface Pager {
  nav: HTMLElement;
  page: number;
  set(total: number, per: number, busy?: boolean): void;
}

/** pager builds the previous/next navigation of a list; go loads the page. */
export function pager(w: Widget, prefix: string, go: () => void): Pager {
  const t = tr(w);
  const info = h('span');
  const mk = (d: number, k: string) => {
    const b: HTMLElement = h('button', { id: prefix + '-' + k, type: 'button', class: 's', onclick: () => {
      if (b.getAttribute('aria-disabled') == 'true') return;
      p.page += d;
      go();
    } }, t(k));
    return b;
  };
  const prev = mk(-1, 'prev');
  const next = mk(1, 'next');
  const p: Pager = {
    nav: h('nav', { 'aria-label': t('pages'), class: 'row' }, prev, info, next),
    page: 1,
    set(total, per, busy) {
      const n = Math.max(1, Math.ceil(total / per));
      info.textContent = t('page', { p: p.page, n });
      prev.setAttribute('aria-disabled', String(!!busy || p.page <= 1));
      next.setAttribute('aria-disabled', String(!!busy || p.page >= n));
      p.nav.hidden = n < 2 && p.page < 2;
    },
  };
  return p;
}

/** scope is the select of whose sheets or sources a list shows: this ambito and the network, one of them. */
export const scope = (w: Widget, id: string) => {
  const t = tr(w);
  return fld(t('scope'), sel(id, 'ambito', [['', t('sc_all')], [w.ambito, t('sc_here')], ['network', t('sc_net')]]));
};

/** amb names an ambito, or the network for "". */
export const amb = (t: T, a: string) => a || t('network');

const PER = 20;

/**
 * list draws into out a paged table of what path lists (sheets, sources):
 * the title opens one, cells gives the other columns (headed by cols). It
 * returns what loads the first page.
 */
export function list<R extends { id: number; title: string }>(w: Widget, id: string, out: HTMLElement, path: () => string, cols: string[], cells: (s: R) => Kid[],
  open: (id: number) => void, count: string, empty: string | (() => string)): () => Promise<void> {
  const t = tr(w);
  let seq = 0;
  const pg = pager(w, id, () => load());
  const body = h('div', { 'aria-busy': 'true' }, h('p', null, t('loading')));
  out.replaceChildren(body, pg.nav);
  pg.set(0, PER, true);
  async function load() {
    const my = ++seq;
    body.setAttribute('aria-busy', 'true');
    try {
      const p = path();
      const r = await w.api<R[]>(p + (p.includes('?') ? '&' : '?') + `page=${pg.page}&per_page=${PER}`);
      if (my != seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      body.replaceChildren(h('div', { class: 'x' }, h('table', { id },
        h('caption', null, t(count, { n: total })),
        h('thead', null, h('tr', null, ...[t('title'), ...cols.map((c) => t(c))].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...(rows.length ? rows.map((s) => h('tr', { id: `${id}-${s.id}` },
          h('th', { scope: 'row' }, h('button', { id: `${id}-open-${s.id}`, type: 'button', class: 'l', onclick: () => open(s.id) }, s.title)),
          ...cells(s).map((c) => h('td', null, c)))) : [h('tr', null, h('td', { id: id + '-empty', colspan: cols.length + 1 }, t(typeof empty == 'string' ? empty : empty())))])))));
      pg.set(total, PER);
      w.say(t(count, { n: total }));
    } catch (e) {
      if (my == seq) body.replaceChildren(errP(w, e, load));
    }
    body.setAttribute('aria-busy', 'false');
  }
  return () => {
    pg.page = 1;
    return load();
  };
}

