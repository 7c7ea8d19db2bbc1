// The register of an edition, a console chunk of its own
// (console-register.js) that the console loads beside console-training.js:
// it adds an EditionHook that draws, on an edition's page, for its
// trainers (and admins) each meeting's register (present, absent, partial
// with minutes; save; close once the meeting has ended, final) with the
// current check-in QR code (refreshed as it rotates, the code as text, a
// large view for projecting); the hours of each person for the trainers and
// the course's managers; the edition's certificates for the coordinators
// (issue, list, revoke with a reason).

import { h, Widget } from './base';
import type { EditionHook } from './console-training';
import { getSession } from './session';
import { addStyle } from './style';
import { CHART_CSS, Dict, errP, fld, inp, isCoord, sure, table, tr, when } from './console-tui';

const D: Dict = {
  it: {
    reg: 'Registro',
    meeting: 'Incontro del {when}',
    open: 'Apri il registro: {m}',
    loading: 'Caricamento…',
    retry: 'Riprova',
    person: 'Persona',
    presence: 'Presenza',
    minutes: 'Minuti',
    checkin: 'Check-in',
    yes: 'sì',
    present: 'presente',
    absent: 'assente',
    partial: 'parziale',
    min_of: 'Minuti di presenza di {name} (su {n})',
    save: 'Salva le presenze',
    saved: 'Presenze salvate.',
    none: 'Nessuna presenza segnata da salvare.',
    empty: 'Nessun iscritto confermato.',
    count: 'Iscritti: {n}',
    close: 'Chiudi il registro',
    close_c: 'Conferma: chiudere il registro? Chi non è segnato risulta assente e non si potrà più modificare.',
    closed: 'Registro chiuso il {when}: non si può più modificare.',
    closed_now: 'Registro chiuso.',
    qr: 'Codice di check-in',
    qr_alt: 'Codice QR per il check-in all’incontro; codice {code}',
    qr_code: 'Codice: {code}',
    qr_until: 'Cambia alle {when}',
    qr_big: 'Mostra in grande',
    qr_small: 'Chiudi la vista grande',
    hours: 'Ore di presenza',
    h_count: 'Presenze: {n} (ore dell’edizione: {h}, soglia {p}%)',
    h_empty: 'Nessuna presenza.',
    h_hours: 'Ore',
    h_pct: 'Percentuale',
    h_meets: 'Soglia raggiunta',
    no: 'no',
    certs: 'Attestati',
    c_issue: 'Rilascia gli attestati dovuti',
    c_issued: 'Attestati rilasciati ora: {n}.',
    c_count: 'Attestati: {n}',
    c_empty: 'Nessun attestato.',
    c_issued_at: 'Rilasciato',
    c_state: 'Stato',
    c_valid: 'valido',
    c_revoked: 'revocato il {when}: {reason}',
    c_verify: 'Verifica',
    c_reason: 'Motivo della revoca di {name}',
    c_revoke: 'Revoca',
    c_revoke_c: 'Conferma la revoca',
    c_done: 'Attestato di {name} revocato.',
  },
  en: {
    reg: 'Register',
    meeting: 'Meeting of {when}',
    open: 'Open the register: {m}',
    loading: 'Loading…',
    retry: 'Try again',
    person: 'Person',
    presence: 'Attendance',
    minutes: 'Minutes',
    checkin: 'Checked in',
    yes: 'yes',
    present: 'present',
    absent: 'absent',
    partial: 'partial',
    min_of: 'Minutes attended by {name} (of {n})',
    save: 'Save the attendance',
    saved: 'Attendance saved.',
    none: 'No attendance marked to save.',
    empty: 'No confirmed enrolments.',
    count: 'Enrolled: {n}',
    close: 'Close the register',
    close_c: 'Confirm: close the register? Whoever is not marked is absent, and it cannot be changed again.',
    closed: 'Register closed on {when}: it can no longer be changed.',
    closed_now: 'Register closed.',
    qr: 'Check-in code',
    qr_alt: 'QR code to check in to the meeting; code {code}',
    qr_code: 'Code: {code}',
    qr_until: 'Changes at {when}',
    qr_big: 'Show large',
    qr_small: 'Close the large view',
    hours: 'Hours attended',
    h_count: 'Attendance: {n} (hours of the edition: {h}, threshold {p}%)',
    h_empty: 'No attendance.',
    h_hours: 'Hours',
    h_pct: 'Percent',
    h_meets: 'Threshold met',
    no: 'no',
    certs: 'Certificates',
    c_issue: 'Issue the certificates due',
    c_issued: 'Certificates issued now: {n}.',
    c_count: 'Certificates: {n}',
    c_empty: 'No certificates.',
    c_issued_at: 'Issued',
    c_state: 'State',
    c_valid: 'valid',
    c_revoked: 'revoked on {when}: {reason}',
    c_verify: 'Verify',
    c_reason: 'Reason for revoking {name}’s certificate',
    c_revoke: 'Revoke',
    c_revoke_c: 'Confirm the revocation',
    c_done: 'Certificate of {name} revoked.',
  },
};

const CSS = `.qr{margin:0 0 1em}.qr canvas{width:16em;height:16em;display:block;image-rendering:pixelated;background:#fff}
.qr.big{position:fixed;inset:0;z-index:10;background:var(--_bg,#fff);padding:1em;overflow:auto;display:flex;flex-direction:column;align-items:center}
.qr.big canvas{width:min(80vh,90vw);height:min(80vh,90vw)}.qr.big .cd{font-size:2.5em;font-weight:700;letter-spacing:.1em}
.cd{font-family:monospace;font-size:1.25em}.rg td .ck{display:inline-flex;margin-inline-end:.75em}.rg input[type=number]{width:6em}`;

interface Meeting { id?: number; start: string; end: string }
interface Line { person_id: number; name: string; email: string; status: string; minutes: number; checked_in: boolean }
interface Register { edition_id: number; minutes: number; closed: boolean; closed_at: string | null; lines: Line[] }
interface Code { code: string; url: string; refresh_at: string; expires_at: string }
interface PH { person_id: number; name: string; minutes: number; hours: number; percent: number; meets: boolean }
interface Cert { id: number; name: string; hours: number; issued_at: string; revoked_at: string | null; revoke_reason: string; verify_url?: string }

const register: EditionHook = (w, box, e, me) => {
  addStyle(w.shadowRoot!, CHART_CSS + CSS);
  const t = tr(w, D);
  const fmt = (n: number) => n.toLocaleString(w.ui, { maximumFractionDigits: 2 });
  const trainer = !!me.admin || e.trainer_ids.includes(me.id);
  const manage = isCoord(me, e.ambito) && (e.ambito != '' || !!me.admin);
  if (!trainer && !manage) return;
  const base = '/training/editions/' + e.id;
  const reg = h('div', { id: 'rg-box' });
  const hours = h('div', { id: 'rg-hours' });
  const certs = h('div', { id: 'ct-box' });
  let stop = () => {};
  /** The meeting whose check-in code is shown, and its box: saving marks keeps it going. */
  let cur: { mid?: number; qr: HTMLElement } | undefined;
  box.id = 'rg';
  box.append(
    trainer ? h('h3', null, t('reg')) : '',
    trainer ? h('ul', { id: 'rg-meetings' }, ...(e.meetings as Meeting[]).map((m) => {
      const name = t('meeting', { when: when(w, m.start) });
      return h('li', null, h('button', { id: 'rg-m-' + m.id, type: 'button', class: 'l', 'aria-label': t('open', { m: name }), onclick: () => open(m) }, name));
    })) : '',
    reg, h('h3', null, t('hours')), hours, manage ? h('h3', null, t('certs')) : '', certs);

  /** open shows meeting m's register and its check-in code. */
  async function open(m: Meeting, said = '') {
    const same = cur?.mid == m.id;
    const end = () => {
      stop();
      stop = () => {};
      cur = undefined;
    };
    if (!same) end();
    const path = `${base}/meetings/${m.id}`;
    if (same) reg.setAttribute('aria-busy', 'true');
    else reg.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    let r: Register;
    try {
      r = (await w.api<Register>(path + '/register')).data;
    } catch (err) {
      end();
      return reg.replaceChildren(errP(w, err, () => open(m), t('retry')));
    } finally {
      reg.removeAttribute('aria-busy');
    }
    const title = h('h4', { id: 'rg-t', tabindex: -1 }, t('meeting', { when: when(w, m.start) }));
    const err = h('p', { id: 'rg-error', class: 'err', role: 'alert', hidden: true });
    const rows = r.lines.map((l) => {
      const id = 'rg-' + l.person_id;
      const who = l.name || l.email;
      const radio = (s: string) => h('label', { class: 'ck', for: `${id}-${s}` },
        h('input', { type: 'radio', id: `${id}-${s}`, name: id, value: s, checked: l.status == s, disabled: r.closed }), t(s));
      const min = inp(id + '-min', id + '-min', 'number', l.status == 'partial' ? l.minutes : '', { min: 1, max: r.minutes - 1, disabled: r.closed, 'aria-label': t('min_of', { name: who, n: r.minutes }) });
      min.setAttribute('aria-describedby', id + '-min-err');
      return h('tr', { id: 'rg-l-' + l.person_id, 'data-person': l.person_id },
        h('th', { scope: 'row' }, who, l.name && l.email ? h('br') : '', l.name ? l.email : ''),
        h('td', null, h('div', { role: 'radiogroup', 'aria-label': t('presence') + ': ' + who }, radio('present'), radio('absent'), radio('partial'))),
        h('td', null, min, h('p', { id: id + '-min-err', class: 'fe', hidden: true })),
        h('td', null, l.checked_in ? t('yes') : ''));
    });
    const btn = h('button', { id: 'rg-save', type: 'submit' }, t('save'));
    const form: HTMLFormElement = h('form', { id: 'rg-form', class: 'rg', novalidate: true, onsubmit: async (ev: Event) => {
      ev.preventDefault();
      w.clear(form, err);
      const marks = r.lines.map((l) => {
        const s = form.querySelector<HTMLInputElement>(`input[name="rg-${l.person_id}"]:checked`)?.value || '';
        const mn = +(form.querySelector<HTMLInputElement>(`#rg-${l.person_id}-min`)!.value || 0);
        return { person_id: l.person_id, status: s, minutes: s == 'partial' ? mn : 0 };
      }).filter((x) => x.status);
      if (!marks.length) return w.say(t('none'));
      if (!w.busy(btn, true)) return;
      try {
        await w.api(path + '/register', { method: 'PUT', body: { marks } });
        w.busy(btn, false);
        open(m, t('saved'));
        loadHours();
      } catch (x) {
        w.busy(btn, false);
        w.fail(form, err, x);
        // "marks[2].minutes" marks that person's minutes.
        for (const f of ((x as { fields?: { field: string; message: string }[] }).fields || [])) {
          const k = /^marks\[(\d+)\]/.exec(f.field);
          const el = k && form.querySelector<HTMLElement>(`#rg-${marks[+k[1]]?.person_id}-min`);
          if (el) {
            w.bad(el, f.message);
            err.hidden = true;
          }
        }
      }
    } },
      table('rg-table', t('count', { n: r.lines.length }), [t('person'), t('presence'), t('minutes'), t('checkin')], rows, t('empty')),
      err, r.closed ? '' : h('div', { class: 'row' }, btn, sure(w, 'rg-close', t('close'), t('close_c'), async (b) => {
        if (!w.busy(b, true)) return;
        try {
          await w.api(path + '/register/close', { method: 'POST' });
          open(m, t('closed_now'));
          loadHours();
          if (manage) loadCerts();
        } catch (x) {
          w.busy(b, false);
          err.textContent = w.msg(x);
          err.hidden = false;
        }
      })));
    const qr = same ? cur!.qr : h('div', { id: 'rg-qr', class: 'qr' });
    reg.replaceChildren(title, said ? h('p', { id: 'rg-result', class: 'note', role: 'status' }, said) : '',
      r.closed ? h('p', { id: 'rg-closed', class: 'note' }, t('closed', { when: when(w, r.closed_at) })) : '', form, r.closed ? '' : qr);
    title.focus();
    if (said) w.say(said);
    if (r.closed) end();
    else if (!same) {
      stop = code(path, qr);
      cur = { mid: m.id, qr };
    }
  }

  /** code shows the current check-in code in qr and fetches the next as it rotates; it returns what stops it. */
  function code(path: string, qr: HTMLElement) {
    let timer = 0;
    let big = false;
    let off = false;
    // A canvas, not an img: a page whose CSP has img-src 'none' (no blob:
    // images) still shows it, as createImageBitmap is not an image load.
    const img = h('canvas', { id: 'rg-qr-img', role: 'img', 'aria-label': '', width: 512, height: 512 });
    const txt = h('p', { id: 'rg-qr-code', class: 'cd' });
    const until = h('p', { id: 'rg-qr-until', class: 'note' });
    const msg = h('p', { id: 'rg-qr-msg', role: 'status' });
    const tog: HTMLElement = h('button', { id: 'rg-qr-big', type: 'button', class: 's', 'aria-pressed': 'false', onclick: () => {
      big = !big;
      qr.classList.toggle('big', big);
      tog.setAttribute('aria-pressed', String(big));
      tog.textContent = t(big ? 'qr_small' : 'qr_big');
      tog.focus();
    }, onkeydown: (ev: KeyboardEvent) => {
      if (ev.key == 'Escape' && big) tog.click();
    } }, t('qr_big'));
    qr.replaceChildren(h('h4', null, t('qr')), msg);
    const end = () => {
      off = true;
      clearTimeout(timer);
    };
    async function load() {
      if (off || !qr.isConnected) return end();
      try {
        const c = (await w.api<Code>(path + '/checkin-code')).data;
        const r = await fetch(w.hub + path + '/checkin-code.png', { headers: { Authorization: 'Bearer ' + (getSession(w.hub)?.token || '') }, credentials: 'omit' });
        if (!r.ok) throw new Error('png ' + r.status);
        const bm = await createImageBitmap(await r.blob());
        if (off) return;
        img.width = bm.width;
        img.height = bm.height;
        img.getContext('2d')!.drawImage(bm, 0, 0);
        bm.close();
        img.setAttribute('aria-label', t('qr_alt', { code: c.code }));
        txt.textContent = t('qr_code', { code: c.code });
        until.textContent = t('qr_until', { when: new Date(c.refresh_at).toLocaleTimeString(w.ui, { timeStyle: 'medium', timeZone: 'Europe/Rome' }) });
        if (!img.isConnected) qr.replaceChildren(h('h4', null, t('qr')), img, txt, until, tog);
        timer = window.setTimeout(load, Math.max(1e3, Date.parse(c.refresh_at) - Date.now() + 500));
      } catch (x) {
        // Check-in is not open (before or after the meeting): the API says so; try again later.
        msg.textContent = w.msg(x);
        qr.replaceChildren(h('h4', null, t('qr')), msg);
        if (!off && qr.isConnected) timer = window.setTimeout(load, 3e4);
      }
    }
    load();
    return end;
  }

  async function loadHours() {
    hours.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    try {
      const d = (await w.api<{ hours: number; threshold: number; people: PH[] }>(base + '/hours')).data;
      hours.replaceChildren(table('rg-hours-table', t('h_count', { n: d.people.length, h: fmt(d.hours), p: d.threshold }), [t('person'), t('h_hours'), t('h_pct'), t('h_meets')],
        d.people.map((p) => h('tr', { id: 'rg-h-' + p.person_id }, h('th', { scope: 'row' }, p.name), h('td', null, fmt(p.hours)), h('td', null, p.percent + '%'), h('td', null, t(p.meets ? 'yes' : 'no')))), t('h_empty')));
    } catch (x) {
      hours.replaceChildren(errP(w, x, loadHours, t('retry')));
    }
  }

  async function loadCerts(said = '') {
    certs.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    let cs: Cert[];
    try {
      cs = (await w.api<Cert[]>(base + '/certificates')).data || [];
    } catch (x) {
      return certs.replaceChildren(errP(w, x, () => loadCerts(), t('retry')));
    }
    const res = h('p', { id: 'ct-result', role: 'status' }, said);
    const issue: HTMLElement = h('button', { id: 'ct-issue', type: 'button', class: 's', onclick: async () => {
      if (!w.busy(issue, true)) return;
      try {
        const n = (await w.api<Cert[]>(base + '/certificates', { method: 'POST' })).data?.length || 0;
        loadCerts(t('c_issued', { n }));
      } catch (x) {
        w.busy(issue, false);
        res.textContent = w.msg(x);
      }
    } }, t('c_issue'));
    const row = (c: Cert) => {
      const rid = 'ct-reason-' + c.id;
      const reason = inp(rid, 'reason', 'text', '', { maxlength: 500 });
      const f: HTMLFormElement = h('form', { class: 'mt', novalidate: true, onsubmit: (ev: Event) => ev.preventDefault() },
        fld(t('c_reason', { name: c.name }), reason),
        sure(w, 'ct-revoke-' + c.id, t('c_revoke'), t('c_revoke_c'), async (b) => {
          const err = h('p', { hidden: true });
          w.clear(f, err);
          if (!w.busy(b, true)) return;
          try {
            await w.api(`/training/certificates/${c.id}/revoke`, { method: 'POST', body: { reason: reason.value.trim() } });
            loadCerts(t('c_done', { name: c.name }));
          } catch (x) {
            w.busy(b, false);
            w.bad(reason, w.msg(x));
            reason.focus();
          }
        }));
      return h('tr', { id: 'ct-' + c.id }, h('th', { scope: 'row' }, c.name), h('td', null, fmt(c.hours)), h('td', null, when(w, c.issued_at)),
        h('td', null, c.revoked_at ? t('c_revoked', { when: when(w, c.revoked_at), reason: c.revoke_reason }) : t('c_valid')),
        h('td', null, c.verify_url ? h('a', { href: c.verify_url, rel: 'noopener noreferrer', target: '_blank' }, t('c_verify')) : ''),
        h('td', null, c.revoked_at ? '' : f));
    };
    certs.replaceChildren(res, h('p', null, issue),
      table('ct-table', t('c_count', { n: cs.length }), [t('person'), t('h_hours'), t('c_issued_at'), t('c_state'), t('c_verify'), t('c_revoke')], cs.map(row), t('c_empty')));
    if (said) w.say(said);
  }

  loadHours();
  if (manage) loadCerts();
};

const W = window as unknown as Record<string, EditionHook[]>;
(W.__incrociTrainingEdition1 ||= []).push(register);
