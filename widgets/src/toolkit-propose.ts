// The part of <incroci-toolkit> loaded on demand (toolkit-propose.js):
// the sign-in flow, and the proposal form of a new sheet (POST
// /toolkit/sheets) or of a change to the sheet shown (POST
// /toolkit/sheets/:id/revisions, written from the revision shown), by
// section, sent to the editors or kept as a draft, then the files that go
// with it (POST /toolkit/sheets/:id/attachments with its revision_id; the
// limits of GET /toolkit/settings said before sending). Editors review it
// in the console; nothing a proposal says changes a published sheet until
// then, its files included.

import { h } from './base';
import { AUTH, SignIn } from './auth';
import { getSession } from './session';
import type { Att, SheetView, Toolkit, Topic } from './toolkit';
import { CHUNK, KEYS, kind, size } from './toolkit-text';

const P = {
  it: {
    p_new: 'Proponi una scheda',
    p_change: 'Proponi una modifica a «{t}»',
    p_intro: 'La redazione esamina ogni proposta prima che sia pubblicata. Scrivi in Markdown: **grassetto**, elenchi con «-», collegamenti.',
    p_pii: 'Non scrivere dati personali delle persone che assisti.',
    p_signin: 'Per proporre una scheda o una modifica accedi con il tuo indirizzo istituzionale.',
    p_title: 'Titolo',
    p_audience: 'Destinatari',
    p_ambito: 'Di chi è la scheda',
    p_topics: 'Argomenti',
    p_note: 'Nota per la redazione (facoltativa)',
    p_sources: 'Fonti normative su cui si basa',
    p_no_sources: 'Non ci sono ancora fonti normative da scegliere: la redazione le aggiunge.',
    p_submit: 'Invia alla redazione',
    p_draft: 'Salva come bozza',
    p_cancel: 'Annulla',
    p_sending: 'Invio in corso…',
    p_sent: 'Proposta n. {n} inviata alla redazione: la vedrai pubblicata dopo la revisione.',
    p_saved: 'Bozza n. {n} salvata: potrai inviarla alla redazione più tardi.',
    p_sent_c: 'Modifica inviata alla redazione (revisione {n}).',
    p_saved_c: 'Modifica salvata come bozza (revisione {n}).',
    p_what_req: 'Scrivi almeno la sezione «Cos’è».',
    p_title_req: 'Scrivi un titolo di almeno 3 caratteri.',
    p_back: '← Indietro',
    p_f: 'Allega un file alla proposta',
    p_f_hint: 'Moduli, fac-simile, documenti: la redazione li vede con la proposta.',
    p_f_file: 'File',
    p_f_types: 'Tipi ammessi: {types}; al massimo {max}.',
    p_f_title: 'Titolo del file',
    p_f_lang: 'Lingua del file',
    p_f_nolang: 'Non indicata',
    p_f_send: 'Allega',
    p_f_none: 'Scegli un file.',
    p_f_big: 'Il file è troppo grande: al massimo {max}.',
    p_f_done: 'Allegato: {name}',
    p_f_list: 'File allegati alla proposta',
    p_f_rm: 'Togli {name}',
    p_f_rm_s: 'Togli',
    p_f_gone: 'Tolto: {name}',
  },
  en: {
    p_new: 'Propose a sheet',
    p_change: 'Propose a change to “{t}”',
    p_intro: 'The editors review every proposal before it is published. Write in Markdown: **bold**, lists with “-”, links.',
    p_pii: 'Do not write personal data of the people you assist.',
    p_signin: 'To propose a sheet or a change, sign in with your institutional address.',
    p_title: 'Title',
    p_audience: 'Audience',
    p_ambito: 'Whose sheet it is',
    p_topics: 'Topics',
    p_note: 'Note for the editors (optional)',
    p_sources: 'Legal sources it rests on',
    p_no_sources: 'There are no legal sources to choose yet: the editors add them.',
    p_submit: 'Send to the editors',
    p_draft: 'Save as a draft',
    p_cancel: 'Cancel',
    p_sending: 'Sending…',
    p_sent: 'Proposal no. {n} sent to the editors: you will see it published after their review.',
    p_saved: 'Draft no. {n} saved: you can send it to the editors later.',
    p_sent_c: 'Change sent to the editors (revision {n}).',
    p_saved_c: 'Change saved as a draft (revision {n}).',
    p_what_req: 'Write at least the section “What it is”.',
    p_title_req: 'Write a title of at least 3 characters.',
    p_back: '← Back',
    p_f: 'Attach a file to the proposal',
    p_f_hint: 'Forms, templates, documents: the editors see them with the proposal.',
    p_f_file: 'File',
    p_f_types: 'Accepted types: {types}; at most {max}.',
    p_f_title: 'Title of the file',
    p_f_lang: 'Language of the file',
    p_f_nolang: 'Not said',
    p_f_send: 'Attach',
    p_f_none: 'Choose a file.',
    p_f_big: 'The file is too large: at most {max}.',
    p_f_done: 'Attached: {name}',
    p_f_list: 'Files attached to the proposal',
    p_f_rm: 'Remove {name}',
    p_f_rm_s: 'Remove',
    p_f_gone: 'Removed: {name}',
  },
};

/** strings adds the chunk's strings and the sign-in flow's to the widget's own, which win. */
function strings(w: Toolkit) {
  if (!('p_new' in w.dict.it)) w.dict = { it: { ...AUTH.it, ...P.it, ...w.dict.it }, en: { ...AUTH.en, ...P.en, ...w.dict.en } };
}

function signin(w: Toolkit, activate: boolean) {
  strings(w);
  const f = (w.flow ||= new SignIn(w)) as SignIn;
  if (activate && f.activate()) return;
  if (getSession(w.hub)) return w.render();
  f.render();
  w.box.querySelector('form')?.prepend(h('p', { class: 'note' }, w.t('p_signin')));
}

interface Source {
  id: number;
  title: string;
  reference: string;
  expired: boolean;
}

async function propose(w: Toolkit, o: { sheet?: SheetView; sources?: number[]; topics: Topic[]; back(): void }) {
  strings(w);
  if (!getSession(w.hub)) {
    w.back = 'propose';
    w.view = 'signin';
    return signin(w, false);
  }
  const t = w.t.bind(w);
  const my = ++w.seq;
  // The legal sources the caller may name (the network's and their ambiti's); without them the form still works.
  const all = await w.api<Source[]>('/toolkit/sources?per_page=100').then((r) => r.data || [], () => null);
  if (my != w.seq) return;
  const s = o.sheet;
  const rev = s?.revision;
  const ta = (k: string) => h('textarea', { id: 'p-' + k, name: 'sections.' + k, rows: k == 'what' ? 6 : 4, maxlength: 20000 }, rev?.sections[k] || '');
  const title = h('input', { id: 'p-title', name: 'title', type: 'text', maxlength: 200, required: true, value: rev?.title || '' });
  const err = h('p', { id: 'p-error', class: 'err', role: 'alert', hidden: true });
  const send = h('button', { id: 'p-send', type: 'submit' }, t('p_submit'));
  const draft = h('button', { id: 'p-draft', type: 'submit', class: 's', value: 'draft' }, t('p_draft'));
  const topics = h('fieldset', { id: 'p-topics', 'data-field': 'topics', 'aria-describedby': 'p-topics-err' }, h('legend', null, t('p_topics')),
    h('div', { class: 'roles' }, ...o.topics.map((x) => h('label', null, h('input', { type: 'checkbox', name: 'topic', value: x.code }), w.topicName(x.code, o.topics)))),
    h('p', { id: 'p-topics-err', class: 'fe', hidden: true }));
  const fresh = !s && [
    w.fld(t('p_audience'), w.sel('p-audience', [['operators', t('a_operators')], ['citizens', t('a_citizens')]], 'operators')),
    w.fld(t('p_ambito'), w.sel('p-ambito', [['', t('amb_net')], ...(w.ambito ? [[w.ambito, t('amb_own', { a: w.ambito })]] : [])], w.ambito)),
    topics,
  ];
  if (fresh) {
    fresh[0].querySelector('select')!.name = 'audience';
    fresh[1].querySelector('select')!.name = 'ambito';
  }
  const note = h('input', { id: 'p-note', name: 'note', type: 'text', maxlength: 500 });
  const sources = all && h('fieldset', { id: 'p-sources', 'data-field': 'source_ids', 'aria-describedby': 'p-sources-err' }, h('legend', null, t('p_sources')),
    all.length ? h('ul', { class: 'c' }, ...all.map((x) => h('li', null, h('label', { class: 'ck' },
      h('input', { type: 'checkbox', name: 'source', value: x.id, checked: (o.sources || []).includes(x.id) }),
      (x.reference ? x.reference + ' – ' : '') + x.title + (x.expired ? ' (' + t('expired') + ')' : '')))))
      : h('p', { class: 'hint' }, t('p_no_sources')),
    h('p', { id: 'p-sources-err', class: 'fe', hidden: true }));
  const form: HTMLFormElement = h('form', { id: 'propose', novalidate: true, onsubmit: async (e: SubmitEvent) => {
    e.preventDefault();
    const submit = e.submitter != draft;
    w.clear(form, err);
    const sections: Record<string, string> = {};
    for (const k of KEYS) {
      const v = (form.elements.namedItem('sections.' + k) as HTMLTextAreaElement).value.trim();
      if (v) sections[k] = v;
    }
    const ti = title.value.trim();
    if (ti.length < 3) return w.bad(title, t('p_title_req')).focus();
    if (!sections.what) return w.bad(form.elements.namedItem('sections.what') as HTMLElement, t('p_what_req')).focus();
    const btn = submit ? send : draft;
    if (!w.busy(btn, true)) return;
    w.say(t('p_sending'));
    const body: Record<string, unknown> = { title: ti, sections, note: note.value.trim(), submit };
    if (all && (!s || o.sources)) body.source_ids = [...form.querySelectorAll<HTMLInputElement>('input[name=source]:checked')].map((x) => +x.value);
    try {
      let msg: string, sid: number, rid: number;
      if (s) {
        const r = await w.api<{ id: number; number: number }>(`/toolkit/sheets/${s.id}/revisions`, { method: 'POST', body: { ...body, base_id: rev!.id } });
        msg = t(submit ? 'p_sent_c' : 'p_saved_c', { n: r.data.number });
        sid = s.id;
        rid = r.data.id;
      } else {
        const v = (k: string) => (form.elements.namedItem(k) as HTMLSelectElement).value;
        body.audience = v('audience');
        body.ambito = v('ambito');
        body.topics = [...form.querySelectorAll<HTMLInputElement>('input[name=topic]:checked')].map((x) => x.value);
        const r = await w.api<SheetView>('/toolkit/sheets', { method: 'POST', body });
        msg = t(submit ? 'p_sent' : 'p_saved', { n: r.data.id });
        sid = r.data.id;
        rid = r.data.revision.id;
      }
      const done = h('p', { id: 'p-done', class: 'note', tabindex: -1 }, msg);
      w.show([done, attach(w, sid, rid), h('button', { id: 'p-back', type: 'button', class: 's', onclick: () => o.back() }, t('p_back'))], false);
      done.focus();
      w.say(msg);
    } catch (e) {
      w.say('');
      w.fail(form, err, e);
    } finally {
      w.busy(btn, false);
    }
  } },
    h('h2', null, s ? t('p_change', { t: s.title }) : t('p_new')),
    h('p', { class: 'hint' }, t('p_intro')),
    w.fld(t('p_title'), title),
    ...(fresh || []),
    h('p', { id: 'p-pii', class: 'note' }, t('p_pii')),
    ...KEYS.map((k) => w.fld(t('s_' + k), ta(k))),
    sources,
    w.fld(t('p_note'), note),
    err,
    h('div', { class: 'row' }, send, draft, h('button', { id: 'p-cancel', type: 'button', class: 'l', onclick: () => o.back() }, t('p_cancel'))));
  w.show([form]);
}

interface Settings {
  max_attachment_bytes: number;
  attachment_types: string[];
}

/**
 * attach is the form that adds files to revision rid of sheet sid, just
 * proposed: the limits of GET /toolkit/settings in its hint and checked
 * before sending, the API's refusals (type, size) beside the file field,
 * and the files attached, each with a button that takes it off.
 */
function attach(w: Toolkit, sid: number, rid: number): HTMLElement {
  const t = w.t.bind(w);
  let max = 0;
  const file = h('input', { id: 'p-file', name: 'file', type: 'file', onchange: () => {
    const f = file.files?.[0];
    if (f && !title.value.trim()) title.value = f.name.replace(/\.[^.]*$/, '');
  } });
  const title = h('input', { id: 'p-f-title', name: 'title', type: 'text', maxlength: 200 });
  const lang = w.sel('p-f-lang', [['', t('p_f_nolang')], ['it', t('it_name')]], '');
  lang.name = 'lang';
  const err = h('p', { id: 'p-f-error', class: 'err', role: 'alert', hidden: true });
  const btn = h('button', { id: 'p-attach', type: 'submit', class: 's' }, t('p_f_send'));
  const list = h('ul', { id: 'p-files', 'aria-label': t('p_f_list') });
  const ff = w.fld(t('p_f_file'), file, ' ');
  const hint = ff.querySelector('.hint')!;
  w.api<Settings>('/toolkit/settings').then((r) => {
    max = r.data.max_attachment_bytes;
    hint.textContent = t('p_f_types', { types: [...new Set(r.data.attachment_types.map(kind))].join(', '), max: size(max) });
  }, () => (hint.textContent = ''));
  w.meta().then(([, ls]) => lang.append(...ls.filter((l) => l.code != 'it').map((l) => h('option', { value: l.code }, l.name_native))), () => {});
  const form: HTMLFormElement = h('form', { id: 'p-attach-form', novalidate: true, 'aria-labelledby': 'p-f-t', onsubmit: async (e: Event) => {
    e.preventDefault();
    w.clear(form, err);
    const f = file.files?.[0];
    if (!f) return w.bad(file, t('p_f_none')).focus();
    if (max && f.size > max) return w.bad(file, t('p_f_big', { max: size(max) })).focus();
    if (!w.busy(btn, true)) return;
    w.say(t('p_sending'));
    const fd = new FormData();
    fd.append('title', title.value.trim() || f.name);
    fd.append('lang', lang.value);
    fd.append('revision_id', String(rid));
    fd.append('file', f);
    try {
      const r = await w.api<Att>(`/toolkit/sheets/${sid}/attachments`, { method: 'POST', body: fd, timeout: 6e4 });
      const a = r.data;
      const rm: HTMLElement = h('button', { type: 'button', class: 'l', 'aria-label': t('p_f_rm', { name: a.title }), onclick: async () => {
        if (!w.busy(rm, true)) return;
        try {
          await w.api(`/toolkit/sheets/${sid}/attachments/${a.id}`, { method: 'DELETE' });
          li.remove();
          w.say(t('p_f_gone', { name: a.title }));
          file.focus();
        } catch (x) {
          w.busy(rm, false);
          w.say(w.msg(x));
        }
      } }, t('p_f_rm_s'));
      const li = h('li', null, h('bdi', null, a.title), ` (${kind(a.content_type)}, ${size(a.size)}) `, rm);
      list.append(li);
      form.reset();
      w.say(t('p_f_done', { name: a.title }));
    } catch (x) {
      w.say('');
      // The API's refusal of the file's type or size goes beside the field.
      const st = (x as { status?: number }).status;
      if (st == 413 || st == 415) w.bad(file, w.msg(x)).focus();
      else w.fail(form, err, x);
    } finally {
      w.busy(btn, false);
    }
  } },
    h('h2', { id: 'p-f-t' }, t('p_f')), h('p', { class: 'hint' }, t('p_f_hint')), ff, w.fld(t('p_f_title'), title), w.fld(t('p_f_lang'), lang), err, btn);
  return h('section', null, form, list);
}

(window as any)[CHUNK] = { signin, propose };
