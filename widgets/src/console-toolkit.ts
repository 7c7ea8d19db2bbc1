// The toolkit's review views of <incroci-console>, a chunk of their own
// (console-toolkit.js) that the console loads when one of its tabs first
// opens: "Proposte" (sheets in review, changes proposed to published
// sheets, drafts, and the published sheets themselves: GET /toolkit/sheets) and "Da aggiornare" (the editors'
// queue, GET /toolkit/queue), and one sheet as its editors see it: the
// proposal with its diff against the published revision, publish and
// reject, comments, the revision history with rollback, its legal sources,
// owner and review-by day, "checked".

import { h, Widget } from './base';
import type { View } from './console';
import type { Me } from './session';
import { amb, ck, errP, fld, list, Op, ops, rich, scope, SECTIONS, sel, style, sure, T, tr, when } from './console-toolkit-ui';

interface Rev {
  id: number;
  number: number;
  title: string;
  sections: Record<string, string>;
  author_id: number;
  author_name?: string;
  note: string;
  status: string;
  base_id: number | null;
  review_note: string;
  created_at: string;
}

interface Sheet {
  id: number;
  ambito: string;
  audience: string;
  title: string;
  state: string;
  owner_id: number;
  owner_name?: string;
  review_by: string;
  published_revision_id: number | null;
  updated_at: string;
  outdated: boolean;
  outdated_reason: string;
  outdated_note: string;
  overdue: boolean;
  reasons?: string[];
  outdated_source_title?: string;
}

interface SheetView extends Sheet {
  revision: Rev;
  html: Record<string, string>;
  pending: Rev[];
  editor: boolean;
}

interface Src {
  id: number;
  ambito: string;
  title: string;
  reference: string;
  version: string;
  valid_from: string;
  valid_to: string;
  expired: boolean;
}

interface Diff {
  title: Op[];
  sections: { section: string; changed: boolean; ops: Op[] }[];
}

/** proposals is the "Proposte" tab. */
export const proposals: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  const f = { kind: 'in_review', ambito: '', q: '' };
  let stop = () => {};
  function home(focus = false) {
    stop();
    const title = h('h2', { id: 'pr-t', tabindex: -1 }, t('pr_title'));
    const kind = sel('pr-kind', 'kind', ['in_review', 'pending', 'draft', 'published'].map((k) => [k, t('pr_' + k)]), f.kind);
    const q = h('input', { id: 'pr-q', name: 'q', type: 'search', value: f.q });
    const sc = scope(w, 'pr-scope');
    (sc.querySelector('select') as HTMLSelectElement).value = f.ambito;
    const out = h('div', { id: 'pr-list' });
    const go = list<Sheet>(w, 'pr-table', out, () => {
      const qs = new URLSearchParams(f.kind == 'pending' ? { state: 'published', pending: 'true' } : { state: f.kind });
      if (f.ambito) qs.set('ambito', f.ambito);
      if (f.q) qs.set('q', f.q);
      return '/toolkit/sheets?' + qs;
    }, ['ambito', 'state', 'updated'], (s) => [amb(t, s.ambito), t('st_' + s.state), when(w, s.updated_at)], (id) => (stop = sheet(w, box, me, id, home)), 'pr_count', () => (f.kind == 'published' ? 'tr_empty' : 'pr_empty'));
    const form = h('form', { id: 'pr-filters', role: 'search', 'aria-label': t('pr_title'), onsubmit: (e: Event) => {
      e.preventDefault();
      f.kind = kind.value;
      f.ambito = (sc.querySelector('select') as HTMLSelectElement).value;
      f.q = q.value.trim();
      go();
    } }, h('div', { class: 'row' }, fld(t('pr_kind'), kind), sc, fld(t('q'), q), h('button', { id: 'pr-show', type: 'submit', class: 's' }, t('show'))));
    box.replaceChildren(title, form, out);
    if (focus) title.focus();
    go();
  }
  home();
  return () => stop();
};

/** queue is the "Da aggiornare" tab. */
export const queue: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  let stop = () => {};
  function home(focus = false) {
    stop();
    const title = h('h2', { id: 'qu-t', tabindex: -1 }, t('qu_title'));
    const out = h('div', { id: 'qu-list' });
    const go = list<Sheet>(w, 'qu-table', out, () => '/toolkit/queue', ['why', 'owner', 'actions'], (s) => [
      h('span', null, ...(s.reasons || []).map((r) => h('span', { class: 'b warn' }, r == 'outdated' ? t('qu_outdated', { source: s.outdated_source_title || '—' }) : t('qu_overdue', { date: when(w, s.review_by, true) }))),
        s.outdated_note && h('span', { class: 'hint' }, h('br'), t('outdated_note', { note: s.outdated_note }))),
      s.owner_name || '—',
      h('button', { id: 'qu-check-' + s.id, type: 'button', class: 's', onclick: (e: Event) => check(w, s.id, e.target as HTMLElement, () => go()) }, t('check'))],
    (id) => (stop = sheet(w, box, me, id, home)), 'qu_count', 'qu_empty');
    box.replaceChildren(title, h('p', { class: 'hint' }, t('qu_hint')), out);
    if (focus) title.focus();
    go();
  }
  home();
  return () => stop();
};

/** check marks sheet id checked, then calls done. */
async function check(w: Widget, id: number, b: HTMLElement, done: () => void) {
  if (!w.busy(b, true)) return;
  try {
    const r = await w.api<Sheet>(`/toolkit/sheets/${id}/checked`, { method: 'POST' });
    w.say(tr(w)('checked', { date: when(w, r.data.review_by, true) }));
    done();
  } catch (e) {
    w.say(w.msg(e));
    w.busy(b, false);
  }
}

/**
 * sheet shows sheet id as its editors see it, in box; back goes back to
 * the list. It returns what stops it.
 */
function sheet(w: Widget, box: HTMLElement, me: Me, id: number, back: (focus: boolean) => void): () => void {
  const t = tr(w);
  let seq = 0;
  const path = '/toolkit/sheets/' + id;
  const top = h('button', { id: 'sh-back', type: 'button', class: 'l', onclick: () => back(true) }, t('back'));

  async function load(focus = '') {
    const my = ++seq;
    const wait = h('p', { tabindex: -1 }, t('loading'));
    if (!focus) {
      box.replaceChildren(top, wait);
      wait.focus();
    }
    try {
      const [v, revs, cs, srcs] = await Promise.all([
        w.api<SheetView>(path), w.api<Rev[]>(path + '/revisions'),
        w.api<{ id: number; author_name?: string; body: string; created_at: string }[]>(path + '/comments'), w.api<Src[]>(path + '/sources')]);
      if (my != seq) return;
      const s = v.data;
      // What is under review: the draft a sheet not yet published shows, or the changes proposed to a published one.
      const cands = s.state == 'published' ? s.pending.filter((r) => r.status == 'proposed') : s.state == 'archived' ? [] : [s.revision];
      // Each candidate's diff, and its text as the API renders and sanitises it (the sheet's own revision is already here).
      const [diffs, htmls] = await Promise.all([Promise.all(cands.map((r) => {
        const from = s.published_revision_id || (r.base_id != r.id ? r.base_id : null);
        return from ? w.api<Diff>(`${path}/diff?from=${from}&to=${r.id}`).then((d) => ({ d: d.data, n: (revs.data || []).find((x) => x.id == from)?.number || 0 })) : null;
      })), Promise.all(cands.map((r) => r.id == s.revision.id ? s.html : w.api<SheetView>(`${path}?revision=${r.id}`).then((x) => x.data.html)))]);
      if (my != seq) return;
      const title = h('h2', { id: 'sh-title', tabindex: -1 }, s.title);
      // h skips false children; replaceChildren would write them.
      box.replaceChildren(...[top, title,
        h('dl', { id: 'sh-meta', 'aria-label': t('meta') },
          h('dt', null, t('state')), h('dd', null, t('st_' + s.state)),
          h('dt', null, t('ambito')), h('dd', null, amb(t, s.ambito)),
          h('dt', null, t('audience')), h('dd', null, t('au_' + s.audience)),
          h('dt', null, t('owner')), h('dd', null, s.owner_name || '—'),
          h('dt', null, t('review_by')), h('dd', null, s.review_by ? when(w, s.review_by, true) : t('none'))),
        s.outdated && h('p', { id: 'sh-outdated', class: 'err' }, t('outdated', { reason: t('or_' + s.outdated_reason) }), s.outdated_note && ' ' + t('outdated_note', { note: s.outdated_note })),
        s.overdue && h('p', { id: 'sh-overdue', class: 'err' }, t('overdue', { date: when(w, s.review_by, true) })),
        s.state != 'archived' && h('section', { id: 'sh-review', 'aria-labelledby': 'sh-review-t' }, h('h3', { id: 'sh-review-t' }, t('to_review')),
          ...(cands.length ? cands.map((r, i) => proposal(s, r, diffs[i], htmls[i])) : [h('p', { class: 'note' }, t('no_pending'))])),
        s.state == 'published' && h('details', { id: 'sh-text' }, h('summary', null, t('published_text')), text(t, s.html)),
        history(s, revs.data || []),
        comments(s, cs.data || [], cands[0]),
        sources(s, srcs.data || []),
        s.editor && s.state != 'archived' && settings(s, revs.data || [])].filter((x): x is HTMLElement => !!x));
      if (focus) (w.shadowRoot!.getElementById(focus) as HTMLElement | null)?.focus();
      else title.focus();
    } catch (e) {
      if (my == seq) box.replaceChildren(top, errP(w, e, () => load()));
    }
  }

  /** act sends one change of the sheet, says done and shows the sheet again. */
  async function act(b: HTMLElement, p: string, body: unknown, done: string, focus: string, method = 'POST') {
    if (!w.busy(b, true)) return;
    try {
      await w.api(path + p, { method, body });
      await load(focus);
      w.say(done);
    } catch (e) {
      w.busy(b, false);
      const err = w.shadowRoot!.getElementById('sh-error') || box.insertBefore(h('p', { id: 'sh-error', class: 'err', role: 'alert' }), box.children[2] || null);
      err.textContent = w.msg(e);
      w.say(w.msg(e));
    }
  }

  /** text shows the sections of a revision, as the API rendered and sanitised them (html, by section). */
  function text(t: T, html: Record<string, string>) {
    return h('div', { class: 'doc' }, ...SECTIONS.filter((k) => html[k]).map((k) => h('section', null, h('h4', null, t('s_' + k)), rich(html[k]))));
  }

  /**
   * proposal is revision r under review, with its diff (d, against revision number base) when there is
   * something to compare, and its text as the API rendered it (html).
   */
  function proposal(s: SheetView, r: Rev, dd: { d: Diff; n: number } | null, html: Record<string, string>): HTMLElement {
    const n = r.number;
    const d = dd?.d;
    const note = h('textarea', { id: `rv-note-${r.id}`, name: 'note', maxlength: 500, rows: 2 });
    const changed = d ? d.sections.filter((x) => x.changed) : [];
    const same = d ? d.sections.filter((x) => !x.changed).map((x) => t('s_' + x.section)) : [];
    const titleChanged = d && d.title.some((o) => o.op != '=');
    return h('article', { id: 'rv-' + r.id, 'aria-labelledby': `rv-${r.id}-t` },
      h('h4', { id: `rv-${r.id}-t` }, t('rev', { n, who: r.author_name || '—' }), ' · ', t('rs_' + r.status), ' · ', when(w, r.created_at)),
      r.note && h('p', null, t('rev_note', { note: r.note })),
      h('h5', null, d ? (s.published_revision_id ? t('diff') : t('diff_base', { n: dd!.n })) : t('diff_new')),
      d && h('div', { id: `rv-diff-${r.id}` },
        titleChanged && h('div', null, h('h6', null, t('title')), ops(t, d.title)),
        ...changed.map((x) => h('div', null, h('h6', null, t('s_' + x.section)), ops(t, x.ops))),
        same.length > 0 && h('p', { class: 'hint' }, t('same', { list: same.join(', ') }))),
      h('details', { id: `rv-text-${r.id}`, open: !d },
        h('summary', null, t('proposed_text')), text(t, html)),
      s.editor && h('div', null, fld(t('review_note'), note),
        h('div', { class: 'row' },
          sure(w, `rv-publish-${r.id}`, t('publish'), (b) => act(b, '/publish', { revision_id: r.id, note: note.value.trim() }, t('published', { n }), 'sh-title'), null),
          sure(w, `rv-reject-${r.id}`, t('reject'), (b) => {
            if (!note.value.trim()) {
              w.bad(note, t('reason_needed'));
              return note.focus();
            }
            act(b, '/reject', { revision_id: r.id, note: note.value.trim() }, t('rejected', { n }), 'sh-title');
          }))));
  }

  function history(s: SheetView, revs: Rev[]): HTMLElement {
    return h('details', { id: 'sh-history' }, h('summary', null, t('history')),
      h('div', { class: 'x' }, h('table', null, h('caption', { class: 'sr' }, t('history')),
        h('thead', null, h('tr', null, ...['number', 'state', 'author', 'when', 'note'].map((k) => h('th', { scope: 'col' }, t(k))), s.editor && h('th', { scope: 'col' }, t('actions')))),
        h('tbody', null, ...revs.map((r) => h('tr', { id: 'hi-' + r.id },
          h('th', { scope: 'row' }, '' + r.number), h('td', null, t('rs_' + r.status)), h('td', null, r.author_name || '—'), h('td', null, when(w, r.created_at)),
          h('td', null, r.note, r.review_note && h('span', { class: 'hint' }, h('br'), r.review_note)),
          s.editor && h('td', null, r.status == 'superseded' && s.state == 'published' &&
            sure(w, 'hi-rollback-' + r.id, t('rollback', { n: r.number }), (b) => act(b, '/rollback', { revision_id: r.id }, t('rolled', { n: r.number }), 'sh-title')))))))));
  }

  function comments(s: SheetView, cs: { id: number; author_name?: string; body: string; created_at: string }[], on?: Rev): HTMLElement {
    const body = h('textarea', { id: 'cm-body', name: 'body', maxlength: 2000, rows: 3 });
    const send: HTMLElement = h('button', { id: 'cm-send', type: 'submit' }, t('send'));
    return h('section', { id: 'sh-comments', 'aria-labelledby': 'cm-t' }, h('h3', { id: 'cm-t' }, t('comments', { n: cs.length })),
      cs.length ? h('ul', { id: 'cm-list', class: 'm' }, ...cs.map((c) => h('li', { id: 'cm-' + c.id }, h('p', { class: 'who' }, h('strong', null, c.author_name || '—'), ' · ', when(w, c.created_at)), h('p', { class: 'md' }, c.body))))
        : h('p', { class: 'note' }, t('no_comments')),
      h('form', { id: 'cm-form', novalidate: true, onsubmit: (e: Event) => {
        e.preventDefault();
        if (!body.value.trim()) return w.bad(body, t('empty_text')).focus();
        act(send, '/comments', { body: body.value.trim(), revision_id: on?.id }, t('sent'), 'cm-body');
      } }, fld(t('comment'), body), send));
  }

  function sources(s: SheetView, list: Src[]): HTMLElement {
    const line = (x: Src) => [x.title, x.reference && ` — ${x.reference}`, x.version && ` (${x.version})`, x.expired && ' ', x.expired && h('span', { class: 'b warn' }, t('expired'))]
      .filter((y): y is string | HTMLElement => !!y);
    const out = h('section', { id: 'sh-sources', 'aria-labelledby': 'so-t' }, h('h3', { id: 'so-t' }, t('srcs')),
      list.length ? h('ul', { id: 'sh-src-list' }, ...list.map((x) => h('li', null, ...line(x)))) : h('p', { class: 'note' }, t('no_srcs')));
    if (!s.editor || s.state == 'archived') return out;
    const d = h('details', { id: 'sh-src-edit' }, h('summary', null, t('edit_srcs')));
    d.addEventListener('toggle', async () => {
      if (!d.open || d.children.length > 1) return;
      const box2 = h('div', { 'aria-busy': 'true' }, t('loading'));
      d.append(box2);
      try {
        // The network's sources and the sheet's ambito's: the ones it may rest on.
        const r = await w.api<Src[]>('/toolkit/sources?per_page=100' + (s.ambito ? '' : '&ambito=network'));
        const all = (r.data || []).filter((x) => !x.ambito || x.ambito == s.ambito);
        const save: HTMLElement = h('button', { id: 'sh-src-save', type: 'submit', class: 's' }, t('save'));
        const form: HTMLFormElement = h('form', { id: 'sh-src-form', onsubmit: (e: Event) => {
          e.preventDefault();
          const ids = [...form.querySelectorAll<HTMLInputElement>('input:checked')].map((x) => +x.value);
          act(save, '/sources', { source_ids: ids }, t('srcs_saved'), 'so-t', 'PUT');
        } }, h('fieldset', null, h('legend', { class: 'sr' }, t('edit_srcs')),
          ...all.map((x) => {
            const c = ck('sh-src-' + x.id, 'source', '', list.some((y) => y.id == x.id));
            (c.firstChild as HTMLInputElement).value = '' + x.id;
            c.append(...line(x));
            return c;
          })), save);
        box2.replaceWith(form);
      } catch (e) {
        box2.replaceWith(errP(w, e, () => { d.open = false; }));
      }
    });
    out.append(d);
    return out;
  }

  function settings(s: SheetView, revs: Rev[]): HTMLElement {
    // Whom to give the sheet: its owner, me, the authors of its revisions.
    const people = new Map<number, string>([[s.owner_id, s.owner_name || '—'], [me.id, t('me', { name: me.name || me.email })]]);
    for (const r of revs) if (!people.has(r.author_id)) people.set(r.author_id, r.author_name || '—');
    const owner = sel('st-owner', 'owner_id', [...people].map(([id, n]) => ['' + id, n]), '' + s.owner_id);
    const by = h('input', { id: 'st-review', name: 'review_by', type: 'date', value: s.review_by });
    const save: HTMLElement = h('button', { id: 'st-save', type: 'submit', class: 's' }, t('save'));
    const chk = s.state == 'published' && h('button', { id: 'st-check', type: 'button', class: 's', onclick: () => check(w, s.id, chk as HTMLElement, () => load('st-check')) }, t('check'));
    const form: HTMLFormElement = h('form', { id: 'st-form', onsubmit: (e: Event) => {
      e.preventDefault();
      act(save, '', { owner_id: +owner.value, review_by: by.value }, t('settings_saved'), 'st-save', 'PATCH').catch(() => {});
    } }, h('div', { class: 'row' }, fld(t('owner'), owner), fld(t('review_by'), by)), h('div', { class: 'row' }, save, chk));
    return h('section', { id: 'sh-settings', 'aria-labelledby': 'st-t' }, h('h3', { id: 'st-t' }, t('settings')), form);
  }

  load();
  return () => seq++;
}

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, proposals, queue };
