// The training's "Questionari" tab of <incroci-console>, a chunk of its own
// (console-surveys.js) for coordinators and admins: the needs surveys they
// run; a draft written and rewritten (title, intro, audience, window,
// anonymity, questions of each kind, reordered and removed); publishing
// (final); results per question as SVG bars with a table, breakdowns by
// role and ambito (small groups suppressed), the CSV; options turned into
// needs, and the needs with whether a course covers them.

import { h, Widget } from './base';
import type { View } from './console';
import { addStyle } from './style';
import { bars, CHART_CSS, ck, Dict, errP, fld, group, inp, local, rfc, save, sure, table, tr, when } from './console-tui';

const ROLES = ['operator', 'consultant', 'mediator', 'trainer', 'editor', 'coordinator'];
const KINDS = ['single', 'multiple', 'likert', 'ranking', 'text'];

const D: Dict = {
  it: {
    title: 'Questionari sui bisogni',
    loading: 'Caricamento…',
    retry: 'Riprova',
    back: '← Torna all’elenco',
    count: 'Questionari: {n}',
    empty: 'Nessun questionario: creane uno qui sotto.',
    new: 'Nuovo questionario',
    create: 'Crea la bozza',
    created: 'Bozza creata.',
    edit: 'Modifica la bozza',
    save: 'Salva la bozza',
    saved: 'Bozza salvata.',
    s_title: 'Titolo',
    intro: 'Introduzione',
    ambiti: 'Ambiti destinatari (separati da virgole)',
    roles: 'Ruoli destinatari',
    opens: 'Aperto dal (ora italiana)',
    closes: 'Aperto fino al (ora italiana)',
    anonymous: 'Risposte anonime',
    announce: 'Avvisa per e-mail chi deve rispondere, quando il questionario si apre',
    questions: 'Domande',
    q_n: 'Domanda {n}',
    q_add: 'Aggiungi una domanda',
    q_kind: 'Tipo',
    q_text: 'Testo della domanda',
    q_req: 'Obbligatoria',
    q_opts: 'Opzioni (una per riga)',
    q_labels: 'Etichette dei 5 punti (una per riga)',
    q_topics: 'Temi da ordinare',
    q_max: 'Lunghezza massima della risposta',
    up: 'Su',
    down: 'Giù',
    remove: 'Togli',
    single: 'scelta singola',
    multiple: 'scelta multipla',
    likert: 'scala da 1 a 5',
    ranking: 'ordine dei temi',
    text: 'testo libero',
    state: 'Stato',
    draft: 'bozza',
    published: 'pubblicato',
    window: 'Periodo',
    responses: 'Risposte',
    publish: 'Pubblica',
    publish_c: 'Conferma: pubblicare? Dopo non si potrà più modificare.',
    published_now: 'Questionario pubblicato.',
    frozen: 'Pubblicato il {when}: le domande non si possono più modificare.',
    results: 'Risultati',
    r_count: 'Risposte: {n}',
    answered: 'Hanno risposto: {n}',
    option: 'Opzione',
    n_pct: '{n} ({p}%)',
    mean: 'Media: {m}',
    rank: 'Tema',
    mean_pos: 'Posizione media (1 = prima)',
    texts: 'Risposte libere',
    no_texts: 'Nessuna risposta libera.',
    by_role: 'Per ruolo',
    by_ambito: 'Per ambito',
    group: 'Gruppo',
    suppressed: 'non mostrato: meno di {n} risposte',
    figures: 'Dati',
    csv: 'Scarica le risposte (CSV)',
    csv_done: 'Scaricato il file {file}.',
    need: 'Crea un bisogno: {label}',
    need_q: 'Crea un bisogno dalla domanda',
    need_done: 'Bisogno creato: {label}.',
    needs: 'Bisogni formativi',
    n_count: 'Bisogni: {n}',
    n_empty: 'Nessun bisogno.',
    n_label: 'Bisogno',
    covered: 'Coperto da un corso',
    yes: 'sì',
    no: 'no, scoperto',
    chart_empty: 'Nessun dato.',
    required: 'Campo obbligatorio.',
    operator: 'Operatore sociale',
    consultant: 'Consulente legale',
    mediator: 'Mediatore linguistico-culturale',
    trainer: 'Formatore / supervisore',
    editor: 'Redattore del toolkit',
    coordinator: 'Coordinatore d’ambito',
  },
  en: {
    title: 'Needs surveys',
    loading: 'Loading…',
    retry: 'Try again',
    back: '← Back to the list',
    count: 'Surveys: {n}',
    empty: 'No surveys: create one below.',
    new: 'New survey',
    create: 'Create the draft',
    created: 'Draft created.',
    edit: 'Edit the draft',
    save: 'Save the draft',
    saved: 'Draft saved.',
    s_title: 'Title',
    intro: 'Introduction',
    ambiti: 'Districts addressed (comma separated)',
    roles: 'Roles addressed',
    opens: 'Open from (Italian time)',
    closes: 'Open until (Italian time)',
    anonymous: 'Anonymous answers',
    announce: 'E-mail those who should answer when the survey opens',
    questions: 'Questions',
    q_n: 'Question {n}',
    q_add: 'Add a question',
    q_kind: 'Kind',
    q_text: 'Question text',
    q_req: 'Required',
    q_opts: 'Options (one a line)',
    q_labels: 'Labels of the 5 points (one a line)',
    q_topics: 'Topics to rank',
    q_max: 'Longest answer',
    up: 'Up',
    down: 'Down',
    remove: 'Remove',
    single: 'single choice',
    multiple: 'multiple choice',
    likert: 'scale from 1 to 5',
    ranking: 'ranking of topics',
    text: 'free text',
    state: 'State',
    draft: 'draft',
    published: 'published',
    window: 'Period',
    responses: 'Answers',
    publish: 'Publish',
    publish_c: 'Confirm: publish? It cannot be changed afterwards.',
    published_now: 'Survey published.',
    frozen: 'Published on {when}: the questions can no longer be changed.',
    results: 'Results',
    r_count: 'Answers: {n}',
    answered: 'Answered: {n}',
    option: 'Option',
    n_pct: '{n} ({p}%)',
    mean: 'Mean: {m}',
    rank: 'Topic',
    mean_pos: 'Mean position (1 = first)',
    texts: 'Free answers',
    no_texts: 'No free answers.',
    by_role: 'By role',
    by_ambito: 'By district',
    group: 'Group',
    suppressed: 'not shown: fewer than {n} answers',
    figures: 'Figures',
    csv: 'Download the answers (CSV)',
    csv_done: 'Downloaded the file {file}.',
    need: 'Make a need: {label}',
    need_q: 'Make a need of the question',
    need_done: 'Need created: {label}.',
    needs: 'Training needs',
    n_count: 'Needs: {n}',
    n_empty: 'No needs.',
    n_label: 'Need',
    covered: 'Covered by a course',
    yes: 'yes',
    no: 'no, uncovered',
    chart_empty: 'No figures.',
    required: 'Required field.',
    operator: 'Social worker',
    consultant: 'Legal consultant',
    mediator: 'Linguistic-cultural mediator',
    trainer: 'Trainer / supervisor',
    editor: 'Toolkit editor',
    coordinator: 'District coordinator',
  },
};

interface Question { id?: number; kind: string; text: string; required: boolean; options: string[]; labels: string[]; topics: string[]; max_length: number }
interface Survey {
  id: number; ambito: string; kind: string; title: string; intro: string; audience_ambiti: string[]; audience_roles: string[]; opens_at: string; closes_at: string;
  anonymous: boolean; announce: boolean; state: string; published_at: string | null; questions: Question[]; responses?: number;
}
interface OC { value: string; label: string; count: number; percent: number }
interface TR { topic: string; label_it: string; label_en: string; mean_position: number }
interface BD { group: string; suppressed: boolean; answered: number; options: OC[]; mean: number | null; ranking: TR[] }
interface QR { question_id: number; position: number; kind: string; text: string; answered: number; options: OC[]; mean: number | null; ranking: TR[]; texts: string[]; by_role: BD[]; by_ambito: BD[] }
interface Results { responses: number; min_cell: number; questions: QR[] }
interface Need { id: number; survey_id: number; question_id: number; option: string; label: string; covered: boolean }
interface Topic { code: string; label_it: string; label_en: string }

export const surveys: View = (w, box, me) => {
  addStyle(w.shadowRoot!, CHART_CSS + '.q{border:1px solid var(--_l);border-radius:var(--_r);padding:.5em .75em;margin:0 0 1em}');
  const t = tr(w, D);
  let topics: Topic[] = [];
  const tl = (x: { label_it: string; label_en: string }) => (w.ui == 'en' ? x.label_en : x.label_it);
  const ready = w.api<Topic[]>('/training/topics').then((r) => (topics = r.data || []), () => {});
  const fmt = (n: number) => n.toLocaleString(w.ui, { maximumFractionDigits: 2 });
  const enc = encodeURIComponent;

  async function home(focus = false, said = '') {
    const title = h('h2', { id: 'sv-t', tabindex: -1 }, t('title'));
    const out = h('div', { 'aria-busy': 'true' }, h('p', null, t('loading')));
    const needs = h('div');
    const form = h('div');
    box.replaceChildren(title, said ? h('p', { id: 'sv-result', class: 'note', role: 'status' }, said) : '', out,
      h('details', { id: 'sn-box' }, h('summary', null, t('new')), form), h('h3', null, t('needs')), needs);
    if (focus) title.focus();
    ready.then(() => form.replaceChildren(surveyForm('sn')));
    loadNeeds(needs, '?ambito=' + enc(w.ambito));
    try {
      const all: Survey[] = [];
      for (let p = 1; p < 20; p++) {
        const r = await w.api<Survey[]>(`/training/surveys?page=${p}&per_page=100`);
        all.push(...(r.data || []));
        if (all.length >= (r.page?.total ?? 0) || !r.data?.length) break;
      }
      // The ones this console runs: their owners see their responses.
      const mine = all.filter((s) => s.responses !== undefined && s.kind == 'needs' && (s.ambito == w.ambito || (me.admin && !s.ambito)));
      out.replaceChildren(table('sv-table', t('count', { n: mine.length }), [t('s_title'), t('state'), t('window'), t('responses')], mine.map((s) => h('tr', { id: 'sv-' + s.id },
        h('th', { scope: 'row' }, h('button', { id: 'sv-open-' + s.id, type: 'button', class: 'l', onclick: () => survey(s.id) }, s.title)),
        h('td', null, t(s.state)), h('td', null, when(w, s.opens_at) + ' – ' + when(w, s.closes_at)), h('td', null, s.responses ?? 0))), t('empty')));
      if (said) w.say(said);
      else w.say(t('count', { n: mine.length }));
    } catch (e) {
      out.replaceChildren(errP(w, e, () => home(), t('retry')));
    }
    out.setAttribute('aria-busy', 'false');
  }

  async function loadNeeds(out: HTMLElement, q: string) {
    out.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    try {
      const ns = (await w.api<Need[]>('/training/needs' + q + '&per_page=100')).data || [];
      out.replaceChildren(table('nd-table', t('n_count', { n: ns.length }), [t('n_label'), t('covered')],
        ns.map((n) => h('tr', { id: 'nd-' + n.id }, h('th', { scope: 'row' }, n.label), h('td', { class: n.covered ? 'cov' : 'unc' }, t(n.covered ? 'yes' : 'no')))), t('n_empty')));
    } catch (e) {
      out.replaceChildren(errP(w, e, () => loadNeeds(out, q), t('retry')));
    }
  }

  /** surveyForm writes a draft: a new one (POST) or s (PUT). */
  function surveyForm(p: string, s?: Survey): HTMLFormElement {
    const err = h('p', { id: p + '-error', class: 'err', role: 'alert', hidden: true });
    const btn = h('button', { id: p + '-save', type: 'submit' }, t(s ? 'save' : 'create'));
    const intro = h('textarea', { id: p + '-intro', name: 'intro', rows: 3, maxlength: 5000 });
    intro.value = s?.intro || '';
    const anon = h('input', { type: 'checkbox', id: p + '-anonymous', name: 'anonymous', checked: s ? s.anonymous : true });
    const ann = h('input', { type: 'checkbox', id: p + '-announce', name: 'announce', checked: s ? s.announce : true });
    const qs = h('div', { id: p + '-qs' });
    let n = 0;
    const renumber = () => [...qs.children].forEach((c, i) => (c.querySelector('legend')!.textContent = t('q_n', { n: i + 1 })));
    const question = (q?: Question) => {
      const i = ++n;
      const id = `${p}-q${i}`;
      const kind = h('select', { id: id + '-kind', name: id + '-kind' }, ...KINDS.map((k) => h('option', { value: k, selected: k == (q?.kind || 'single') }, t(k))));
      const text = inp(id + '-text', id + '-text', 'text', q?.text || '', { maxlength: 500 });
      const req = h('input', { type: 'checkbox', id: id + '-req', checked: !!q?.required });
      const opts = h('textarea', { id: id + '-options', name: id + '-options', rows: 3 });
      opts.value = (q?.options || []).join('\n');
      const labels = h('textarea', { id: id + '-labels', name: id + '-labels', rows: 5 });
      labels.value = (q?.labels || []).join('\n');
      const tps = group(id + '-topics', id + '-topics', t('q_topics'), h('div', { class: 'roles' }, ...topics.map((x) => ck(`${id}-tp-${x.code}`, id + '-tp', x.code, tl(x), !!q?.topics?.includes(x.code)))));
      const max = inp(id + '-max', id + '-max', 'number', q?.max_length || '', { min: 0, max: 5000 });
      const parts: Record<string, HTMLElement> = { options: fld(t('q_opts'), opts), labels: fld(t('q_labels'), labels), topics: tps, max: fld(t('q_max'), max) };
      const shown = () => {
        const k = kind.value;
        parts.options.hidden = k != 'single' && k != 'multiple';
        parts.labels.hidden = k != 'likert';
        parts.topics.hidden = k != 'ranking';
        parts.max.hidden = k != 'text';
      };
      kind.onchange = shown;
      const mv = (d: number, b: HTMLElement) => {
        const sib = d < 0 ? row.previousElementSibling : row.nextElementSibling;
        if (!sib) return;
        if (d < 0) sib.before(row);
        else sib.after(row);
        renumber();
        b.focus();
      };
      const row: HTMLElement = h('fieldset', { class: 'q', 'data-q': id },
        h('legend', null, ''),
        h('div', { class: 'mt' }, fld(t('q_kind'), kind), fld(t('q_text'), text), h('label', { class: 'ck', for: req.id }, req, t('q_req'))),
        parts.options, parts.labels, parts.topics, parts.max,
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 's', id: id + '-up', onclick: (ev: Event) => mv(-1, ev.currentTarget as HTMLElement) }, t('up')),
          h('button', { type: 'button', class: 's', id: id + '-down', onclick: (ev: Event) => mv(1, ev.currentTarget as HTMLElement) }, t('down')),
          h('button', { type: 'button', class: 's', id: id + '-rm', onclick: () => {
            row.remove();
            renumber();
            (qs.querySelector<HTMLElement>('select') || add).focus();
          } }, t('remove'))));
      shown();
      qs.append(row);
      renumber();
    };
    const add = h('button', { id: p + '-q-add', type: 'button', class: 's', onclick: () => {
      question();
      (qs.lastElementChild?.querySelector('select') as HTMLElement | null)?.focus();
    } }, t('q_add'));
    (s?.questions.length ? s.questions : [undefined]).forEach(question);
    const form: HTMLFormElement = h('form', { id: p, novalidate: true, onsubmit: async (ev: Event) => {
      ev.preventDefault();
      w.clear(form, err);
      const v = (k: string) => (form.querySelector(`[name="${k}"]`) as HTMLInputElement).value.trim();
      const lines = (el: Element | null) => (el as HTMLTextAreaElement).value.split('\n').map((x) => x.trim()).filter((x) => x);
      const rows = [...qs.children] as HTMLElement[];
      const questions = rows.map((r) => {
        const id = r.dataset.q!;
        const k = (r.querySelector(`#${id}-kind`) as HTMLSelectElement).value;
        const q: Record<string, unknown> = { kind: k, text: (r.querySelector(`#${id}-text`) as HTMLInputElement).value.trim(), required: (r.querySelector(`#${id}-req`) as HTMLInputElement).checked };
        if (k == 'single' || k == 'multiple') q.options = lines(r.querySelector(`#${id}-options`));
        if (k == 'likert') q.labels = lines(r.querySelector(`#${id}-labels`));
        if (k == 'ranking') q.topics = [...r.querySelectorAll<HTMLInputElement>(`[name=${id}-tp]:checked`)].map((x) => x.value);
        if (k == 'text') q.max_length = +(r.querySelector(`#${id}-max`) as HTMLInputElement).value || 0;
        return q;
      });
      const body = {
        ambito: s ? s.ambito : w.ambito, kind: 'needs', title: v('title'), intro: intro.value.trim(),
        audience_ambiti: v('audience_ambiti').split(',').map((x) => x.trim()).filter((x) => x),
        audience_roles: [...form.querySelectorAll<HTMLInputElement>('[name=audience_roles]:checked')].map((x) => x.value),
        opens_at: rfc(v('opens_at')), closes_at: rfc(v('closes_at')), anonymous: anon.checked, announce: ann.checked, questions,
      };
      if (!w.busy(btn, true)) return;
      try {
        const r = await w.api<Survey>('/training/surveys' + (s ? '/' + s.id : ''), { method: s ? 'PUT' : 'POST', body });
        survey(r.data.id, t(s ? 'saved' : 'created'));
      } catch (x) {
        w.busy(btn, false);
        w.fail(form, err, x);
        // "questions[1].options" marks that question's field (and not the whole list).
        let one = false;
        for (const f of ((x as { fields?: { field: string; message: string }[] }).fields || [])) {
          const m = /^questions\[(\d+)\](?:\.(\w+))?/.exec(f.field);
          const r = m && rows[+m[1]];
          if (!r) continue;
          const k = ({ max_length: 'max' } as Record<string, string>)[m![2]] || m![2] || 'text';
          const el = r.querySelector<HTMLElement>(`#${r.dataset.q}-${k}`) || r.querySelector<HTMLElement>(`#${r.dataset.q}-text`);
          if (el) {
            w.bad(el, f.message);
            err.hidden = one = true;
          }
        }
        if (one) {
          const all = form.querySelector<HTMLElement>('#' + p + '-questions')!;
          all.removeAttribute('aria-invalid');
          form.querySelector<HTMLElement>('#' + p + '-questions-err')!.hidden = true;
          qs.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
        }
      }
    } },
      fld(t('s_title'), inp(p + '-title', 'title', 'text', s?.title || '', { maxlength: 200 })),
      fld(t('intro'), intro),
      fld(t('ambiti'), inp(p + '-audience_ambiti', 'audience_ambiti', 'text', (s?.audience_ambiti || [w.ambito]).join(', '))),
      group(p + '-roles', 'audience_roles', t('roles'), h('div', { class: 'roles' }, ...ROLES.map((r) => ck(`${p}-role-${r}`, 'audience_roles', r, t(r), !!s?.audience_roles.includes(r))))),
      fld(t('opens'), inp(p + '-opens_at', 'opens_at', 'datetime-local', local(s?.opens_at || ''))),
      fld(t('closes'), inp(p + '-closes_at', 'closes_at', 'datetime-local', local(s?.closes_at || ''))),
      h('label', { class: 'ck', for: anon.id }, anon, t('anonymous')),
      h('label', { class: 'ck', for: ann.id }, ann, t('announce')),
      h('fieldset', { id: p + '-questions', 'data-field': 'questions', 'aria-describedby': p + '-questions-err' }, h('legend', null, t('questions')), qs, add,
        h('p', { id: p + '-questions-err', class: 'fe', hidden: true })),
      err, btn);
    return form;
  }

  /** survey shows a survey: its draft form, or its results once published. */
  async function survey(id: number, said = '') {
    const back = h('button', { id: 'sv-back', type: 'button', class: 'l', onclick: () => home(true) }, t('back'));
    box.replaceChildren(back, h('p', { 'aria-busy': 'true' }, t('loading')));
    let s: Survey;
    try {
      [s] = await Promise.all([w.api<Survey>('/training/surveys/' + id).then((r) => r.data), ready]);
    } catch (e) {
      return box.replaceChildren(back, errP(w, e, () => survey(id), t('retry')));
    }
    if (!box.isConnected) return;
    const title = h('h2', { id: 'sp-t', tabindex: -1 }, s.title);
    const res = h('p', { id: 'sp-result', class: 'note', role: 'status' }, said);
    box.replaceChildren(back, title, res, s.intro ? h('p', { id: 'sp-intro' }, s.intro) : '',
      h('p', null, when(w, s.opens_at) + ' – ' + when(w, s.closes_at) + ' · ' + s.audience_roles.map((r) => t(r)).join(', ') + ' · ' + s.audience_ambiti.join(', ')));
    title.focus();
    if (said) w.say(said);
    if (s.state == 'draft') {
      const pub = sure(w, 'sp-publish', t('publish'), t('publish_c'), async (b) => {
        if (!w.busy(b, true)) return;
        try {
          await w.api(`/training/surveys/${id}/publish`, { method: 'POST' });
          survey(id, t('published_now'));
        } catch (x) {
          w.busy(b, false);
          res.textContent = w.msg(x);
        }
      }, null);
      box.append(h('p', null, pub), h('h3', null, t('edit')), surveyForm('se', s));
      return;
    }
    box.append(h('p', { id: 'sp-frozen', class: 'note' }, t('frozen', { when: when(w, s.published_at) })));
    const out = h('div', { id: 'rs', 'aria-busy': 'true' }, h('p', null, t('loading')));
    const needs = h('div');
    const csv: HTMLElement = h('button', { id: 'rs-csv', type: 'button', class: 's', onclick: async () => {
      if (!w.busy(csv, true)) return;
      const file = `incroci-questionario-${id}.csv`;
      try {
        await save(w, `/training/surveys/${id}/results.csv`, file);
        res.textContent = t('csv_done', { file });
      } catch (x) {
        res.textContent = w.msg(x);
      } finally {
        w.busy(csv, false);
      }
    } }, t('csv'));
    box.append(h('h3', null, t('results')), h('p', null, csv), out, h('h3', null, t('needs')), needs);
    loadNeeds(needs, '?survey_id=' + id);
    try {
      const r = (await w.api<Results>(`/training/surveys/${id}/results`)).data;
      out.replaceChildren(h('p', { id: 'rs-count' }, t('r_count', { n: r.responses })), ...r.questions.map((q) => result(s, r, q, res, needs)));
    } catch (x) {
      out.replaceChildren(errP(w, x, () => survey(id), t('retry')));
    }
    out.setAttribute('aria-busy', 'false');
  }

  /** result draws one question's results. */
  function result(s: Survey, r: Results, q: QR, res: HTMLElement, needs: HTMLElement): HTMLElement {
    const p = 'rq-' + q.question_id;
    const mkNeed = (option: string, label: string, text: string) => {
      const b: HTMLElement = h('button', { id: `${p}-need-${option || 'q'}`, type: 'button', class: 's', onclick: async () => {
        if (!w.busy(b, true)) return;
        try {
          await w.api(`/training/surveys/${s.id}/needs`, { method: 'POST', body: { needs: [{ question_id: q.question_id, option, label }] } });
          res.textContent = t('need_done', { label });
          w.say(res.textContent);
          loadNeeds(needs, '?survey_id=' + s.id);
        } catch (x) {
          res.textContent = w.msg(x);
        } finally {
          w.busy(b, false);
        }
      } }, text);
      return b;
    };
    const pct = (o: OC) => t('n_pct', { n: o.count, p: fmt(o.percent) });
    const sec = h('section', { id: p, 'aria-labelledby': p + '-t' }, h('h4', { id: p + '-t' }, `${q.position}. ${q.text}`), h('p', null, t('answered', { n: q.answered })));
    if (q.kind == 'single' || q.kind == 'multiple' || q.kind == 'likert') {
      sec.append(bars(p + '-ch', q.text, q.options.map((o) => ({ label: o.label, value: o.count, text: pct(o) })), [t('option'), t('responses')], t('chart_empty')));
      if (q.mean != null) sec.append(h('p', { id: p + '-mean' }, t('mean', { m: fmt(q.mean) })));
      if (q.kind != 'likert') sec.append(h('div', { class: 'row' }, ...q.options.map((o) => mkNeed(o.value, o.label, t('need', { label: o.label })))));
    } else if (q.kind == 'ranking') {
      // A shorter bar is a worse place: the bar is how many places from the last.
      const n = q.ranking.length;
      sec.append(bars(p + '-ch', q.text + ' · ' + t('mean_pos'), q.ranking.map((x) => ({ label: tl(x), value: n + 1 - x.mean_position, text: fmt(x.mean_position) })), [t('rank'), t('mean_pos')], t('chart_empty')),
        h('div', { class: 'row' }, ...q.ranking.map((x) => mkNeed(x.topic, tl(x), t('need', { label: tl(x) })))));
    } else {
      sec.append(h('h5', null, t('texts')), q.texts.length ? h('ul', { id: p + '-texts' }, ...q.texts.map((x) => h('li', null, x))) : h('p', null, t('no_texts')),
        h('div', { class: 'row' }, mkNeed('', q.text, t('need_q'))));
    }
    const bd = (k: 'by_role' | 'by_ambito', list: BD[]) => {
      const cols = q.kind == 'ranking' ? q.ranking.map(tl) : q.options.map((o) => o.label);
      // A group's ranking comes in its own order: its cells follow the columns' topics.
      const fig = (b: BD) => (q.kind == 'ranking' ? q.ranking.map((c) => {
        const x = b.ranking.find((y) => y.topic == c.topic);
        return x ? fmt(x.mean_position) : '—';
      }) : b.options.map((o) => pct(o)));
      return table(`${p}-${k}`, t(k), [t('group'), t('responses'), ...cols, ...(q.kind == 'likert' ? [t('mean', { m: '' }).replace(/:\s*$/, '')] : [])], list.map((b) => h('tr', null,
        h('th', { scope: 'row' }, k == 'by_role' ? t(b.group) : b.group),
        ...(b.suppressed ? [h('td', { class: 'sup', colspan: cols.length + 1 + (q.kind == 'likert' ? 1 : 0) }, t('suppressed', { n: r.min_cell }))]
          : [h('td', null, b.answered), ...fig(b).map((x) => h('td', null, x)), ...(q.kind == 'likert' ? [h('td', null, b.mean == null ? '—' : fmt(b.mean))] : [])]))), t('chart_empty'));
    };
    if (q.kind != 'text') sec.append(bd('by_role', q.by_role), bd('by_ambito', q.by_ambito));
    return sec;
  }

  home();
  return () => {};
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, tsurveys: surveys };
