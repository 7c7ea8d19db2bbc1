// The operator's side of appointments, a part of the consultation view of
// <incroci-helpdesk>: the slots a consultant proposed (the consultation's
// "appointments"), each with "Accetta" (POST …/appointments/:slot/accept),
// and the appointment picked. The header is redrawn on every change heard
// live, and this part with it.

import { h } from './base';
import { TZ } from './italy';
import type { Det, Helpdesk, Part } from './helpdesk';

interface Slot {
  id: number;
  start: string;
  end: string;
  status: string;
  mode: string;
  place: string;
  video_url: string;
  interpreter: boolean;
  interpreter_language: string;
}

/** focus is set after accepting: the redrawn section takes the focus. */
let focus = false;

function fill(w: Helpdesk, c: Det, box: HTMLElement, all: Slot[]) {
  const t = w.t.bind(w);
  const now = Date.now();
  const slots = all.filter((s) => (s.status == 'proposed' ? Date.parse(s.start) : s.status == 'accepted' ? Date.parse(s.end) : 0) > now);
  box.hidden = !slots.length;
  const err = h('p', { id: 'appts-error', class: 'err', role: 'alert', hidden: true });
  const title = h('h3', { id: 'appts-t', tabindex: -1 }, t('appts'));
  box.replaceChildren(title, err, h('ul', { class: 'c' }, ...slots.map((s) => {
    const b: HTMLElement = h('button', { id: 'accept-' + s.id, type: 'button', onclick: async () => {
      if (!w.busy(b, true)) return;
      err.hidden = true;
      try {
        await w.api(`/helpdesk/consultations/${c.id}/appointments/${s.id}/accept`, { method: 'POST' });
        focus = true;
        w.say(t('accepted'));
        w.soon();
      } catch (e) {
        err.textContent = w.msg(e);
        err.hidden = false;
        w.busy(b, false);
      }
    } }, t('accept'));
    // Calling off an agreed appointment takes two presses: the first asks.
    let sure = false;
    const off: HTMLElement = h('button', { id: 'calloff-' + s.id, type: 'button', class: 's', onclick: async () => {
      if (!sure) {
        sure = true;
        off.textContent = t('calloff_sure');
        return w.say(t('calloff_q'));
      }
      if (!w.busy(off, true)) return;
      try {
        await w.api(`/helpdesk/consultations/${c.id}/appointments/${s.id}/cancel`, { method: 'POST' });
        w.say(t('called_off'));
        w.soon();
      } catch (e) {
        err.textContent = w.msg(e);
        err.hidden = false;
        w.busy(off, false);
      }
    } }, t('calloff'));
    const lang = s.interpreter && w.names('language', s.interpreter_language);
    return h('li', { id: 'slot-' + s.id },
      h('p', null, h('strong', null, new Date(s.start).toLocaleString(w.ui, { dateStyle: 'full', timeStyle: 'short', timeZone: TZ }), '–',
        new Date(s.end).toLocaleTimeString(w.ui, { timeStyle: 'short', timeZone: TZ })), ' ',
        s.status == 'accepted' && h('span', { class: 'b u' }, t('booked'))),
      h('p', null, t(s.mode == 'video' ? 'video' : 'in_person') + ': ', s.mode == 'video'
        ? /^https:\/\//.test(s.video_url) && h('a', { href: s.video_url, target: '_blank', rel: 'noopener noreferrer' }, s.video_url)
        : h('bdi', null, s.place),
        lang && ' · ' + t('interpreter', { lang })),
      h('p', null, s.status == 'proposed' ? b : off));
  })));
  if (focus) setTimeout(() => title.focus());
  focus = false;
}

export const appointments: Part = {
  draw(w, c) {
    const box = h('section', { id: 'appts', 'aria-labelledby': 'appts-t' });
    fill(w, c, box, (c as Det & { appointments?: Slot[] }).appointments || []);
    return box;
  },
};
