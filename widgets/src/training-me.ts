// The person's own views of <incroci-training>, set as its hooks: "Le mie
// ore" (GET /training/me/hours, per year and course), "I miei attestati"
// (GET /training/me/certificates, the PDF downloaded with the session's
// token, the public verification page) and the check-in (POST
// /training/checkin with the code of the QR code the page was opened with,
// or one typed in).

import { field, h } from './base';
import type { ApiError } from './api';
import { save } from './download';
import { TZ } from './italy';
import type { Training, hooks as Hooks } from './training';

interface HoursLine {
  year: number;
  course_id: number;
  course: string;
  minutes: number;
  hours: number;
}

interface Certificate {
  id: number;
  code: string;
  course: string;
  hours: number;
  first_day: string;
  last_day: string;
  issued_at: string;
  revoked_at: string | null;
  revoke_reason: string;
  verify_url?: string;
}

const T = '/training';

/** day writes the date of an instant in Italian time. */
const day = (w: Training, s: string) => w.at(s, { dateStyle: 'long' });

/** num writes hours with at most two decimals, in the UI's language. */
const num = (w: Training, n: number) => n.toLocaleString(w.ui, { maximumFractionDigits: 2 });

/** load shows the loading state in box, then the view draw makes of what get gives, or the error with a retry. */
async function load<T>(w: Training, box: HTMLElement, get: () => Promise<T>, draw: (x: T) => Node[]): Promise<void> {
  const my = ++w.seq;
  const f = w.acted || !!w.shadowRoot!.activeElement;
  box.replaceChildren(h('p', { 'aria-busy': 'true' }, w.t('loading')));
  let x: T;
  try {
    x = await get();
  } catch (e) {
    if (my == w.seq) w.failView(e, () => w.render());
    return;
  }
  if (my != w.seq) return;
  box.replaceChildren(...draw(x));
  if (f) box.querySelector<HTMLElement>('h2')?.focus();
}

function hours(w: Training, box: HTMLElement): void {
  const t = w.t.bind(w);
  load(w, box, () => w.api<{ hours: number; lines: HoursLine[] }>(T + '/me/hours').then((r) => r.data), (d) => {
    const years = [...new Set(d.lines.map((l) => l.year))].sort((a, b) => b - a);
    return [h('h2', { tabindex: -1 }, t('hours')), h('p', null, t('h_intro')),
      d.lines.length ? h('p', { id: 'total' }, h('strong', null, t('h_total', { n: num(w, d.hours) }))) : h('p', { id: 'empty', class: 'note' }, t('h_none')),
      ...years.map((y) => {
        const ls = d.lines.filter((l) => l.year == y);
        // As the API writes hours: truncated to two decimals.
        const sum = Math.floor((ls.reduce((n, l) => n + l.minutes, 0) * 100) / 60) / 100;
        return h('div', { class: 'x' }, h('table', { id: 'hours-' + y },
          h('caption', null, t('h_of', { y })),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('h_course')), h('th', { scope: 'col' }, t('h_hours')))),
          h('tbody', null, ...ls.map((l) => h('tr', null, h('th', { scope: 'row' }, l.course), h('td', null, num(w, l.hours))))),
          h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, t('h_sum')), h('td', null, num(w, sum))))));
      })];
  });
}

function certificates(w: Training, box: HTMLElement): void {
  const t = w.t.bind(w);
  load(w, box, () => w.api<Certificate[]>(T + '/me/certificates').then((r) => r.data || []), (cs) => [h('h2', { tabindex: -1 }, t('certs')),
    cs.length ? h('ul', { id: 'certs', class: 'c' }, ...cs.map((c) => {
      const err = h('p', { class: 'err', role: 'alert', hidden: true, id: 'pdf-err-' + c.id });
      const b: HTMLElement = h('button', { type: 'button', class: 's', 'data-pdf': c.id, onclick: () => pdf(w, b, err, c) }, t('c_pdf'), h('span', { class: 'sr' }, ': ' + c.course));
      return h('li', null, h('h3', null, c.course),
        h('p', null, t('c_hours', { n: num(w, c.hours), f: day(w, c.first_day), l: day(w, c.last_day) })),
        h('p', null, c.revoked_at ? h('strong', { class: 'revoked' }, t('c_revoked', { d: day(w, c.revoked_at), r: c.revoke_reason })) : t('c_issued', { d: day(w, c.issued_at) })),
        !c.revoked_at && h('p', { class: 'row' }, b,
          /^https?:\/\//i.test(c.verify_url || '') && h('a', { href: c.verify_url, target: '_blank', rel: 'noopener noreferrer', class: 'verify' }, t('c_verify'),
            h('span', { class: 'sr' }, ` (${t('c_verify_h')})`))),
        err);
    })) : h('p', { id: 'empty', class: 'note' }, t('c_none'))]);
}

/** pdf downloads the certificate's PDF with the session's token (never in the URL) through a blob: link. */
async function pdf(w: Training, b: HTMLElement, err: HTMLElement, c: Certificate): Promise<void> {
  if (!w.busy(b, true)) return;
  err.hidden = true;
  w.say(w.t('loading'));
  try {
    const name = `attestato-${c.id}.pdf`;
    await save(w, `${T}/me/certificates/${c.id}/pdf`, name);
    w.say(w.t('c_dl', { name }));
  } catch (e) {
    w.say('');
    err.textContent = (e as ApiError).status == 503 ? w.t('c_pdf_na') : w.msg(e);
    err.hidden = false;
  } finally {
    w.busy(b, false);
  }
}

function checkin(w: Training, box: HTMLElement): void {
  const t = w.t.bind(w);
  const err = h('p', { id: 'ci-error', class: 'err', role: 'alert', hidden: true });
  const ok = h('p', { id: 'ci-done', class: 'box', tabindex: -1, hidden: true });
  const btn = h('button', { id: 'ci-send', type: 'submit' }, t('checkin'));
  const form: HTMLFormElement = h('form', { id: 'ci', novalidate: true, onsubmit: async (e: Event) => {
    e.preventDefault();
    const input = form.elements.namedItem('code') as HTMLInputElement;
    const code = input.value.trim();
    w.clear(form, err);
    ok.hidden = true;
    if (!code) return w.bad(input, t('ci_bad')).focus();
    if (!w.busy(btn, true)) return;
    w.say(t('working'));
    try {
      await w.api(T + '/checkin', { method: 'POST', body: { code } });
      input.value = '';
      ok.textContent = t('ci_done');
      ok.hidden = false;
      w.say(t('ci_done'));
      ok.focus();
    } catch (x) {
      w.say('');
      w.fail(form, err, x);
    } finally {
      w.busy(btn, false);
    }
  } }, field(t('ci_code'), { id: 'code', name: 'code', autocomplete: 'off', spellcheck: 'false', maxlength: 100, required: true, value: w.checkin }), err, btn);
  box.replaceChildren(h('h2', { tabindex: -1 }, t('ci')), h('p', null, t('ci_hint')), ok, form);
  if (w.checkin) {
    // The code of the QR code the page was opened with goes at once, once.
    w.checkin = '';
    form.requestSubmit();
  } else if (w.acted) box.querySelector('h2')?.focus();
  w.acted = false;
}

/** me sets the hooks of <incroci-training> to these views. */
/**
 * calendar is the section of "I miei corsi" that gives the address of the
 * person's calendar feed (GET /training/me/calendar) to subscribe to in a
 * calendar program, and replaces it (POST /training/me/calendar/reset)
 * when it was shared by mistake: the second press confirms.
 */
function calendar(w: Training): HTMLElement {
  const t = w.t.bind(w);
  const out = h('div');
  const show = (url: string) => {
    const inp = h('input', { id: 'cal-url', readonly: true, value: url, 'aria-describedby': 'cal-note', onfocus: () => inp.select() }) as HTMLInputElement;
    const copy = h('button', { id: 'cal-copy', type: 'button', class: 's', onclick: async () => {
      inp.select();
      try {
        await navigator.clipboard.writeText(url);
        w.say(t('cal_copied'));
      } catch {
        w.say(t('cal_select'));
      }
    } }, t('cal_copy'));
    let armed = false;
    const reset: HTMLElement = h('button', { id: 'cal-reset', type: 'button', class: 'l', onblur: () => {
      armed = false;
      reset.textContent = t('cal_reset');
    }, onclick: async () => {
      if (!armed) {
        armed = true;
        reset.textContent = t('cal_sure');
        return;
      }
      if (!w.busy(reset, true)) return;
      try {
        show((await w.api<{ url: string }>(T + '/me/calendar/reset', { method: 'POST' })).data.url);
        w.say(t('cal_done'));
        out.querySelector<HTMLElement>('#cal-url')!.focus();
      } catch (e) {
        w.busy(reset, false);
        w.say(w.msg(e));
      }
    } }, t('cal_reset'));
    out.replaceChildren(h('label', { for: 'cal-url' }, t('cal_url')), h('div', { class: 'row' }, inp, copy),
      h('p', { id: 'cal-note', class: 'note' }, t('cal_note')), reset);
  };
  const get = h('button', { id: 'cal-get', type: 'button', class: 's', onclick: async () => {
    if (!w.busy(get, true)) return;
    try {
      show((await w.api<{ url: string }>(T + '/me/calendar')).data.url);
      out.querySelector<HTMLElement>('#cal-url')!.focus();
    } catch (e) {
      w.busy(get, false);
      out.replaceChildren(get, h('p', { id: 'cal-err', class: 'err', role: 'alert' }, w.msg(e)));
    }
  } }, t('cal_get'));
  out.append(get);
  return h('section', { id: 'cal', 'aria-labelledby': 'cal-t' }, h('h3', { id: 'cal-t' }, t('cal_t')), h('p', null, t('cal_intro')), out);
}

export function me(x: typeof Hooks): void {
  x.calendar = calendar;
  x.hours = hours;
  x.certificates = certificates;
  x.checkin = checkin;
}
