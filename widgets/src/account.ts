// What a signed-in person does with their own account, below the "signed in
// as" line of every widget: edit their profile (PATCH /me), sign out on every
// device (POST /auth/signout-all) and download their personal data
// (GET /me/export). The strings are in AUTH (auth.ts).

import { field, h, RTL, Widget } from './base';
import { getSession, Me, setSession } from './session';

/**
 * LANGS are the languages of the profile (shared/domain/languages.csv):
 * code, Italian name, English name, native name, ";" between languages.
 */
const LANGS = 'it|Italiano|Italian|italiano;en|Inglese|English|English;fr|Francese|French|français;es|Spagnolo|Spanish|español;ar|Arabo|Arabic|العربية;sq|Albanese|Albanian|shqip;ro|Rumeno|Romanian|română;uk|Ucraino|Ukrainian|українська;ru|Russo|Russian|русский;zh|Cinese|Chinese|中文;ur|Urdu|Urdu|اردو;pa|Punjabi|Punjabi|ਪੰਜਾਬੀ;bn|Bengalese|Bengali|বাংলা;hi|Hindi|Hindi|हिन्दी;wo|Wolof|Wolof|Wolof;ti|Tigrino|Tigrinya|ትግርኛ;am|Amarico|Amharic|አማርኛ;so|Somalo|Somali|Soomaali;fa|Persiano|Persian|فارسی;tl|Tagalog|Tagalog|Tagalog'
  .split(';').map((x) => x.split('|'));

/** FILE is the name of the downloaded personal data, as the platform names it. */
const FILE = 'incroci-personal-data.json';

/** account draws the account actions of person p into a box, which also holds the forms they open. */
export function account(w: Widget, p: Me): HTMLElement {
  const t = w.t.bind(w);
  const box = h('div', { id: 'account' });
  const err = h('p', { id: 'account-error', class: 'err', role: 'alert', hidden: true });
  // open puts one of the parts into the box: the actions, the profile form or the confirmation.
  const open = (el: HTMLElement, focus?: string) => {
    box.replaceChildren(el);
    (focus ? w.shadowRoot!.getElementById(focus) : el.querySelector('input'))?.focus();
  };
  // esc closes a form or a confirmation with the Escape key.
  const esc = (back: string) => (e: KeyboardEvent) => e.key == 'Escape' && actions(back);
  const actions = (focus?: string) => open(h('div', null,
    h('p', { class: 'row' },
      h('button', { id: 'profile', type: 'button', class: 'l', onclick: profile }, t('profile')),
      h('button', { id: 'export', type: 'button', class: 'l', onclick: (e: Event) => download(w, e.target as HTMLElement, err) }, t('export')),
      h('button', { id: 'signout-all', type: 'button', class: 'l', onclick: confirm }, t('all'))),
    err), focus);

  function profile() {
    const langs = p.languages || [];
    const known = LANGS.map((l) => l[0]);
    const boxes = [...LANGS, ...langs.filter((c) => !known.includes(c)).map((c) => [c, c, c, c])]
      .map(([code, it, en, native]) => [code, w.ui == 'en' ? en : it, native])
      .sort((a, b) => a[1].localeCompare(b[1], w.ui))
      .map(([code, name, native]) => h('label', { for: 'p-lang-' + code },
        h('input', { type: 'checkbox', id: 'p-lang-' + code, name: 'lang', value: code, checked: langs.includes(code) }),
        name,
        native.toLowerCase() != name.toLowerCase() && h('span', { class: 'nv', lang: code, dir: RTL.includes(code) ? 'rtl' : 'ltr' }, native)));
    const ferr = h('p', { id: 'p-error', class: 'err', role: 'alert', hidden: true });
    const save = h('button', { id: 'p-save', type: 'submit' }, t('save'));
    // A heading one level below the view's own (the console has an h2).
    const title = h(w.box.querySelector('h2') ? 'h3' : 'h2', { id: 'p-title' }, t('profile'));
    const form: HTMLFormElement = h('form', { id: 'profile-form', novalidate: true, 'aria-labelledby': 'p-title', onkeydown: esc('profile'),
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const f = form.elements;
        const v = (n: string) => (f.namedItem(n) as HTMLInputElement).value.trim();
        const body = { name: v('name'), service: v('service'), languages: [...form.querySelectorAll<HTMLInputElement>('[name=lang]:checked')].map((x) => x.value) };
        w.clear(form, ferr);
        if (!w.busy(save, true)) return;
        w.say(t('saving'));
        try {
          const r = await w.api<Me>('/me', { method: 'PATCH', body });
          const s = getSession(w.hub);
          // Every widget of the hub draws the new person; the focus goes back to the button that opened the form.
          if (s) setSession(w.hub, { ...s, person: r.data });
          w.say(t('saved'));
          w.shadowRoot!.getElementById('profile')?.focus();
        } catch (e) {
          w.say('');
          w.fail(form, ferr, e);
        } finally {
          w.busy(save, false);
        }
      } },
      title,
      field(t('p_name'), { id: 'p-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: 200, value: p.name }),
      field(t('p_service'), { id: 'p-service', name: 'service', type: 'text', autocomplete: 'off', maxlength: 200, value: p.service || '' }, t('p_service_hint')),
      h('fieldset', { id: 'p-langs', 'data-field': 'languages', 'aria-describedby': 'p-langs-err' },
        h('legend', null, t('p_langs')),
        h('div', { class: 'langs' }, ...boxes),
        h('p', { id: 'p-langs-err', class: 'fe', hidden: true })),
      ferr,
      h('p', { class: 'row' }, save, h('button', { id: 'p-cancel', type: 'button', class: 's', onclick: () => { w.say(''); actions('profile'); } }, t('cancel'))));
    w.say('');
    open(form);
  }

  function confirm() {
    const cerr = h('p', { id: 'confirm-error', class: 'err', role: 'alert', hidden: true });
    const yes: HTMLElement = h('button', { id: 'signout-all-yes', type: 'button', onclick: async () => {
      if (!w.busy(yes, true)) return;
      cerr.hidden = true;
      w.say(t('signing_out'));
      try {
        await w.api('/auth/signout-all', { method: 'POST' });
        w.acted = true;
        setSession(w.hub, null);
        w.say(t('all_done'));
      } catch (e) {
        // A 401 already signed this page out: nothing more to say than that.
        if (!getSession(w.hub)) return w.say(t('out'));
        w.say('');
        cerr.textContent = w.msg(e);
        cerr.hidden = false;
      } finally {
        w.busy(yes, false);
      }
    } }, t('all'));
    w.say('');
    open(h('div', { id: 'confirm', role: 'group', 'aria-labelledby': 'confirm-q', onkeydown: esc('signout-all') },
      h('p', { id: 'confirm-q', tabindex: -1 }, t('all_q')),
      cerr,
      h('p', { class: 'row' }, yes, h('button', { id: 'signout-all-no', type: 'button', class: 's', onclick: () => actions('signout-all') }, t('cancel')))), 'confirm-q');
  }

  actions();
  return box;
}

/** download fetches the person's data and hands it to the browser as a JSON file. */
async function download(w: Widget, btn: HTMLElement, err: HTMLElement) {
  if (!w.busy(btn, true)) return;
  err.hidden = true;
  w.say(w.t('exporting'));
  try {
    const r = await w.api<unknown>('/me/export');
    // A blob: URL and a temporary link: no navigation, nothing inline, so a strict CSP lets it through.
    const url = URL.createObjectURL(new Blob([JSON.stringify(r.data, null, 2)], { type: 'application/json' }));
    const a = h('a', { href: url, download: FILE, hidden: true });
    w.shadowRoot!.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 6e4);
    w.say(w.t('exported', { file: FILE }));
  } catch (e) {
    w.say('');
    if (!getSession(w.hub)) return;
    err.textContent = w.msg(e);
    err.hidden = false;
  } finally {
    w.busy(btn, false);
  }
}
