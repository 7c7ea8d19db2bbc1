// The "Sportelli" tab of <incroci-console>, a chunk of its own
// (console-desks.js) that the console loads when the tab first opens:
// the coordinators of an ambito see the desks it runs and who answers on
// each, add a consultant of the ambito (GET /ambiti/:slug/people?role=
// consultant, POST /helpdesk/desks/:id/consultants) and take one off
// (DELETE /helpdesk/desks/:id/consultants/:person: their open
// consultations go back to routing).

import { h } from './base';
import type { View } from './console';
import { ck, errP, fld, sel, style, tr } from './console-helpdesk-ui';

interface Desk {
  id: number;
  slug: string;
  name: string;
  ambito: string;
  first_response_hours: number;
  serves_all: boolean;
  ambiti: string[];
  topics: { code: string; label_it: string; label_en: string }[];
}

interface Member {
  person_id: number;
  name?: string;
  topics: string[];
  manager: boolean;
  active: boolean;
}

const enc = encodeURIComponent;

/** desks is the "Sportelli" tab. */
export const desks: View = (w, box) => {
  style(w);
  const t = tr(w);
  let seq = 0;
  const out = h('div', { id: 'dk-list', 'aria-busy': 'true' }, h('p', null, t('loading')));
  box.replaceChildren(h('h2', { id: 'dk-t', tabindex: -1 }, t('desks')), h('p', { class: 'hint' }, t('dk_hint')), out);

  async function load(focus = '') {
    const my = ++seq;
    out.setAttribute('aria-busy', 'true');
    try {
      const [d, p] = await Promise.all([
        w.api<Desk[]>('/helpdesk/desks'),
        w.api<{ id: number; name: string; email: string }[]>(`/ambiti/${enc(w.ambito)}/people?role=consultant&per_page=100`),
      ]);
      const mine = (d.data || []).filter((x) => x.ambito == w.ambito);
      const members = await Promise.all(mine.map((x) => w.api<Member[]>(`/helpdesk/desks/${x.id}/consultants`).then((r) => r.data || [])));
      if (my != seq) return;
      out.replaceChildren(...(mine.length ? mine.map((x, i) => desk(x, members[i], p.data || [])) : [h('p', { id: 'dk-empty', class: 'note' }, t('dk_none'))]));
      if (focus) (w.shadowRoot!.getElementById(focus) as HTMLElement | null)?.focus();
    } catch (e) {
      if (my == seq) out.replaceChildren(errP(w, e, () => load()));
    }
    out.setAttribute('aria-busy', 'false');
  }

  function desk(d: Desk, ms: Member[], people: { id: number; name: string; email: string }[]): HTMLElement {
    const topic = (c: string) => {
      const x = d.topics.find((y) => y.code == c);
      return x ? (w.ui == 'en' ? x.label_en : x.label_it) : c;
    };
    const act = async (b: HTMLElement, path: string, method: string, body: unknown, said: string, focus: string) => {
      if (!w.busy(b, true)) return;
      try {
        await w.api(`/helpdesk/desks/${d.id}/consultants${path}`, { method, body });
        w.say(said);
        await load(focus);
      } catch (e) {
        w.say(w.msg(e));
        w.busy(b, false);
      }
    };
    const active = ms.filter((m) => m.active);
    const rows = active.map((m) => {
      const who = m.name || t('person', { id: m.person_id });
      // Taking someone off takes two presses: the first asks.
      let sure = false;
      const off: HTMLElement = h('button', { id: `dk-off-${d.id}-${m.person_id}`, type: 'button', class: 's', onclick: () => {
        if (!sure) {
          sure = true;
          off.textContent = t('dk_off_sure', { who });
          return w.say(t('dk_off_q', { who }));
        }
        act(off, '/' + m.person_id, 'DELETE', undefined, t('dk_off_done', { who }), `dk-add-${d.id}`);
      } }, t('dk_off', { who }));
      return h('tr', { id: `dk-m-${d.id}-${m.person_id}` },
        h('th', { scope: 'row' }, h('bdi', null, who)),
        h('td', null, m.topics.length ? m.topics.map(topic).join(', ') : t('dk_all')),
        h('td', null, m.manager ? t('dk_manager') : '—'),
        h('td', null, off));
    });
    const free = people.filter((p) => !active.some((m) => m.person_id == p.id));
    const pick = sel(`dk-who-${d.id}`, 'person_id', free.map((p) => ['' + p.id, p.name || p.email]));
    const mgr = ck(`dk-mgr-${d.id}`, 'manager', t('dk_manager_l'));
    const add = h('button', { id: `dk-add-${d.id}`, type: 'button', class: 's', onclick: () => {
      const name = free.find((p) => '' + p.id == pick.value);
      act(add, '', 'POST', { person_id: +pick.value, manager: (mgr.firstChild as HTMLInputElement).checked }, t('dk_added', { who: name?.name || name?.email || '' }), `dk-add-${d.id}`);
    } }, t('dk_add'));
    return h('section', { id: 'dk-' + d.id, 'aria-labelledby': 'dk-n-' + d.id },
      h('h3', { id: 'dk-n-' + d.id }, d.name),
      h('p', null, t('dk_meta', { h: d.first_response_hours, n: d.topics.length }), ' · ', d.serves_all ? t('dk_all_ambiti') : d.ambiti.join(', ')),
      h('div', { class: 'x' }, h('table', { id: 'dk-table-' + d.id },
        h('caption', null, t('dk_members', { n: active.length })),
        h('thead', null, h('tr', null, ...['dk_who', 'dk_topics', 'dk_role', 'actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, ...(rows.length ? rows : [h('tr', null, h('td', { colspan: 4 }, t('dk_nobody')))])))),
      free.length ? h('div', { class: 'row' }, fld(t('dk_add_l'), pick), mgr, add) : h('p', { class: 'note' }, t('dk_no_free')));
  }

  load();
  return () => seq++;
};

const W = window as unknown as Record<string, Record<string, View>>;
W.__incrociConsoleViews1 = { ...W.__incrociConsoleViews1, desks };
