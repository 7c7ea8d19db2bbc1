// The help-desk views of <incroci-console>, a bundle of their own that the
// console loads the first time one of them is opened: "Sportello" (the
// queue, one consultation with its dialogue, internal notes, assignment,
// status and appointment slots, live), "Mediazione" and "Report"
// (console-helpdesk-more.ts). They register with the console in the window
// property the console reads (VIEWS in console.ts).

import { h } from './base';
import { stream, uuid } from './api';
import type { View } from './console';
import { ck, errP, fld, pii, save, sel, style, tr, when } from './console-helpdesk-ui';
import { mediation, reports } from './console-helpdesk-more';
import { instantOf } from './italy';

interface Sum {
  id: number;
  desk_id: number;
  subject: string;
  urgency: string;
  status: string;
  assignee_id: number | null;
  assignee_name?: string;
  first_response_due: string;
  first_response_at: string | null;
  late: boolean;
  unread: number;
}

interface Msg {
  id: number;
  client_id: string;
  author_id: number;
  author_name?: string;
  kind: string;
  body: string;
  created_at: string;
}

interface Att {
  id: number;
  message_id: number | null;
  name: string;
  size: number;
}

interface Slot {
  id: number;
  start: string;
  end: string;
  mode: string;
  place: string;
  video_url: string | null;
  interpreter: boolean;
  interpreter_language: string;
  status: string;
}

interface Det extends Sum {
  question: string;
  operator_id: number;
  operator_name?: string;
  service: string;
  desk_name: string;
  created_at: string;
  topic: { label_it: string; label_en: string };
  beneficiary: { label: string; age_band: string; nationality: string; language: string };
  messages: Msg[];
  attachments: Att[];
  history: { id: number; from: string; to: string; actor_id: number | null; actor_name?: string; at: string }[];
  appointments: Slot[];
  last_read: number;
}

/** A message being sent: the same client id on every retry, so it is never stored twice. */
interface Out {
  cid: string;
  body: string;
  internal: boolean;
  atts: Att[];
  li: HTMLElement;
}

const STATUSES = ['new', 'open', 'waiting_operator', 'waiting_consultant', 'appointment', 'resolved', 'closed'];
const PER_PAGE = 20;

/** helpdesk is the "Sportello" tab. */
const helpdesk: View = (w, box, me) => {
  style(w);
  const t = tr(w);
  const f = { status: '', desk: '', mine: false, late: false, q: '', page: 1 };
  // Names of the people met (queue, consultations, desks' consultants), and
  // each desk's active consultants: the choices of the assignment.
  const names = new Map<number, string>();
  const learn = (id?: number | null, n?: string) => id && n && names.set(id, n);
  const teams = new Map<number, number[]>();
  let desks: { id: number; name: string }[] | undefined;
  let seq = 0;
  let stop = () => {};
  const who = (id: number | null) => (id == null ? t('nobody') : id == me.id ? t('me') : names.get(id) || t('person', { id }));
  const badge = (s: string, cls = 'b') => h('span', { class: cls }, s);

  // ---- The queue.
  function queue(focus = false) {
    stop();
    stop = () => {};
    const title = h('h2', { id: 'hd-title', tabindex: -1 }, t('queue'));
    const q = h('input', { id: 'hd-q', name: 'q', type: 'search', value: f.q });
    const st = sel('hd-st', 'status', [['', t('all')], ...STATUSES.map((s) => [s, t('s_' + s)])], f.status);
    const dk = sel('hd-desk', 'desk', [['', t('all')], ...(desks || []).map((d) => ['' + d.id, d.name])], f.desk);
    const form: HTMLFormElement = h('form', { id: 'hd-filters', role: 'search', 'aria-label': t('filters'), onsubmit: (e: Event) => {
      e.preventDefault();
      const v = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
      Object.assign(f, { q: q.value.trim(), status: st.value, desk: dk.value, mine: v('mine').checked, late: v('late').checked, page: 1 });
      load(out);
    } },
      h('div', { class: 'row' }, fld(t('q'), q), fld(t('status'), st), fld(t('desk'), dk)),
      h('div', { class: 'row' }, ck('hd-mine', 'mine', t('mine'), f.mine), ck('hd-late', 'late', t('late_only'), f.late),
        h('button', { id: 'hd-filter', type: 'submit', class: 's' }, t('filter'))));
    const out = h('div', { id: 'hd-queue', 'aria-busy': 'true' }, h('p', null, t('loading')));
    box.replaceChildren(title, form, out);
    if (focus) title.focus();
    load(out);
  }

  async function load(out: HTMLElement) {
    const my = ++seq;
    out.setAttribute('aria-busy', 'true');
    const qs = new URLSearchParams({ page: '' + f.page, per_page: '' + PER_PAGE });
    if (f.status) qs.set('status', f.status);
    if (f.desk) qs.set('desk', f.desk);
    if (f.mine) qs.set('mine', 'true');
    if (f.late) qs.set('late', 'true');
    if (f.q) qs.set('q', f.q);
    try {
      if (!desks) {
        desks = (await w.api<{ id: number; name: string }[]>('/helpdesk/desks')).data || [];
        const dk = w.shadowRoot!.getElementById('hd-desk');
        dk?.append(...desks.map((d) => h('option', { value: '' + d.id }, d.name)));
      }
      const r = await w.api<Sum[]>('/helpdesk/consultations?' + qs);
      if (my != seq) return;
      const rows = r.data || [];
      const total = r.page?.total ?? rows.length;
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      const dn = (id: number) => desks!.find((d) => d.id == id)?.name || '';
      for (const c of rows) learn(c.assignee_id, c.assignee_name);
      const nav = (d: number, id: string) => h('button', { id: 'hd-' + id, type: 'button', class: 's', 'aria-disabled': String(d < 0 ? f.page <= 1 : f.page >= pages),
        onclick: (e: Event) => {
          if ((e.target as HTMLElement).getAttribute('aria-disabled') == 'true') return;
          f.page += d;
          load(out).then(() => w.shadowRoot!.getElementById('hd-' + id)?.focus());
        } }, t(id));
      const cols = ['subject', 'status', 'urgency', 'due', 'unread', 'assignee'];
      out.replaceChildren(h('div', { class: 'x' }, h('table', { id: 'hd-table' },
        h('caption', null, t('count', { n: total })),
        h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', null, ...(rows.length ? rows.map((c) => h('tr', { id: 'hd-row-' + c.id },
          h('th', { scope: 'row' }, h('button', { id: 'hd-c-' + c.id, type: 'button', class: 'l', onclick: () => open(c.id) }, c.subject),
            h('br'), `n. ${c.id} · ${dn(c.desk_id)}`),
          h('td', null, t('s_' + c.status)),
          h('td', null, c.urgency == 'urgent' || c.urgency == 'high' ? badge(t('u_' + c.urgency), 'b late') : t('u_' + c.urgency)),
          h('td', null, c.first_response_at ? t('answered') : when(w, c.first_response_due), c.late && ' ', c.late && badge(t('late'), 'b late')),
          h('td', null, '' + c.unread),
          h('td', null, who(c.assignee_id)))) : [h('tr', null, h('td', { id: 'hd-empty', colspan: 6 }, t('empty')))])))),
        h('nav', { class: 'row', 'aria-label': t('pages') }, nav(-1, 'prev'), t('page', { p: f.page, n: pages }), nav(1, 'next')));
      w.say(t('count', { n: total }));
    } catch (e) {
      if (my != seq) return;
      out.replaceChildren(errP(w, e, () => load(out)));
    }
    out.setAttribute('aria-busy', 'false');
  }

  // ---- One consultation.
  async function open(id: number) {
    stop();
    const my = ++seq;
    const back = h('button', { id: 'hd-back', type: 'button', class: 'l', onclick: () => queue(true) }, t('back'));
    const wait = h('p', { tabindex: -1 }, t('loading'));
    box.replaceChildren(back, wait);
    wait.focus();
    try {
      const r = await w.api<Det>('/helpdesk/consultations/' + id);
      if (my == seq) show(r.data, back);
    } catch (e) {
      if (my == seq) box.replaceChildren(back, errP(w, e, () => open(id)));
    }
  }

  function show(c: Det, back: HTMLElement) {
    const head = h('div');
    const appts = h('section', { id: 'hd-appts', 'aria-labelledby': 'hd-appts-t' });
    const live = h('p', { id: 'hd-live', class: 'note', role: 'status' });
    const seen = new Set<number>();
    const atts: Att[] = c.attachments || [];
    const outs: Out[] = [];
    learn(c.operator_id, c.operator_name);
    learn(c.assignee_id, c.assignee_name);
    let last = 0;
    const li = (m: Msg, o?: Out, failed?: string) => {
      const note = m.kind == 'note';
      const files = o ? o.atts : atts.filter((a) => m.id && a.message_id == m.id);
      const dl = (a: Att): HTMLElement => {
        const b: HTMLElement = h('button', { type: 'button', class: 'l', onclick: async () => {
          if (!w.busy(b, true)) return;
          try {
            await save(w, `/helpdesk/consultations/${c.id}/attachments/${a.id}`, a.name);
            w.say(t('downloaded', { name: a.name }));
          } catch (e) {
            w.say(w.msg(e));
          } finally {
            w.busy(b, false);
          }
        } }, t('download') + ' ', h('bdi', null, a.name), ` (${Math.max(1, Math.round(a.size / 1024))} KB)`);
        return b;
      };
      learn(m.author_id, m.author_name);
      const role = m.author_id == c.operator_id ? t('operator') : t('consultant');
      return h('li', { id: m.id ? 'hd-m-' + m.id : null, class: (note ? 'int ' : '') + (m.author_id == me.id ? 'me' : '') },
        h('p', { class: 'who' }, h('strong', null, m.author_id == me.id ? t('you') : names.get(m.author_id) || role), m.author_id != me.id && names.has(m.author_id) && ` (${role})`,
          note && ' · ', note && h('strong', { class: 'nl' }, t('note')),
          ' · ',
          o ? h('span', { class: failed ? 'fe' : null }, failed ? t('failed', { err: failed }) : t('sending')) : h('time', { datetime: m.created_at }, when(w, m.created_at)),
          failed && ' ', failed && h('button', { type: 'button', class: 'l retry', onclick: () => post(o!) }, t('retry'))),
        h('p', { class: 'body' }, m.body),
        files.length > 0 && h('ul', { class: 'files', 'aria-label': t('files') }, ...files.map((a) => h('li', null, dl(a)))));
    };
    const ol = h('ol', { id: 'hd-msgs', class: 'm', 'aria-labelledby': 'hd-dlg' },
      li({ id: 0, client_id: '', author_id: c.operator_id, kind: 'message', body: c.question, created_at: c.created_at }));
    const add = (ms: Msg[], said = false) => {
      let n = 0;
      for (const m of ms) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        last = Math.max(last, m.id);
        const i = outs.findIndex((o) => o.cid == m.client_id);
        if (i >= 0) outs.splice(i, 1)[0].li.remove();
        ol.insertBefore(li(m), outs[0]?.li || null);
        if (m.author_id != me.id) n++;
      }
      if (said && n) w.say(t('new_msg'));
      if (last > c.last_read) {
        c.last_read = last;
        w.api(`/helpdesk/consultations/${c.id}/read`, { method: 'POST', body: { up_to: last } }).catch(() => {});
      }
    };
    add(c.messages || []);

    const drawHead = () => {
      const fid = head.contains(w.shadowRoot!.activeElement) ? w.shadowRoot!.activeElement!.id : '';
      const b = c.beneficiary || ({} as Det['beneficiary']);
      const row = (k: string, ...v: (Node | string | false | null)[]) => [h('dt', null, t(k)), h('dd', null, ...v)];
      const team = new Set([...(teams.get(c.desk_id) || [me.id]), ...(c.assignee_id ? [c.assignee_id] : [])]);
      const to = sel('hd-assignee', 'person_id', [...team].map((id) => ['' + id, who(id)]), '' + (c.assignee_id ?? me.id));
      const act = (id: string, label: string, path: string, body: unknown, done: () => string) => {
        const btn: HTMLElement = h('button', { id, type: 'button', class: 's', onclick: async () => {
          if (!w.busy(btn, true)) return;
          try {
            const r = await w.api<Det>(`/helpdesk/consultations/${c.id}/${path}`, { method: 'POST', body: typeof body == 'function' ? body() : body });
            refresh(r.data);
            w.say(done());
          } catch (e) {
            w.say(w.msg(e));
          } finally {
            w.busy(btn, false);
          }
        } }, label);
        return btn;
      };
      head.replaceChildren(
        h('h2', { id: 'hd-c-title', tabindex: -1 }, c.subject),
        h('dl', { id: 'hd-meta' },
          ...row('number', '' + c.id),
          ...row('desk', c.desk_name),
          ...row('topic', w.ui == 'en' ? c.topic?.label_en : c.topic?.label_it),
          ...row('status', h('span', { id: 'hd-status', class: 'b' }, t('s_' + c.status))),
          ...row('urgency', t('u_' + c.urgency)),
          ...row('due', c.first_response_at ? t('answered') : when(w, c.first_response_due), c.late && ' ', c.late && h('span', { class: 'b late' }, t('late'))),
          ...row('ben', h('bdi', null, b.label), [b.age_band, b.nationality, b.language].filter((x) => x && x != 'unknown').map((x) => ' · ' + x).join('')),
          ...row('service', c.service || '—'),
          ...row('operator', h('bdi', null, who(c.operator_id))),
          ...row('assignee', h('span', { id: 'hd-who' }, who(c.assignee_id)))),
        h('div', { class: 'row' }, fld(t('assign_to'), to),
          act('hd-assign', t('assign'), 'assign', () => ({ person_id: +to.value }), () => t('assigned', { who: who(c.assignee_id) })),
          c.assignee_id != me.id && act('hd-assign-me', t('assign_me'), 'assign', { person_id: me.id }, () => t('assigned', { who: t('me') })),
          c.status != 'resolved' && c.status != 'closed' && act('hd-resolve', t('resolve'), 'status', { status: 'resolved' }, () => t('resolved'))),
        (c.history || []).length > 0 && h('details', { id: 'hd-history' }, h('summary', null, t('history', { n: c.history.length })),
          h('ol', null, ...c.history.map((x) => {
            learn(x.actor_id, x.actor_name);
            return h('li', null, h('time', { datetime: x.at }, when(w, x.at)), ' · ', x.from ? t('s_' + x.from) + ' → ' : '', t('s_' + x.to), ' · ', who(x.actor_id));
          }))));
      if (fid) (w.shadowRoot!.getElementById(fid) || head.querySelector('h2'))!.focus();
    };

    const drawAppts = () => {
      const fid = appts.contains(w.shadowRoot!.activeElement) ? w.shadowRoot!.activeElement!.id : '';
      const slots = c.appointments || [];
      appts.replaceChildren(h('h3', { id: 'hd-appts-t', tabindex: -1 }, t('appts')),
        slots.length ? h('ul', { id: 'hd-slots' }, ...slots.map((s) => {
          const cancel: HTMLElement = h('button', { id: 'hd-cancel-' + s.id, type: 'button', class: 'l', onclick: async () => {
            if (!w.busy(cancel, true)) return;
            try {
              await w.api(`/helpdesk/consultations/${c.id}/appointments/${s.id}/cancel`, { method: 'POST', body: {} });
              w.say(t('cancelled'));
              reload();
            } catch (e) {
              w.say(w.msg(e));
              w.busy(cancel, false);
            }
          } }, t('cancel'));
          return h('li', { id: 'hd-slot-' + s.id }, `${when(w, s.start)} – ${when(w, s.end)} · `,
            s.mode == 'video' ? t('video') + ': ' + (s.video_url || '') : t('in_person') + ': ' + s.place,
            s.interpreter ? ` · ${t('with_int')} (${s.interpreter_language})` : '', ' · ', h('strong', null, t('sl_' + s.status)),
            (s.status == 'proposed' || s.status == 'accepted') && ' ', (s.status == 'proposed' || s.status == 'accepted') && cancel);
        })) : h('p', null, t('no_appts')),
        proposeForm());
      if (fid) (w.shadowRoot!.getElementById(fid) || appts.firstChild as HTMLElement).focus();
    };

    let pform: HTMLFormElement | undefined;
    const proposeForm = () => {
      if (pform) return pform;
      const err = h('p', { id: 'hd-p-error', class: 'err', role: 'alert', hidden: true });
      const inp = (id: string, name: string, type = 'text') => h('input', { id, name, type, autocomplete: 'off' });
      const start = inp('hd-start', 'start', 'datetime-local');
      const end = inp('hd-end', 'end', 'datetime-local');
      const mode = sel('hd-mode', 'mode', [['in_person', t('in_person')], ['video', t('video')]]);
      const send = h('button', { id: 'hd-propose', type: 'submit' }, t('send_slot'));
      const form: HTMLFormElement = h('form', { id: 'hd-p-form', novalidate: true, 'aria-labelledby': 'hd-p-t', onsubmit: async (e: Event) => {
        e.preventDefault();
        w.clear(form, err);
        const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
        const a = instantOf(start.value);
        const b = instantOf(end.value);
        if (!(b > a)) return w.bad(start, t('bad_time')).focus();
        if (!w.busy(send, true)) return;
        try {
          const slot = { start: new Date(a).toISOString(), end: new Date(b).toISOString(), mode: mode.value, place: v('place'), video_url: v('video_url'),
            interpreter: (form.elements.namedItem('interpreter') as HTMLInputElement).checked, interpreter_language: v('interpreter_language') };
          await w.api(`/helpdesk/consultations/${c.id}/appointments`, { method: 'POST', body: { slots: [slot] } });
          form.reset();
          w.say(t('proposed'));
          reload();
        } catch (e) {
          w.fail(form, err, e);
        } finally {
          w.busy(send, false);
        }
      } },
        h('h4', { id: 'hd-p-t' }, t('propose')),
        h('div', { class: 'row' }, fld(t('start'), start), fld(t('end'), end), fld(t('mode'), mode)),
        fld(t('place'), inp('hd-place', 'place')),
        fld(t('video_url'), inp('hd-video', 'video_url', 'url')),
        ck('hd-interpreter', 'interpreter', t('interpreter')),
        fld(t('interpreter_language'), inp('hd-int-lang', 'interpreter_language')),
        err, send);
      return (pform = form);
    };

    // The reply form: a message to the operator, or an internal note, with files.
    const ta = h('textarea', { id: 'hd-body', name: 'body', rows: 5, maxlength: 20000 });
    const err = h('p', { id: 'hd-r-error', class: 'err', role: 'alert', hidden: true });
    let picked: Att[] = [];
    const hint = h('p', { id: 'hd-file-hint', class: 'hint' }, t('file_hint', { mb: 10 }));
    const ups = new Set<Promise<unknown>>();
    const pl = h('ul', { id: 'hd-picked', class: 'files', 'aria-label': t('files') });
    const drawPicked = () => pl.replaceChildren(...pl.querySelectorAll('.up'), ...picked.map((a) => h('li', null, h('bdi', null, a.name), ' ',
      h('button', { type: 'button', class: 'l', onclick: () => {
        picked = picked.filter((x) => x != a);
        drawPicked();
        file.focus();
      } }, t('remove', { name: a.name })))));
    const file: HTMLInputElement = h('input', { id: 'hd-file', name: 'file', type: 'file', multiple: true, onchange: () => {
      w.clear(reply, err);
      for (const f of file.files || []) {
        const li = h('li', { class: 'up' }, t('uploading', { name: f.name }));
        pl.append(li);
        const fd = new FormData();
        fd.append('file', f, f.name);
        const p = w.api<Att>(`/helpdesk/consultations/${c.id}/attachments`, { method: 'POST', body: fd }).then((r) => {
          picked.push(r.data);
          w.say(t('uploaded', { name: f.name }));
        }, (e) => w.bad(file, w.msg(e) + ' ' + f.name)).finally(() => {
          li.remove();
          ups.delete(p);
          drawPicked();
        });
        ups.add(p);
      }
      file.value = '';
    } });
    const send = h('button', { id: 'hd-send', type: 'submit' }, t('send'));
    const reply: HTMLFormElement = h('form', { id: 'hd-reply', novalidate: true, 'aria-labelledby': 'hd-reply-t', onsubmit: async (e: Event) => {
      e.preventDefault();
      w.clear(reply, err);
      if (!ta.value.trim()) return w.bad(ta, t('body_empty')).focus();
      if (!w.busy(send, true)) return;
      try {
        await Promise.all(ups);
        const body = await pii(w, t('body'), ta);
        if (body == null) return;
        const box = reply.elements.namedItem('internal') as HTMLInputElement;
        const o: Out = { cid: uuid(), body, internal: box.checked, atts: picked, li: h('li') };
        picked = [];
        drawPicked();
        // A note is one message: the next reply goes to the operator unless ticked again.
        ta.value = '';
        box.checked = false;
        outs.push(o);
        ol.append(o.li);
        post(o);
      } finally {
        w.busy(send, false);
      }
    } },
      h('h3', { id: 'hd-reply-t' }, t('reply')),
      fld(t('body'), ta),
      ck('hd-internal', 'internal', t('internal')),
      fld(t('file'), file),
      hint,
      pl,
      err, send);
    file.setAttribute('aria-describedby', 'hd-file-hint hd-file-err');
    // The hub's own upload limit, when it answers.
    w.api<{ max_attachment_bytes: number }>('/helpdesk/settings').then((r) => (hint.textContent = t('file_hint', { mb: Math.round(r.data.max_attachment_bytes / 1048576) })), () => {});

    async function post(o: Out) {
      const m = { id: 0, client_id: o.cid, author_id: me.id, kind: o.internal ? 'note' : 'message', body: o.body, created_at: '' };
      const mark = (failed?: string) => {
        const n = li(m, o, failed);
        const had = o.li.contains(w.shadowRoot!.activeElement);
        o.li.replaceWith(n);
        o.li = n;
        if (had) (n.querySelector<HTMLElement>('.retry') || ta).focus();
      };
      mark();
      w.say(t('sending'));
      try {
        const r = await w.api<Msg>(`/helpdesk/consultations/${c.id}/messages`, { method: 'POST', body: { client_id: o.cid, body: o.body, internal: o.internal, attachments: o.atts.map((a) => a.id) } });
        for (const a of o.atts) if (!atts.some((x) => x.id == a.id)) atts.push({ ...a, message_id: r.data.id });
        add([r.data]);
        w.say(t('sent'));
        reload();
      } catch (e) {
        if (!outs.includes(o)) return; // it came live all the same
        mark(w.msg(e));
        w.say(t('failed', { err: w.msg(e) }));
      }
    }

    const refresh = (d: Det) => {
      Object.assign(c, { ...d, last_read: c.last_read });
      for (const a of d.attachments || []) if (!atts.some((x) => x.id == a.id)) atts.push(a);
      add(d.messages || [], true);
      drawHead();
      drawAppts();
    };
    let tick = 0;
    let busy = Promise.resolve();
    const reload = () => {
      clearTimeout(tick);
      tick = setTimeout(() => {
        busy = busy.then(() => w.api<Det>('/helpdesk/consultations/' + c.id).then((r) => on && refresh(r.data), () => {}));
      }, 200);
    };
    const more = () => {
      busy = busy.then(() => w.api<{ messages: Msg[]; attachments: Att[] }>(`/helpdesk/consultations/${c.id}/messages?after=${last}`)
        .then((r) => {
          if (!on) return;
          for (const a of r.data.attachments || []) if (!atts.some((x) => x.id == a.id)) atts.push(a);
          add(r.data.messages || [], true);
        }, () => {}));
    };
    let on = true;
    let downT = 0;
    const sub = stream(w.hub, w.ui, `/helpdesk/consultations/${c.id}/events`, {
      onEvent: (type) => {
        if (type == 'message.created') more();
        else reload();
      },
      onState: (s) => {
        if (s == 'retry') {
          downT ||= setTimeout(() => (live.textContent = t('paused')), 5e3);
          return;
        }
        clearTimeout(downT);
        downT = 0;
        live.textContent = '';
        if (s == 'resync') more(), reload();
      },
    });
    stop = () => {
      on = false;
      sub.close();
      clearTimeout(tick);
      clearTimeout(downT);
    };
    drawHead();
    drawAppts();
    if (!teams.has(c.desk_id))
      w.api<{ person_id: number; name?: string; active: boolean }[]>(`/helpdesk/desks/${c.desk_id}/consultants`).then((r) => {
        const ids = (r.data || []).filter((x) => x.active).map((x) => (learn(x.person_id, x.name), x.person_id));
        teams.set(c.desk_id, ids.length ? ids : [me.id]);
        if (on) drawHead();
      }, () => {});
    box.replaceChildren(back, head, live, h('h3', { id: 'hd-dlg' }, t('dialogue')), ol, reply, appts);
    (head.firstChild as HTMLElement).focus();
  }

  queue();
  return () => {
    seq++;
    stop();
  };
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, helpdesk, mediation, reports };
