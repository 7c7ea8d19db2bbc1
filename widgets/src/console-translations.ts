// The "Traduzioni" tab of <incroci-console>, a chunk of its own
// (console-translations.js): the published sheets, and for one of them
// each language's status (GET /toolkit/sheets/:id/translations); a
// translation written or updated beside the Italian text, laid out
// right-to-left for Arabic, Urdu and Persian (PUT …/translations/:lang),
// and checked by a mediator or an editor (POST …/check).

import { h } from './base';
import type { View } from './console';
import { ck, errP, fld, list, rich, SECTIONS, style, tr } from './console-toolkit-ui';

interface TView {
  code: string;
  name_it: string;
  name_native: string;
  direction: 'ltr' | 'rtl';
  status: string;
  translation: { title: string; sections: Record<string, string> } | null;
  html: Record<string, string>;
  translator_name?: string;
  checker_name?: string;
}

interface Sheet {
  id: number;
  ambito: string;
  title: string;
  revision: { sections: Record<string, string> };
}

/** translations is the "Traduzioni" tab. */
export const translations: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  let seq = 0;
  let q = '';
  // Mediators and editors check translations: of the sheet's ambito, any ambito's for the network's.
  const may = (a: string) => me.admin || (me.roles || []).some((r) => (r.role == 'mediator' || r.role == 'editor') && (!a || r.ambito == a));

  function home(focus = false) {
    seq++;
    const title = h('h2', { id: 'tr-t', tabindex: -1 }, t('tr_title'));
    const qi = h('input', { id: 'tr-q', name: 'q', type: 'search', value: q });
    const out = h('div', { id: 'tr-list' });
    const go = list<{ id: number; title: string }>(w, 'tr-table', out, () => '/toolkit/sheets' + (q ? '?q=' + encodeURIComponent(q) : ''), [], () => [], open, 'tr_count', 'tr_empty');
    box.replaceChildren(title, h('p', { class: 'hint' }, t('tr_hint')),
      h('form', { role: 'search', class: 'row', onsubmit: (e: Event) => {
        e.preventDefault();
        q = qi.value.trim();
        go();
      } }, fld(t('q'), qi), h('button', { id: 'tr-search', type: 'submit', class: 's' }, t('search'))), out);
    if (focus) title.focus();
    go();
  }

  async function open(id: number, focus = '') {
    const my = ++seq;
    const back = h('button', { id: 'tr-back', type: 'button', class: 'l', onclick: () => home(true) }, t('back'));
    if (!focus) box.replaceChildren(back, h('p', null, t('loading')));
    try {
      const [s, ts] = await Promise.all([w.api<Sheet>('/toolkit/sheets/' + id), w.api<TView[]>(`/toolkit/sheets/${id}/translations`)]);
      if (my != seq) return;
      const sh = s.data;
      const form = h('div', { id: 'tr-form-box' });
      const title = h('h2', { id: 'tr-sheet', tabindex: -1 }, sh.title);
      const rows = (ts.data || []).map((x) => {
        const name = h('span', { lang: x.code, dir: x.direction }, x.name_native);
        const write = h('button', { id: 'tr-write-' + x.code, type: 'button', class: 's', onclick: () => edit(sh, x, form) },
          t(x.translation ? 'update' : 'write', { lang: x.name_native }));
        const checkable = x.translation && x.status != 'checked' && may(sh.ambito);
        const chk: HTMLElement | false = !!checkable && h('button', { id: 'tr-check-' + x.code, type: 'button', class: 's', onclick: async () => {
          if (!w.busy(chk as HTMLElement, true)) return;
          try {
            await w.api(`/toolkit/sheets/${id}/translations/${x.code}/check`, { method: 'POST' });
            await open(id, 'tr-write-' + x.code);
            w.say(t('tr_checked', { lang: x.name_native }));
          } catch (e) {
            w.busy(chk as HTMLElement, false);
            w.say(w.msg(e));
          }
        } }, t('tr_check', { lang: x.name_native }));
        return h('tr', { id: 'tr-' + x.code },
          h('th', { scope: 'row' }, name, ` (${x.code})`),
          h('td', null, h('span', { class: x.status == 'outdated' || x.status == 'missing' ? 'b warn' : 'b' }, t('ts_' + x.status))),
          h('td', null, x.translator_name || '—'), h('td', null, x.checker_name || '—'),
          h('td', null, h('div', { class: 'row' }, write, chk)));
      });
      box.replaceChildren(back, title, h('div', { class: 'x' }, h('table', { id: 'tr-langs' },
        h('caption', null, t('tr_title')),
        h('thead', null, h('tr', null, ...['language', 'status', 'translator', 'checker', 'actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, ...rows))), form);
      ((focus && w.shadowRoot!.getElementById(focus)) || title).focus();
    } catch (e) {
      if (my == seq) box.replaceChildren(back, errP(w, e, () => open(id)));
    }
  }

  /** edit shows the form of x's translation of sheet s in box, beside the Italian text. */
  function edit(s: Sheet, x: TView, box: HTMLElement) {
    const a = { lang: x.code, dir: x.direction };
    const old = x.translation;
    const keys = SECTIONS.filter((k) => s.revision.sections[k]);
    const err = h('p', { id: 'tf-error', class: 'err', role: 'alert', hidden: true });
    const save: HTMLElement = h('button', { id: 'tf-save', type: 'submit' }, t('save'));
    const form: HTMLFormElement = h('form', { id: 'tf', novalidate: true, onsubmit: async (e: Event) => {
      e.preventDefault();
      const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
      const sections: Record<string, string> = {};
      for (const k of keys) if (v('sections.' + k)) sections[k] = v('sections.' + k);
      w.clear(form, err);
      if (!w.busy(save, true)) return;
      try {
        const r = await w.api<TView>(`/toolkit/sheets/${s.id}/translations/${x.code}`, { method: 'PUT', body: { title: v('title'), sections, machine: (form.elements.namedItem('machine') as HTMLInputElement).checked } });
        await open(s.id, 'tr-write-' + x.code);
        const p = w.shadowRoot!.getElementById('tr-form-box')!;
        const hd = h('h3', { id: 'tf-preview-t', tabindex: -1 }, t('preview'));
        p.replaceChildren(h('section', { id: 'tf-preview', 'aria-labelledby': 'tf-preview-t' }, hd,
          h('div', { class: 'doc', ...a }, h('p', null, h('strong', null, r.data.translation?.title || '')),
            ...keys.filter((k) => r.data.html[k]).map((k) => h('div', null, rich(r.data.html[k]))))));
        hd.focus();
        w.say(t('tr_saved', { lang: x.name_native }));
      } catch (e) {
        w.busy(save, false);
        w.fail(form, err, e);
      }
    } },
      h('h3', { id: 'tf-t', tabindex: -1 }, t('tr_form', { lang: x.name_native })),
      h('div', { class: 'f' }, h('label', { for: 'tf-title' }, t('title')),
        h('input', { id: 'tf-title', name: 'title', ...a, value: old?.title || '', 'aria-describedby': 'tf-title-err', maxlength: 200 }),
        h('p', { id: 'tf-title-err', class: 'fe', hidden: true })),
      ...keys.map((k) => {
        // Named as the API names its errors ("sections.what"), so they show beside the field.
        const ta = h('textarea', { id: 'tf-' + k, name: 'sections.' + k, ...a, rows: 5 });
        ta.value = old?.sections[k] || '';
        return h('div', null, fld(t('s_' + k), ta),
          h('details', null, h('summary', null, t('italian')), h('p', { class: 'md doc', lang: 'it', dir: 'ltr' }, s.revision.sections[k])));
      }),
      ck('tf-machine', 'machine', t('machine')), err,
      h('div', { class: 'row' }, save, h('button', { id: 'tf-cancel', type: 'button', class: 's', onclick: () => {
        box.replaceChildren();
        w.shadowRoot!.getElementById('tr-write-' + x.code)?.focus();
      } }, t('cancel'))));
    box.replaceChildren(form);
    (form.querySelector('h3') as HTMLElement).focus();
  }

  home();
  return () => seq++;
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, translations };
