// The "Fonti" tab of <incroci-console>, a chunk of its own
// (console-sources.js): the legal sources sheets rest on (GET
// /toolkit/sources), a new one recorded (POST), one changed with a note
// (PATCH /toolkit/sources/:id): a change of its text, version or validity
// flags every sheet resting on it, and the tab says how many.

import { h } from './base';
import type { View } from './console';
import { amb, errP, fld, list, scope, sel, style, tr, when } from './console-toolkit-ui';

interface Src {
  id: number;
  ambito: string;
  kind: string;
  title: string;
  reference: string;
  url: string;
  version: string;
  text: string;
  valid_from: string;
  valid_to: string;
  expired: boolean;
  sheet_count?: number;
  changes?: { id: number; kind: string; note: string; sheets: number; created_at: string }[];
}

const KINDS = ['law', 'circular', 'form', 'other'];
// The fields of a source people write, in order: name, input type.
const FIELDS: [string, string][] = [['title', 'text'], ['reference', 'text'], ['url', 'url'], ['version', 'text'], ['valid_from', 'date'], ['valid_to', 'date'], ['text', '']];

/** sources is the "Fonti" tab. */
export const sources: View = (w, box) => {
  style(w);
  const t = tr(w);
  let seq = 0;
  const f = { q: '', ambito: '' };

  /** inputs are the fields of a source, filled from s, their ids prefixed with p. */
  const inputs = (p: string, s?: Src) => FIELDS.map(([n, type]) => {
    const a = { id: `${p}-${n}`, name: n, maxlength: n == 'text' ? 20000 : 300 };
    const el = type ? h('input', { ...a, type, value: s ? (s as any)[n] : '' }) : h('textarea', { ...a, rows: 4 });
    if (!type) (el as HTMLTextAreaElement).value = s?.text || '';
    return fld(t(n == 'title' ? 'title' : n), el);
  });
  const vals = (form: HTMLFormElement) => Object.fromEntries(FIELDS.map(([n]) => [n, (form.elements.namedItem(n) as HTMLInputElement).value.trim()]));

  function home(focus = false, said = '') {
    seq++;
    const title = h('h2', { id: 'so-t', tabindex: -1 }, t('so_title'));
    const qi = h('input', { id: 'so-q', name: 'q', type: 'search', value: f.q });
    const sc = scope(w, 'so-scope');
    (sc.querySelector('select') as HTMLSelectElement).value = f.ambito;
    const out = h('div', { id: 'so-list' });
    const go = list<Src>(w, 'so-table', out, () => {
      const qs = new URLSearchParams();
      if (f.q) qs.set('q', f.q);
      if (f.ambito) qs.set('ambito', f.ambito);
      return '/toolkit/sources?' + qs;
    }, ['kind', 'ref', 'validity', 'ambito'], (s) => [t('k_' + s.kind), [s.reference, s.version].filter((x) => x).join(' · ') || '—',
      h('span', null, `${s.valid_from ? when(w, s.valid_from, true) : '…'} – ${s.valid_to ? when(w, s.valid_to, true) : '…'}`, s.expired && ' ', s.expired && h('span', { class: 'b warn' }, t('expired'))),
      amb(t, s.ambito)], edit, 'so_count', 'so_empty');
    const err = h('p', { id: 'sn-error', class: 'err', role: 'alert', hidden: true });
    const make: HTMLElement = h('button', { id: 'sn-save', type: 'submit' }, t('so_create'));
    const form: HTMLFormElement = h('form', { id: 'sn', novalidate: true, onsubmit: async (e: Event) => {
      e.preventDefault();
      w.clear(form, err);
      if (!w.busy(make, true)) return;
      const v = (n: string) => (form.elements.namedItem(n) as HTMLSelectElement).value;
      try {
        const r = await w.api<Src>('/toolkit/sources', { method: 'POST', body: { ...vals(form), kind: v('kind'), ambito: v('ambito') } });
        home(true, t('so_created', { title: r.data.title }));
      } catch (e) {
        w.busy(make, false);
        w.fail(form, err, e);
      }
    } },
      h('div', { class: 'row' }, fld(t('ambito'), sel('sn-ambito', 'ambito', [[w.ambito, w.ambito], ['', t('network')]], w.ambito)),
        fld(t('kind'), sel('sn-kind', 'kind', KINDS.map((k) => [k, t('k_' + k)])))),
      ...inputs('sn'), err, make);
    box.replaceChildren(title, h('p', { class: 'hint' }, t('so_hint')),
      h('form', { role: 'search', class: 'row', onsubmit: (e: Event) => {
        e.preventDefault();
        f.q = qi.value.trim();
        f.ambito = (sc.querySelector('select') as HTMLSelectElement).value;
        go();
      } }, fld(t('so_q'), qi), sc, h('button', { id: 'so-search', type: 'submit', class: 's' }, t('search'))),
      out, h('details', { id: 'sn-box' }, h('summary', null, t('so_new')), form));
    if (focus) title.focus();
    go().then(() => said && w.say(said));
  }

  async function edit(id: number, said = '') {
    const my = ++seq;
    const back = h('button', { id: 'so-back', type: 'button', class: 'l', onclick: () => home(true) }, t('back'));
    if (!said) box.replaceChildren(back, h('p', null, t('loading')));
    try {
      const s = (await w.api<Src>('/toolkit/sources/' + id)).data;
      if (my != seq) return;
      const title = h('h2', { id: 'se-t', tabindex: -1 }, t('so_edit', { title: s.title }));
      const err = h('p', { id: 'se-error', class: 'err', role: 'alert', hidden: true });
      const save: HTMLElement = h('button', { id: 'se-save', type: 'submit' }, t('so_save'));
      const note = h('textarea', { id: 'se-note', name: 'note', rows: 2, maxlength: 500 });
      const form: HTMLFormElement = h('form', { id: 'se', novalidate: true, onsubmit: async (e: Event) => {
        e.preventDefault();
        w.clear(form, err);
        // Only what changed: the API flags the sheets when text, version or validity do.
        const body: Record<string, string> = { note: note.value.trim() };
        for (const [k, v] of Object.entries(vals(form))) if (v != (s as any)[k]) body[k] = v;
        if (!w.busy(save, true)) return;
        try {
          const r = (await w.api<Src>('/toolkit/sources/' + id, { method: 'PATCH', body })).data;
          const ch = r.changes || [];
          const n = ch.length > (s.changes || []).length ? ch[0].sheets : -1;
          edit(id, n < 0 ? t('saved') : t('so_flagged', { n }));
        } catch (e) {
          w.busy(save, false);
          w.fail(form, err, e);
        }
      } }, ...inputs('se', s), fld(t('so_note'), note), err, save);
      const changes = s.changes || [];
      box.replaceChildren(back, title,
        h('p', { id: 'se-meta' }, `${t('k_' + s.kind)} · ${amb(t, s.ambito)} · `, t('so_sheets', { n: s.sheet_count ?? 0 })),
        said ? h('p', { id: 'se-result', class: 'note', role: 'status' }, said) : '',
        form,
        h('section', { 'aria-labelledby': 'se-ch-t' }, h('h3', { id: 'se-ch-t' }, t('so_changes')),
          changes.length ? h('ul', { id: 'se-changes' }, ...changes.map((c) => h('li', null, t('ch_line', { when: when(w, c.created_at), kind: t('ch_' + c.kind), n: c.sheets, note: c.note }))))
            : h('p', { class: 'note' }, '—')));
      title.focus();
      if (said) w.say(said);
    } catch (e) {
      if (my == seq) box.replaceChildren(back, errP(w, e, () => edit(id)));
    }
  }

  home();
  return () => seq++;
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, sources };
