// The "Mediazione" and "Report" tabs of <incroci-console> (bundled in
// console-helpdesk.js): mediation requests to confirm, cancel or mark done,
// the hour packages with their ledger; the help desk's figures with
// accessible bar charts (inline SVG built with DOM calls, each with its
// data as a table) and the CSV download.

import { h, Widget } from './base';
import { stream } from './api';
import { profile } from './console-mediator';
import { packageForms } from './console-packages';
import type { View } from './console';
import { errP, fld, save, sel, style, T, tr, when } from './console-helpdesk-ui';

interface Req {
  id: number;
  language: string;
  service: string;
  mode: string;
  start: string;
  end: string;
  minutes: number;
  status: string;
  mediator_id: number | null;
  mediator_name?: string;
  operator_name?: string;
  place: string;
  video_url: string;
  note: string;
  charge_from?: string;
}

interface Pkg {
  id: number;
  name: string;
  body: string;
  valid_from: string;
  valid_to: string;
  remaining_hours: number;
}

interface Count {
  key: string;
  label?: string;
  n: number;
}

const enc = encodeURIComponent;
const hrs = (w: Widget, n: number) => n.toLocaleString(w.ui, { maximumFractionDigits: 1 });
const lang = (w: Widget, c: string) => {
  try {
    return new Intl.DisplayNames([w.ui], { type: 'language', fallback: 'none' }).of(c) || c;
  } catch {
    return c;
  }
};

/** table builds a table from a caption, column heads and rows (the first cell of each is its row head). */
const table = (id: string, cap: string | null, cols: string[], rows: (Node | string)[][], empty: string) =>
  h('div', { class: 'x' }, h('table', { id },
    cap && h('caption', null, cap),
    h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, ...(rows.length ? rows.map((r) => h('tr', null, h('th', { scope: 'row' }, r[0]), ...r.slice(1).map((x) => h('td', null, x))))
      : [h('tr', null, h('td', { colspan: cols.length }, empty))]))));

/** mediation is the "Mediazione" tab. */
export const mediation: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  // Mediators see the requests they may take, not the ambito's packages.
  const coord = me.admin || (me.roles || []).some((r) => r.ambito == w.ambito && r.role == 'coordinator');
  let st = 'requested';
  let seq = 0;
  let page = 1;
  const PER = 20;
  const reqs = h('div', { id: 'md-list', 'aria-busy': 'true' });
  const pkgs = h('div', { id: 'md-packages', 'aria-busy': 'true' });
  const ledger = h('div', { id: 'md-ledger' });
  const filter = sel('md-st', 'status', ['requested', 'confirmed', 'done', 'cancelled'].map((s) => [s, t('m_' + s)]), st);
  filter.onchange = () => {
    st = filter.value;
    page = 1;
    load();
  };
  const q = `ambito=${enc(w.ambito)}`;

  async function load() {
    const my = ++seq;
    reqs.setAttribute('aria-busy', 'true');
    pkgs.setAttribute('aria-busy', 'true');
    try {
      const [r, p, m] = await Promise.all([
        w.api<Req[]>(`/helpdesk/mediation/requests?status=${st}&${q}&page=${page}&per_page=${PER}`),
        coord ? w.api<Pkg[]>('/helpdesk/mediation/packages?' + q) : { data: [] as Pkg[] },
        coord ? w.api<{ person_id: number; name: string; email: string }[]>('/helpdesk/mediation/mediators?' + q).catch(() => ({ data: [] })) : { data: [] },
      ]);
      if (my != seq) return;
      const people = m.data || [];
      const total = r.page?.total ?? (r.data || []).length;
      const pages = Math.max(1, Math.ceil(total / PER));
      const nav = (d: number, id: string) => h('button', { id: 'md-' + id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? page <= 1 : page >= pages),
        onclick: (e: Event) => {
          if ((e.target as HTMLElement).getAttribute('aria-disabled') == 'true') return;
          page += d;
          load().then(() => w.shadowRoot!.getElementById('md-' + id)?.focus());
        } }, t(id));
      reqs.replaceChildren(table('md-requests', t('m_count', { n: total }), [t('request'), t('when'), t('service'), t('minutes'), t('status'), t('actions')],
        (r.data || []).map((x) => [
          `n. ${x.id} · ${lang(w, x.language)} · ${t('m_' + x.mode)}`,
          `${when(w, x.start)} – ${when(w, x.end)}`,
          h('div', null, h('bdi', null, x.service), x.operator_name && ' · ', x.operator_name && h('bdi', null, x.operator_name),
            (x.place || x.video_url) && h('br'), h('bdi', null, x.place || x.video_url),
            x.note && h('p', { class: 'body' }, h('bdi', null, x.note))),
          '' + x.minutes,
          h('span', null, t('m_' + x.status), x.mediator_id && ' · ', x.mediator_id && h('bdi', null, x.mediator_name || '#' + x.mediator_id)),
          actions(x, people)]), t('m_empty')),
        h('nav', { class: 'row', 'aria-label': t('m_pages') }, nav(-1, 'prev'), t('page', { p: page, n: pages }), nav(1, 'next')));
      pkgs.replaceChildren(table('md-pkgs', null, [t('pk_name'), t('pk_valid'), t('pk_left'), t('ledger')],
        (p.data || []).map((k) => [`${k.name} · ${k.body}`, `${when(w, k.valid_from, true)} – ${when(w, k.valid_to, true)}`,
          h('span', { id: 'md-left-' + k.id }, hrs(w, k.remaining_hours)),
          h('button', { id: 'md-ledger-' + k.id, type: 'button', class: 'l', 'aria-label': t('ledger_of', { name: k.name }), onclick: () => showLedger(k) }, t('ledger'))]),
        t('pk_empty')));
      forms?.update(p.data || []);
    } catch (e) {
      if (my == seq) reqs.replaceChildren(errP(w, e, load));
    }
    reqs.setAttribute('aria-busy', 'false');
    pkgs.setAttribute('aria-busy', 'false');
  }

  function actions(x: Req, people: { person_id: number; name: string; email: string }[]): HTMLElement {
    const go = (id: string, label: string, path: string, body: () => unknown, said: string) => {
      const b: HTMLElement = h('button', { id: `md-${id}-${x.id}`, type: 'button', class: 's', onclick: async () => {
        if (!w.busy(b, true)) return;
        try {
          await w.api(`/helpdesk/mediation/requests/${x.id}/${path}`, { method: 'POST', body: body() });
          await load();
          w.say(t(said, { id: x.id }));
          (w.shadowRoot!.getElementById('md-st') as HTMLElement).focus();
        } catch (e) {
          w.say(w.msg(e));
          w.busy(b, false);
        }
      } }, label);
      return b;
    };
    const box = h('div', { class: 'row' });
    if (x.status == 'requested') {
      const who = sel('md-who-' + x.id, 'mediator_id', [['', t('auto')], ...people.map((p) => ['' + p.person_id, p.name || p.email])]);
      // A coordinator lets the hub match a mediator; a mediator takes it.
      box.append(go('confirm', t(coord ? 'confirm' : 'take'), 'confirm', () => ({}), 'confirmed'));
      if (people.length) box.append(fld(t('mediator', { id: x.id }), who), go('with', t('confirm_with'), 'confirm', () => (who.value ? { mediator_id: +who.value } : {}), 'confirmed'));
    }
    if (x.status == 'confirmed') box.append(go('done', t('done'), 'done', () => ({}), 'marked_done'));
    if (x.status == 'requested' || x.status == 'confirmed') {
      // Cancelling asks first, and says when the hours stay charged.
      const ask: HTMLElement = h('button', { id: `md-cancel-${x.id}`, type: 'button', class: 's', onclick: () => {
        const late = x.status == 'confirmed' && Date.now() >= Date.parse(x.charge_from || '');
        const q = h('p', { id: `md-cq-${x.id}`, class: late ? 'err' : 'note', tabindex: -1 }, t(late ? 'm_cancel_late' : 'm_cancel_q', { id: x.id }));
        const yes = go('yes', t('m_cancel_yes'), 'cancel', () => ({}), 'm_cancelled_n');
        const no = h('button', { id: `md-no-${x.id}`, type: 'button', class: 's', onclick: () => {
          q.remove();
          row.replaceWith(ask);
          ask.focus();
        } }, t('m_cancel_no'));
        const row = h('div', { class: 'row' }, yes, no);
        ask.replaceWith(q, row);
        q.focus();
      } }, t('cancel'));
      box.append(ask);
    }
    return box;
  }

  async function showLedger(k: Pkg) {
    ledger.replaceChildren(h('p', null, t('loading')));
    try {
      const r = await w.api<{ minutes: number; reason: string; at: string; note: string }[]>(`/helpdesk/mediation/packages/${k.id}/ledger`);
      ledger.replaceChildren(table('md-entries', t('ledger_of', { name: k.name }), [t('at'), t('reason'), t('minutes')],
        (r.data || []).map((e) => [when(w, e.at), e.reason + (e.note ? ' · ' + e.note : ''), '' + e.minutes]), t('m_empty')));
      (ledger.querySelector('caption') as HTMLElement).tabIndex = -1;
      (ledger.querySelector('caption') as HTMLElement).focus();
    } catch (e) {
      ledger.replaceChildren(errP(w, e, () => showLedger(k)));
    }
  }

  const forms = coord ? packageForms(w, t, load) : undefined;
  const mp = h('section', { id: 'mp', 'aria-labelledby': 'mp-t' });
  const mediator = (me.roles || []).some((r) => r.role == 'mediator');
  box.replaceChildren(h('h2', null, t('mediation')), fld(t('m_st'), filter), reqs, ...(coord ? [h('h3', null, t('packages')), pkgs, forms!.el, ledger] : []), mediator && mp);
  if (mediator) profile(w, mp, me, t, load);
  load();
  // Live: a request asked, confirmed or cancelled elsewhere reloads the list.
  let tick = 0;
  const again = () => {
    clearTimeout(tick);
    tick = setTimeout(load, 300);
  };
  const sub = stream(w.hub, w.ui, '/helpdesk/mediation/events?' + q, { onEvent: again, onState: (s) => s == 'resync' && again() });
  return () => {
    seq++;
    sub.close();
    clearTimeout(tick);
  };
};

const NS = 'http://www.w3.org/2000/svg';
/** s creates an SVG element with attributes and text. */
const s = (tag: string, a: Record<string, string | number>, text?: string) => {
  const el = document.createElementNS(NS, tag);
  for (const k in a) el.setAttribute(k, String(a[k]));
  if (text != null) el.textContent = text;
  return el;
};

/** chart is a horizontal bar chart of counts with its data as a table. */
function chart(w: Widget, t: T, id: string, title: string, rows: Count[], fmt = (n: number) => '' + n): HTMLElement {
  const max = Math.max(1, ...rows.map((r) => r.n));
  const name = (r: Count) => r.label || r.key;
  const bar = 22;
  const g = s('svg', { viewBox: `0 0 600 ${rows.length * bar + 4}`, role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${name(r)} ${fmt(r.n)}`).join(', ')}` });
  rows.forEach((r, i) => {
    const y = i * bar + 2;
    const wd = Math.max(1, (r.n / max) * 340);
    g.append(s('text', { x: 0, y: y + 15 }, name(r).slice(0, 28)), s('rect', { x: 200, y, width: wd, height: bar - 6, fill: '#0066cc' }),
      s('text', { x: 206 + wd, y: y + 15 }, fmt(r.n)));
  });
  return h('figure', { id: 'rp-' + id, 'aria-labelledby': 'rp-' + id + '-t' },
    h('figcaption', { id: 'rp-' + id + '-t' }, title),
    rows.length ? g : h('p', null, t('nodata')),
    rows.length > 0 && h('details', null, h('summary', null, t('table')), table('rp-' + id + '-table', title, [t('item'), t('n')], rows.map((r) => [name(r), fmt(r.n)]), '')));
}

/** reports is the "Report" tab. */
export const reports: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  let seq = 0;
  const out = h('div', { id: 'rp-out', 'aria-busy': 'true' });
  const from = h('input', { id: 'rp-from', name: 'from', type: 'date' });
  const to = h('input', { id: 'rp-to', name: 'to', type: 'date' });
  // Network administrators may see the whole network's figures.
  const scope = sel('rp-scope', 'ambito', [[w.ambito, t('this_ambito')], ['', t('network')]], w.ambito);
  const qs = () => {
    const p = new URLSearchParams({ ambito: scope.value });
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    return p;
  };
  const err = h('p', { id: 'rp-error', class: 'err', role: 'alert', hidden: true });
  const form: HTMLFormElement = h('form', { id: 'rp-form', novalidate: true, 'aria-labelledby': 'rp-t', onsubmit: (e: Event) => {
    e.preventDefault();
    load();
  } }, h('div', { class: 'row' }, me.admin && fld(t('scope'), scope), fld(t('from'), from), fld(t('to'), to), h('button', { id: 'rp-show', type: 'submit', class: 's' }, t('show'))), err);
  const csv: HTMLElement = h('button', { id: 'rp-csv', type: 'button', class: 's', onclick: async () => {
    if (!w.busy(csv, true)) return;
    const file = `incroci-consulenze-${scope.value || 'rete'}.csv`;
    try {
      await save(w, '/helpdesk/reports/consultations.csv?' + qs(), file);
      w.say(t('csv_done', { file }));
    } catch (e) {
      w.say(w.msg(e));
    } finally {
      w.busy(csv, false);
    }
  } }, t('csv'));

  async function load() {
    const my = ++seq;
    out.setAttribute('aria-busy', 'true');
    w.clear(form, err);
    try {
      const r = (await w.api<Record<string, any>>('/helpdesk/reports?' + qs())).data;
      if (my != seq) return;
      const time = (x: { n: number; median_hours: number }) => (x?.n ? t('hours', { h: hrs(w, x.median_hours), n: x.n }) : '—');
      const langs = (rows: Count[]) => rows.map((r) => ({ ...r, label: lang(w, r.key) }));
      out.replaceChildren(
        h('dl', { id: 'rp-sum' }, h('dt', null, t('total')), h('dd', null, '' + r.total), h('dt', null, t('first')), h('dd', null, time(r.first_response)),
          h('dt', null, t('resolution')), h('dd', null, time(r.resolution))),
        chart(w, t, 'month', t('by_month'), r.by_month || []),
        chart(w, t, 'topic', t('by_topic'), r.by_topic || []),
        chart(w, t, 'status', t('by_status'), (r.by_status || []).map((c: Count) => ({ ...c, label: t('s_' + c.key) }))),
        chart(w, t, 'nationality', t('by_nationality'), r.by_nationality || []),
        chart(w, t, 'language', t('by_language'), langs(r.by_language || [])),
        chart(w, t, 'mediators', t('med_hours'), (r.mediator_hours || []).map((m: { ambito: string; language: string; hours: number }) =>
          ({ key: m.language, label: `${lang(w, m.language)} (${m.ambito})`, n: m.hours })), (n) => hrs(w, n)));
      w.say(t('total') + ': ' + r.total);
    } catch (e) {
      if (my != seq) return;
      out.replaceChildren();
      w.fail(form, err, e);
    }
    out.setAttribute('aria-busy', 'false');
  }

  box.replaceChildren(h('h2', { id: 'rp-t' }, t('reports')), form, h('p', null, csv), out);
  load();
  return () => seq++;
};
