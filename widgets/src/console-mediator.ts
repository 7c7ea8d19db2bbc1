// The mediator's own profile in the console's "Mediazione" tab (bundled in
// console-helpdesk.js): the languages they mediate, how (phone, video, in
// person), the ambiti they serve, when they are available each week, and
// their set days at a place. The hub matches requests by it, so a mediator
// with no profile is offered nothing (GET/PUT /helpdesk/mediation/profile).

import { h, Widget } from './base';
import type { Me } from './session';
import { T } from './console-helpdesk-ui';

interface Interval {
  weekday: number;
  start: string;
  end: string;
}

interface Presence extends Interval {
  ambito: string;
  place: string;
}

interface Profile {
  languages: string[];
  modes: string[];
  ambiti: string[];
  availability: Interval[];
  presences: Presence[];
}

/** LANGS are the codes of shared/domain/languages.csv but Italian. */
const LANGS = 'en fr es ar sq ro uk ru zh ur pa bn hi wo ti am so fa tl'.split(' ');
const MODES = ['phone', 'video', 'in_person'];
const DAYS = [1, 2, 3, 4, 5, 6, 7];

/** dayName is the name of ISO weekday d (1 = Monday) in the UI language. */
const dayName = (w: Widget, d: number) => new Date(Date.UTC(2024, 0, d)).toLocaleDateString(w.ui, { weekday: 'long', timeZone: 'UTC' });

const langName = (w: Widget, c: string) => {
  try {
    return new Intl.DisplayNames([w.ui], { type: 'language' }).of(c) || c;
  } catch {
    return c;
  }
};

/** group is a fieldset that field errors can point at (data-field), with its error paragraph. */
const group = (id: string, field: string, legend: string, ...kids: (Node | false)[]) =>
  h('fieldset', { id, 'data-field': field, 'aria-describedby': id + '-err' }, h('legend', null, legend), ...kids,
    h('p', { id: id + '-err', class: 'fe', hidden: true }));

const box = (id: string, name: string, value: string, label: string, on: boolean) =>
  h('label', { class: 'ck', for: id }, h('input', { type: 'checkbox', id, name, value, checked: on }), label);

/** profile draws the mediator's profile form into el, loaded from the hub; saved runs after each save. */
export async function profile(w: Widget, el: HTMLElement, me: Me, t: T, saved: () => void): Promise<void> {
  el.replaceChildren(h('p', null, t('loading')));
  let p: Profile;
  try {
    p = (await w.api<Profile>('/helpdesk/mediation/profile')).data;
  } catch (e) {
    el.replaceChildren(h('p', { class: 'err', role: 'alert' }, w.msg(e)));
    return;
  }
  const mine = [...new Set((me.roles || []).filter((r) => r.role == 'mediator').map((r) => r.ambito))];
  const first = (d: number) => p.availability.find((a) => a.weekday == d);
  const time = (id: string, v = '') => h('input', { id, type: 'time', step: 300, value: v });
  const week = DAYS.map((d) => [d, time('mp-from-' + d, first(d)?.start), time('mp-to-' + d, first(d)?.end === '24:00' ? '23:59' : first(d)?.end)] as const);
  const sets = h('ul', { id: 'mp-sets', class: 'files' });
  let n = 0;
  const addSet = (s?: Presence) => {
    const k = ++n;
    const day = h('select', { id: 'mp-sd-' + k }, ...DAYS.map((d) => h('option', { value: '' + d, selected: s?.weekday == d }, dayName(w, d))));
    const place = h('input', { id: 'mp-sp-' + k, type: 'text', maxlength: 300, value: s?.place || '' });
    const amb = h('select', { id: 'mp-sa-' + k }, ...mine.map((a) => h('option', { value: a, selected: s?.ambito == a }, a)));
    const li: HTMLElement = h('li', { class: 'row' },
      h('div', { class: 'f' }, h('label', { for: day.id }, t('mp_day')), day),
      h('div', { class: 'f' }, h('label', { for: 'mp-ss-' + k }, t('mp_from')), time('mp-ss-' + k, s?.start)),
      h('div', { class: 'f' }, h('label', { for: 'mp-se-' + k }, t('mp_to')), time('mp-se-' + k, s?.end)),
      mine.length > 1 && h('div', { class: 'f' }, h('label', { for: amb.id }, t('scope')), amb),
      h('div', { class: 'f' }, h('label', { for: place.id }, t('place')), place),
      h('button', { type: 'button', class: 'l', onclick: () => {
        li.remove();
        add.focus();
      } }, t('mp_remove')));
    sets.append(li);
    return day;
  };
  for (const s of p.presences) addSet(s);
  const add = h('button', { id: 'mp-add', type: 'button', class: 's', onclick: () => addSet().focus() }, t('mp_add'));
  const err = h('p', { id: 'mp-error', class: 'err', role: 'alert', hidden: true });
  const save = h('button', { id: 'mp-save', type: 'submit' }, t('mp_save'));
  const v = (id: string) => (form.querySelector('#' + id) as HTMLInputElement).value;
  const form: HTMLFormElement = h('form', { id: 'mp-form', novalidate: true, 'aria-labelledby': 'mp-t', onsubmit: async (e: Event) => {
    e.preventDefault();
    w.clear(form, err);
    const checked = (name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((x) => x.value);
    const body: Profile = {
      languages: checked('languages'), modes: checked('modes'), ambiti: checked('ambiti'),
      availability: week.filter(([, a, b]) => a.value && b.value).map(([d, a, b]) => ({ weekday: d, start: a.value, end: b.value == '23:59' ? '24:00' : b.value })),
      presences: [...sets.children].map((li) => {
        const k = li.querySelector('select')!.id.slice(6);
        return { weekday: +v('mp-sd-' + k), start: v('mp-ss-' + k), end: v('mp-se-' + k), ambito: mine.length > 1 ? v('mp-sa-' + k) : mine[0], place: v('mp-sp-' + k).trim() };
      }),
    };
    if (!w.busy(save, true)) return;
    try {
      await w.api('/helpdesk/mediation/profile', { method: 'PUT', body });
      w.say(t('mp_saved'));
      saved();
    } catch (e) {
      w.fail(form, err, e);
    } finally {
      w.busy(save, false);
    }
  } },
    h('h3', { id: 'mp-t', tabindex: -1 }, t('mp_title')),
    h('p', { class: 'hint' }, t('mp_hint')),
    group('mp-langs', 'languages', t('mp_langs'), h('div', { class: 'row' },
      ...LANGS.map((c) => [c, langName(w, c)]).sort((a, b) => a[1].localeCompare(b[1], w.ui)).map(([c, l]) => box('mp-l-' + c, 'languages', c, l, p.languages.includes(c))))),
    group('mp-modes', 'modes', t('mp_modes'), h('div', { class: 'row' }, ...MODES.map((m) => box('mp-m-' + m, 'modes', m, t('m_' + m), p.modes.includes(m))))),
    mine.length > 1 && group('mp-ambiti', 'ambiti', t('mp_ambiti'), h('div', { class: 'row' },
      ...mine.map((a) => box('mp-a-' + a, 'ambiti', a, a, !p.ambiti.length || p.ambiti.includes(a))))),
    mine.length <= 1 && h('input', { type: 'checkbox', name: 'ambiti', value: mine[0] || w.ambito, checked: true, hidden: true }),
    group('mp-week', 'availability', t('mp_week'), h('div', { class: 'x' }, h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('mp_day')), h('th', { scope: 'col' }, t('mp_from')), h('th', { scope: 'col' }, t('mp_to')))),
      h('tbody', null, ...week.map(([d, a, b]) => h('tr', null, h('th', { scope: 'row' }, dayName(w, d)),
        h('td', null, a), h('td', null, b))))))),
    group('mp-presences', 'presences', t('mp_sets'), sets, add),
    err, save);
  // Each time field is named by its row and column for screen readers.
  for (const [d, a, b] of week) {
    a.setAttribute('aria-label', t('mp_from_of', { day: dayName(w, d) }));
    b.setAttribute('aria-label', t('mp_to_of', { day: dayName(w, d) }));
  }
  el.replaceChildren(form);
}
