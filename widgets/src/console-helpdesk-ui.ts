// What the help-desk views of <incroci-console> share: their UI strings in
// Italian and English, their styles, and small builders (fields, selects,
// the personal-data dialog, dates, file downloads).

import { h, Widget } from './base';
import { addStyle } from './style';
import { find, label, mask } from './pii';
import { TZ } from './italy';

const D: Record<'it' | 'en', Record<string, string>> = {
  it: {
    queue: 'Coda delle consulenze',
    filters: 'Filtra la coda',
    q: 'Cerca nell’oggetto',
    status: 'Stato',
    desk: 'Sportello',
    all: 'Tutti',
    mine: 'Solo assegnate a me',
    late_only: 'Solo in ritardo',
    filter: 'Filtra',
    s_new: 'nuova',
    s_open: 'aperta',
    s_waiting_operator: 'in attesa dell’operatore',
    s_waiting_consultant: 'in attesa del consulente',
    s_appointment: 'appuntamento',
    s_resolved: 'risolta',
    s_closed: 'chiusa',
    u_low: 'bassa',
    u_normal: 'normale',
    u_high: 'alta',
    u_urgent: 'urgente',
    count: 'Consulenze: {n}',
    empty: 'Nessuna consulenza in coda.',
    subject: 'Oggetto',
    urgency: 'Urgenza',
    due: 'Prima risposta entro',
    unread: 'Da leggere',
    assignee: 'Assegnata a',
    nobody: 'nessuno',
    me: 'me',
    person: 'persona n. {id}',
    late: 'in ritardo',
    answered: 'risposta data',
    prev: 'Precedente',
    next: 'Successiva',
    page: 'Pagina {p} di {n}',
    pages: 'Pagine della coda',
    back: '← Torna alla coda',
    number: 'Numero',
    topic: 'Argomento',
    ben: 'Persona assistita',
    service: 'Servizio',
    assign: 'Assegna',
    assign_to: 'Assegna a',
    assign_me: 'Assegna a me',
    assigned: 'Consulenza assegnata a {who}.',
    resolve: 'Segna come risolta',
    resolved: 'Consulenza segnata come risolta.',
    dialogue: 'Dialogo',
    you: 'Tu',
    operator: 'Operatore',
    consultant: 'Consulente',
    files: 'File allegati',
    file: 'Allega file',
    file_hint: 'PDF, immagini JPEG o PNG, testo, Word o OpenDocument; massimo {mb} MB ciascuno.',
    uploading: 'Caricamento di {name}…',
    uploaded: 'File pronto: {name}',
    remove: 'Togli {name}',
    download: 'Scarica',
    downloaded: 'Scaricato: {name}',
    history: 'Cronologia degli stati ({n})',
    note: 'Nota interna — non visibile all’operatore',
    reply: 'Rispondi o scrivi una nota',
    body: 'Testo',
    body_empty: 'Scrivi il testo.',
    internal: 'Nota interna (non visibile all’operatore)',
    send: 'Invia',
    sending: 'Invio in corso…',
    sent: 'Inviato.',
    failed: 'Non inviato: {err}',
    retry: 'Riprova',
    new_msg: 'Nuovo messaggio nel dialogo.',
    paused: 'Aggiornamenti in tempo reale sospesi, nuovo tentativo…',
    appts: 'Appuntamenti',
    no_appts: 'Nessun appuntamento proposto.',
    propose: 'Proponi un appuntamento',
    start: 'Inizio',
    end: 'Fine',
    mode: 'Modalità',
    in_person: 'In presenza',
    video: 'In video',
    place: 'Luogo',
    video_url: 'Link della videochiamata',
    interpreter: 'Serve un interprete',
    interpreter_language: 'Lingua dell’interprete (codice, es. ar)',
    send_slot: 'Proponi',
    proposed: 'Appuntamento proposto.',
    cancel: 'Annulla',
    cancelled: 'Annullato.',
    sl_proposed: 'proposto',
    sl_accepted: 'fissato',
    sl_declined: 'non scelto',
    sl_withdrawn: 'ritirato',
    sl_cancelled: 'annullato',
    with_int: 'con interprete',
    bad_time: 'Indica inizio e fine, la fine dopo l’inizio.',
    'pii-t': 'Possibili dati personali',
    'pii-p': 'Il testo sembra contenere dati personali. Controlla prima di inviare:',
    'pii-mask': 'Maschera e invia',
    'pii-send': 'Invia comunque',
    'pii-edit': 'Modifica',
    loading: 'Caricamento…',
    // Mediation
    mediation: 'Richieste di mediazione',
    m_st: 'Stato delle richieste',
    m_requested: 'da confermare',
    m_confirmed: 'confermata',
    m_done: 'svolta',
    m_cancelled: 'annullata',
    m_empty: 'Nessuna richiesta.',
    scope: 'Ambito',
    desks: 'Sportelli dell’ambito',
    dk_hint: 'Chi risponde su ciascuno sportello. Per aggiungere qualcuno, dagli prima il ruolo di consulente in «Persone e ruoli».',
    dk_none: 'L’ambito non gestisce sportelli.',
    dk_meta: 'Prima risposta entro {h} ore lavorative · {n} argomenti',
    dk_all_ambiti: 'per tutti gli ambiti della rete',
    dk_members: 'Consulenti attivi: {n}',
    dk_who: 'Consulente',
    dk_topics: 'Argomenti',
    dk_role: 'Ruolo',
    dk_all: 'tutti',
    dk_manager: 'responsabile',
    dk_manager_l: 'Responsabile dello sportello',
    dk_nobody: 'Nessun consulente: le nuove consulenze restano da assegnare.',
    dk_off: 'Togli {who}',
    dk_off_sure: 'Conferma: togli {who}',
    dk_off_q: 'Premi di nuovo per togliere {who} dallo sportello: le sue consulenze aperte saranno riassegnate.',
    dk_off_done: '{who} non risponde più su questo sportello.',
    dk_add_l: 'Aggiungi un consulente dell’ambito',
    dk_add: 'Aggiungi',
    dk_added: '{who} ora risponde su questo sportello.',
    dk_no_free: 'Tutti i consulenti dell’ambito rispondono già su questo sportello.',
    pk_new: 'Nuovo pacchetto di ore',
    pk_name_l: 'Nome del pacchetto (es. progetto e anno)',
    pk_body: 'Ente che ha acquistato le ore (facoltativo)',
    pk_hours: 'Ore',
    pk_note: 'Nota (es. delibera o determina)',
    pk_created: 'Pacchetto creato: {name}.',
    ph_title: 'Aggiungi o correggi ore',
    ph_reason: 'Motivo',
    ph_purchase: 'acquisto di ore',
    ph_adjustment: 'correzione',
    ph_hint: 'Una correzione può essere negativa (es. -1,5), ma non porta mai il saldo sotto zero.',
    ph_done: 'Ore registrate nel pacchetto.',
    mp_title: 'Il mio profilo di mediatore',
    mp_hint: 'Lo sportello propone le richieste in base a lingue, modalità e disponibilità: tienile aggiornate.',
    mp_langs: 'Lingue in cui fai mediazione',
    mp_modes: 'Modalità',
    mp_ambiti: 'Ambiti in cui lavori',
    mp_week: 'Disponibilità settimanale (lascia vuoti i giorni in cui non ci sei)',
    mp_day: 'Giorno',
    mp_from: 'Dalle',
    mp_to: 'Alle',
    mp_from_of: '{day}, dalle',
    mp_to_of: '{day}, alle',
    mp_sets: 'Giorni fissi di presenza in un servizio',
    mp_add: 'Aggiungi un giorno fisso',
    mp_remove: 'Togli questo giorno fisso',
    mp_save: 'Salva il profilo',
    mp_saved: 'Profilo salvato.',
    this_ambito: 'Questo ambito',
    network: 'Tutta la rete',
    m_count: 'Richieste di mediazione: {n}',
    m_pages: 'Pagine delle richieste di mediazione',
    m_cancel_q: 'Annullare la richiesta n. {id}? Le ore non vengono addebitate.',
    m_cancel_late: 'Manca meno del preavviso all’inizio: se annulli la richiesta n. {id} ora, le ore restano addebitate al pacchetto.',
    m_cancel_yes: 'Sì, annulla',
    m_cancel_no: 'No, tienila',
    request: 'Richiesta',
    when: 'Quando',
    minutes: 'Minuti',
    language: 'Lingua',
    m_phone: 'al telefono',
    m_video: 'in video',
    m_in_person: 'in presenza',
    m_scheduled: 'presenza programmata',
    actions: 'Azioni',
    confirm: 'Conferma (abbinamento automatico)',
    take: 'La prendo io',
    mediator: 'Mediatore per la richiesta {id}',
    auto: 'abbinamento automatico',
    confirm_with: 'Conferma con il mediatore scelto',
    confirmed: 'Richiesta n. {id} confermata.',
    done: 'Segna come svolta',
    marked_done: 'Richiesta n. {id} segnata come svolta.',
    m_cancelled_n: 'Richiesta n. {id} annullata.',
    packages: 'Pacchetti di ore',
    pk_name: 'Pacchetto',
    pk_valid: 'Validità',
    pk_left: 'Ore residue',
    pk_empty: 'Nessun pacchetto.',
    ledger: 'Movimenti',
    ledger_of: 'Movimenti di {name}',
    reason: 'Causale',
    at: 'Data',
    // Reports
    reports: 'Report',
    from: 'Dal',
    to: 'Al',
    show: 'Mostra',
    csv: 'Scarica CSV delle consulenze',
    csv_done: 'Scaricato il file {file}.',
    total: 'Consulenze nel periodo',
    first: 'Prima risposta, mediana',
    resolution: 'Risoluzione, mediana',
    hours: '{h} ore (su {n})',
    by_month: 'Consulenze per mese',
    by_topic: 'Consulenze per argomento',
    by_nationality: 'Consulenze per cittadinanza',
    by_language: 'Consulenze per lingua',
    by_status: 'Consulenze per stato',
    med_hours: 'Ore di mediazione per lingua',
    table: 'Dati in tabella',
    item: 'Voce',
    n: 'Numero',
    nodata: 'Nessun dato.',
  },
  en: {
    queue: 'Consultation queue',
    filters: 'Filter the queue',
    q: 'Search the subject',
    status: 'Status',
    desk: 'Desk',
    all: 'All',
    mine: 'Assigned to me only',
    late_only: 'Late only',
    filter: 'Filter',
    s_new: 'new',
    s_open: 'open',
    s_waiting_operator: 'waiting for the social worker',
    s_waiting_consultant: 'waiting for the consultant',
    s_appointment: 'appointment',
    s_resolved: 'resolved',
    s_closed: 'closed',
    u_low: 'low',
    u_normal: 'normal',
    u_high: 'high',
    u_urgent: 'urgent',
    count: 'Consultations: {n}',
    empty: 'No consultations in the queue.',
    subject: 'Subject',
    urgency: 'Urgency',
    due: 'First response due',
    unread: 'Unread',
    assignee: 'Assigned to',
    nobody: 'nobody',
    me: 'me',
    person: 'person no. {id}',
    late: 'late',
    answered: 'answered',
    prev: 'Previous',
    next: 'Next',
    page: 'Page {p} of {n}',
    pages: 'Queue pages',
    back: '← Back to the queue',
    number: 'Number',
    topic: 'Topic',
    ben: 'Person assisted',
    service: 'Service',
    assign: 'Assign',
    assign_to: 'Assign to',
    assign_me: 'Assign to me',
    assigned: 'Consultation assigned to {who}.',
    resolve: 'Mark as resolved',
    resolved: 'Consultation marked as resolved.',
    dialogue: 'Dialogue',
    you: 'You',
    operator: 'Social worker',
    consultant: 'Consultant',
    files: 'Attached files',
    file: 'Attach files',
    file_hint: 'PDF, JPEG or PNG images, text, Word or OpenDocument; at most {mb} MB each.',
    uploading: 'Uploading {name}…',
    uploaded: 'File ready: {name}',
    remove: 'Remove {name}',
    download: 'Download',
    downloaded: 'Downloaded: {name}',
    history: 'Status history ({n})',
    note: 'Internal note — not visible to the social worker',
    reply: 'Reply or write a note',
    body: 'Text',
    body_empty: 'Write the text.',
    internal: 'Internal note (not visible to the social worker)',
    send: 'Send',
    sending: 'Sending…',
    sent: 'Sent.',
    failed: 'Not sent: {err}',
    retry: 'Try again',
    new_msg: 'New message in the dialogue.',
    paused: 'Live updates paused, trying again…',
    appts: 'Appointments',
    no_appts: 'No appointment proposed.',
    propose: 'Propose an appointment',
    start: 'Start',
    end: 'End',
    mode: 'Mode',
    in_person: 'In person',
    video: 'By video',
    place: 'Place',
    video_url: 'Video call link',
    interpreter: 'An interpreter is needed',
    interpreter_language: 'Interpreter’s language (code, e.g. ar)',
    send_slot: 'Propose',
    proposed: 'Appointment proposed.',
    cancel: 'Cancel',
    cancelled: 'Cancelled.',
    sl_proposed: 'proposed',
    sl_accepted: 'booked',
    sl_declined: 'not chosen',
    sl_withdrawn: 'withdrawn',
    sl_cancelled: 'cancelled',
    with_int: 'with interpreter',
    bad_time: 'Give a start and an end, the end after the start.',
    'pii-t': 'Possible personal data',
    'pii-p': 'The text seems to contain personal data. Check before sending:',
    'pii-mask': 'Mask and send',
    'pii-send': 'Send anyway',
    'pii-edit': 'Edit',
    loading: 'Loading…',
    mediation: 'Mediation requests',
    m_st: 'Status of the requests',
    m_requested: 'to confirm',
    m_confirmed: 'confirmed',
    m_done: 'done',
    m_cancelled: 'cancelled',
    m_empty: 'No requests.',
    scope: 'District',
    desks: 'The district’s desks',
    dk_hint: 'Who answers on each desk. To add someone, first give them the consultant role in “People and roles”.',
    dk_none: 'The district runs no desk.',
    dk_meta: 'First answer within {h} working hours · {n} topics',
    dk_all_ambiti: 'for every district of the network',
    dk_members: 'Active consultants: {n}',
    dk_who: 'Consultant',
    dk_topics: 'Topics',
    dk_role: 'Role',
    dk_all: 'all',
    dk_manager: 'manager',
    dk_manager_l: 'Desk manager',
    dk_nobody: 'No consultant: new consultations stay unassigned.',
    dk_off: 'Remove {who}',
    dk_off_sure: 'Confirm: remove {who}',
    dk_off_q: 'Press again to take {who} off the desk: their open consultations will be reassigned.',
    dk_off_done: '{who} no longer answers on this desk.',
    dk_add_l: 'Add a consultant of the district',
    dk_add: 'Add',
    dk_added: '{who} now answers on this desk.',
    dk_no_free: 'Every consultant of the district already answers on this desk.',
    pk_new: 'New package of hours',
    pk_name_l: 'Package name (e.g. project and year)',
    pk_body: 'Body that bought the hours (optional)',
    pk_hours: 'Hours',
    pk_note: 'Note (e.g. the resolution)',
    pk_created: 'Package created: {name}.',
    ph_title: 'Add or correct hours',
    ph_reason: 'Reason',
    ph_purchase: 'purchase of hours',
    ph_adjustment: 'correction',
    ph_hint: 'A correction may be negative (e.g. -1.5), but never takes the balance below zero.',
    ph_done: 'Hours recorded in the package.',
    mp_title: 'My mediator profile',
    mp_hint: 'The desk offers you requests by language, mode and availability: keep them current.',
    mp_langs: 'Languages you mediate in',
    mp_modes: 'Modes',
    mp_ambiti: 'Districts you work in',
    mp_week: 'Weekly availability (leave empty the days you are not there)',
    mp_day: 'Day',
    mp_from: 'From',
    mp_to: 'To',
    mp_from_of: '{day}, from',
    mp_to_of: '{day}, to',
    mp_sets: 'Set days of presence at a service',
    mp_add: 'Add a set day',
    mp_remove: 'Remove this set day',
    mp_save: 'Save the profile',
    mp_saved: 'Profile saved.',
    this_ambito: 'This district',
    network: 'The whole network',
    m_count: 'Mediation requests: {n}',
    m_pages: 'Mediation request pages',
    m_cancel_q: 'Cancel request no. {id}? No hours are charged.',
    m_cancel_late: 'It starts within the notice window: if you cancel request no. {id} now, its hours stay charged to the package.',
    m_cancel_yes: 'Yes, cancel',
    m_cancel_no: 'No, keep it',
    request: 'Request',
    when: 'When',
    minutes: 'Minutes',
    language: 'Language',
    m_phone: 'by phone',
    m_video: 'by video',
    m_in_person: 'in person',
    m_scheduled: 'scheduled presence',
    actions: 'Actions',
    confirm: 'Confirm (automatic match)',
    take: 'I’ll take it',
    mediator: 'Mediator for request {id}',
    auto: 'automatic match',
    confirm_with: 'Confirm with the chosen mediator',
    confirmed: 'Request no. {id} confirmed.',
    done: 'Mark as done',
    marked_done: 'Request no. {id} marked as done.',
    m_cancelled_n: 'Request no. {id} cancelled.',
    packages: 'Hour packages',
    pk_name: 'Package',
    pk_valid: 'Valid',
    pk_left: 'Hours left',
    pk_empty: 'No packages.',
    ledger: 'Entries',
    ledger_of: 'Entries of {name}',
    reason: 'Reason',
    at: 'Date',
    reports: 'Reports',
    from: 'From',
    to: 'To',
    show: 'Show',
    csv: 'Download the consultations as CSV',
    csv_done: 'Downloaded the file {file}.',
    total: 'Consultations in the period',
    first: 'First response, median',
    resolution: 'Resolution, median',
    hours: '{h} hours (of {n})',
    by_month: 'Consultations by month',
    by_topic: 'Consultations by topic',
    by_nationality: 'Consultations by nationality',
    by_language: 'Consultations by language',
    by_status: 'Consultations by status',
    med_hours: 'Mediation hours by language',
    table: 'Data as a table',
    item: 'Item',
    n: 'Number',
    nodata: 'No data.',
  },
};

/** T is a translator: key and {name} placeholders. */
export type T = (k: string, v?: Record<string, string | number>) => string;

/** tr returns the translator of w's UI language. */
export const tr = (w: Widget): T => (k, v) => {
  let s = D[w.ui][k] ?? k;
  for (const n in v) s = s.split('{' + n + '}').join(String(v[n]));
  return s;
};

const CSS = `select,textarea{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:28em;padding:.5em .75em;min-height:2.75em;margin:0}
textarea{max-width:40em;min-height:6em;resize:vertical}
select:focus,textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
[role=tablist]{border-bottom:2px solid var(--_l);padding:0 0 .5em}
.b{display:inline-block;border:1px solid var(--_l);border-radius:1em;padding:0 .6em;font-size:.875em}
.late{color:var(--_d);border-color:var(--_d);font-weight:600}
.m{list-style:none;margin:0 0 1em;padding:0}
.m>li{border:1px solid var(--_l);border-radius:var(--_r);padding:.5em .75em;margin:0 0 .75em;max-width:40em}
.m>li.me{margin-inline-start:auto;background:#eef4fb}
.m>li.int{background:#fff4d6;border:2px dashed #8a5a00}
.who{font-size:.875em;margin:0 0 .25em}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.files{list-style:none;margin:.5em 0 0;padding:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;margin:0 0 1em}
dt{font-weight:600}dd{margin:0}
.ck{display:flex;align-items:center;font-weight:400}
figure{margin:0 0 1.5em}figcaption{font-weight:600}
svg{display:block;max-width:40em;width:100%;height:auto}
svg text{font:inherit;font-size:12px;fill:#1a1a1a}
summary{cursor:pointer;color:var(--_p)}
dialog{max-width:min(36em,92vw);border:2px solid var(--_l);border-radius:var(--_r);padding:1.5em;color:var(--_t);background:var(--_b)}
dialog::backdrop{background:#0008}`;


/** style gives w's shadow root the styles of these views, once. */
export function style(w: Widget): void {
  addStyle(w.shadowRoot!, CSS);
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

/** when formats an instant in the UI language. */
export const when = (w: Widget, s: string, day?: boolean) =>
  new Date(s).toLocaleString(w.ui, day ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'short', timeStyle: 'short', timeZone: TZ });

/** errP is an error paragraph with a retry button. */
export const errP = (w: Widget, e: unknown, retry: () => void) =>
  h('p', { class: 'err', role: 'alert' }, w.msg(e), h('button', { type: 'button', class: 's', onclick: retry }, tr(w)('retry')));

/**
 * pii looks for personal data in the text of field; when it finds some it
 * asks, in a modal dialog, to mask it, send it anyway or edit. It resolves
 * to the text to send, or null to edit.
 */
export function pii(w: Widget, name: string, field: HTMLTextAreaElement): Promise<string | null> {
  const t = tr(w);
  const text = field.value.trim();
  const found = find(text);
  if (!found.length) return Promise.resolve(text);
  return new Promise((done) => {
    const end = (v: string | null) => {
      d.close();
      d.remove();
      done(v);
      if (v == null) {
        field.focus();
        field.setSelectionRange(found[0].start, found[0].end);
      }
    };
    const b = (id: string, cls: string | null, v: () => string | null) => h('button', { id, type: 'button', class: cls, onclick: () => end(v()) }, t(id));
    const first = b('pii-mask', null, () => (field.value = mask(text, found, w.ui)));
    const d = h('dialog', { id: 'pii', 'aria-labelledby': 'pii-t', 'aria-describedby': 'pii-p', oncancel: (e: Event) => {
      e.preventDefault();
      end(null);
    } },
      h('h2', { id: 'pii-t' }, t('pii-t')),
      h('p', { id: 'pii-p' }, t('pii-p')),
      h('ul', { id: 'pii-list' }, ...found.map((m) => h('li', null, h('strong', null, label(m.kind, w.ui)), ': ', h('bdi', null, m.text), ` (${name})`))),
      h('p', { class: 'row' }, first, b('pii-send', 's', () => text), b('pii-edit', 's', () => null)));
    w.box.append(d);
    d.showModal();
    first.focus();
  });
}

/** save downloads with the session's token (download.ts). */
export { save } from './download';
