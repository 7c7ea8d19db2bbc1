// The e-mail sign-in flow shared by <incroci-signin> and every widget that
// needs a session: view "email" (address form), view "code" (6-digit code),
// the activation link (?incroci_activation=…), GET /me and sign-out; the
// signed-in view adds the account actions of account.ts.

import { account } from './account';
import { h, field, Widget } from './base';
import { getSession, setSession, Me, Session } from './session';

/** AUTH are the UI strings of the flow and the ones every widget shares. */
export const AUTH = {
  it: {
    intro: 'Accedi con il tuo indirizzo e-mail istituzionale: ti invieremo un codice.',
    email: 'Indirizzo e-mail istituzionale',
    email_bad: 'Scrivi un indirizzo e-mail valido, ad esempio nome@comune.it.',
    send: 'Invia il codice',
    sending: 'Invio in corso…',
    sent: 'Abbiamo inviato un codice a {email}. Il codice vale {min} minuti.',
    code: 'Codice di 6 cifre',
    code_bad: 'Il codice è fatto di 6 cifre.',
    verify: 'Accedi',
    verifying: 'Verifica in corso…',
    resend: 'Invia di nuovo il codice',
    resent: 'Ti abbiamo inviato un nuovo codice.',
    change: 'Usa un altro indirizzo',
    signing_in: 'Accesso in corso…',
    as: 'Accesso effettuato come {who}',
    signout: 'Esci',
    signing_out: 'Uscita in corso…',
    out: 'Sei uscito.',
    loading: 'Caricamento…',
    rate: 'Troppi tentativi, riprova tra {n} minuti.',
    rate1: 'Troppi tentativi, riprova tra 1 minuto.',
    network: 'Il servizio non risponde. Controlla la connessione e riprova.',
    generic: 'Si è verificato un errore. Riprova.',
    retry: 'Riprova',
    config: 'Widget non configurato: manca l’attributo {attr}.',
    profile: 'Il mio profilo',
    p_name: 'Nome e cognome',
    p_service: 'Servizio',
    p_service_hint: 'Ad esempio: Segretariato sociale',
    p_langs: 'Lingue che parli',
    save: 'Salva',
    cancel: 'Annulla',
    saving: 'Salvataggio in corso…',
    saved: 'Profilo aggiornato',
    all: 'Esci da tutti i dispositivi',
    all_q: 'Chiuderai l’accesso a incroci su tutti i dispositivi e i browser, compreso questo. Vuoi continuare?',
    all_done: 'Hai chiuso l’accesso su tutti i dispositivi.',
    export: 'Scarica i miei dati',
    exporting: 'Preparazione dei tuoi dati…',
    exported: 'I tuoi dati sono nel file {file}.',
  },
  en: {
    intro: 'Sign in with your institutional e-mail address: we will send you a code.',
    email: 'Institutional e-mail address',
    email_bad: 'Enter a valid e-mail address, such as name@comune.it.',
    send: 'Send the code',
    sending: 'Sending…',
    sent: 'We sent a code to {email}. The code is valid for {min} minutes.',
    code: '6-digit code',
    code_bad: 'The code has 6 digits.',
    verify: 'Sign in',
    verifying: 'Checking…',
    resend: 'Send the code again',
    resent: 'We sent you a new code.',
    change: 'Use another address',
    signing_in: 'Signing in…',
    as: 'Signed in as {who}',
    signout: 'Sign out',
    signing_out: 'Signing out…',
    out: 'You are signed out.',
    loading: 'Loading…',
    rate: 'Too many attempts, try again in {n} minutes.',
    rate1: 'Too many attempts, try again in 1 minute.',
    network: 'The service does not answer. Check the connection and try again.',
    generic: 'Something went wrong. Try again.',
    retry: 'Try again',
    config: 'Widget not configured: the {attr} attribute is missing.',
    profile: 'My profile',
    p_name: 'Full name',
    p_service: 'Service',
    p_service_hint: 'For example: Segretariato sociale',
    p_langs: 'Languages you speak',
    save: 'Save',
    cancel: 'Cancel',
    saving: 'Saving…',
    saved: 'Profile updated',
    all: 'Sign out everywhere',
    all_q: 'You will be signed out of incroci on every device and browser, this one included. Continue?',
    all_done: 'You are signed out on every device.',
    export: 'Download my data',
    exporting: 'Preparing your data…',
    exported: 'Your data is in the file {file}.',
  },
};

const PARAM = 'incroci_activation';

interface Verified {
  token: string;
  expires_at: string;
  person: Me;
}

/** pageURL returns the page address without the activation parameter. */
export function pageURL(): URL {
  const u = new URL(location.href);
  u.searchParams.delete(PARAM);
  return u;
}

/** SignIn draws the sign-in views into a widget and opens the session. */
export class SignIn {
  view: 'email' | 'code' | 'wait' = 'email';
  email = '';
  min = 15;

  constructor(private w: Widget) {}

  /**
   * activate opens a session without asking for an address: from an
   * identity the ambito's own site signed for its signed-in user (the
   * element's assertion attribute, exchanged at /auth/host), or from the
   * ?incroci_activation=<token> of an e-mail link. Either is used once and
   * removed at once, so no other widget reuses it. It returns whether there
   * was one.
   */
  activate(): boolean {
    const a = this.w.getAttribute('assertion');
    if (a) {
      this.w.removeAttribute('assertion');
      return this.exchange('/auth/host', { assertion: a });
    }
    const tok = new URL(location.href).searchParams.get(PARAM);
    if (!tok) return false;
    history.replaceState(history.state, '', pageURL().href);
    return this.exchange('/auth/email/verify', { token: tok });
  }

  private exchange(path: string, body: object): boolean {
    this.view = 'wait';
    this.w.say(this.w.t('signing_in'));
    this.render();
    this.w.api<Verified>(path, { method: 'POST', body }).then(
      (r) => this.done(r.data),
      (e) => {
        this.view = 'email';
        this.render();
        const err = this.w.shadowRoot!.getElementById('error')!;
        err.textContent = this.w.msg(e);
        err.hidden = false;
        this.w.say('');
      },
    );
    return true;
  }

  private done(d: Verified) {
    this.view = 'email';
    this.w.say('');
    setSession(this.w.hub, { token: d.token, expires_at: d.expires_at, person: d.person });
  }

  /** render draws the current view of the flow. */
  render(): void {
    const w = this.w;
    const t = w.t.bind(w);
    if (this.view == 'wait') return w.show([h('p', null, t('signing_in'))], false);
    const err = h('p', { id: 'error', class: 'err', role: 'alert', hidden: true });
    if (this.view == 'email') {
      const btn = h('button', { id: 'send', type: 'submit' }, t('send'));
      const form = h('form', { novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); this.send(form, err, btn); } },
        h('p', null, t('intro')),
        field(t('email'), { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true, spellcheck: 'false', value: this.email }),
        err, btn);
      return w.show([form]);
    }
    const btn = h('button', { id: 'verify', type: 'submit' }, t('verify'));
    const form = h('form', { novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); this.verify(form, err, btn); } },
      h('p', { id: 'sent' }, t('sent', { email: this.email, min: this.min })),
      field(t('code'), { id: 'code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, required: true }),
      err, btn);
    const resend = h('button', { id: 'resend', type: 'button', class: 'l', onclick: () => this.send(form, err, resend, true) }, t('resend'));
    w.show([form, h('p', { class: 'row' }, resend,
      h('button', { id: 'change', type: 'button', class: 'l', onclick: () => { this.view = 'email'; w.acted = true; w.say(''); this.render(); } }, t('change')))]);
  }

  private async send(form: HTMLFormElement, err: HTMLElement, btn: HTMLElement, again = false) {
    const w = this.w;
    const input = form.elements.namedItem('email') as HTMLInputElement | null;
    const email = again ? this.email : input!.value.trim();
    w.clear(form, err);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return w.bad(input!, w.t('email_bad')).focus();
    if (!w.busy(btn, true)) return;
    w.say(w.t('sending'));
    try {
      const r = await w.api<{ expires_in?: number }>('/auth/email', {
        method: 'POST',
        body: { email, ambito: w.ambito, return_url: pageURL().href },
      });
      this.min = Math.round((r.data?.expires_in || 900) / 60);
      this.email = email;
      w.say(w.t(again ? 'resent' : 'sent', { email, min: this.min }));
      if (!again) {
        this.view = 'code';
        w.acted = true;
        this.render();
      }
    } catch (e) {
      w.say('');
      w.fail(form, err, e);
    } finally {
      w.busy(btn, false);
    }
  }

  private async verify(form: HTMLFormElement, err: HTMLElement, btn: HTMLElement) {
    const w = this.w;
    const input = form.elements.namedItem('code') as HTMLInputElement;
    const code = input.value.replace(/\s/g, '');
    w.clear(form, err);
    if (!/^\d{6}$/.test(code)) return w.bad(input, w.t('code_bad')).focus();
    if (!w.busy(btn, true)) return;
    w.say(w.t('verifying'));
    try {
      const r = await w.api<Verified>('/auth/email/verify', { method: 'POST', body: { email: this.email, code } });
      w.acted = true;
      this.done(r.data);
    } catch (e) {
      w.say('');
      w.fail(form, err, e);
    } finally {
      w.busy(btn, false);
    }
  }
}

const pending = new Map<string, Promise<void>>();

/**
 * loadMe fetches GET /me when the session has no person yet and stores it
 * (one request per token for every widget of the bundle); a 401 drops the
 * session (the api layer does it), other errors show a retry.
 */
export function loadMe(w: Widget, s: Session): void {
  let p = pending.get(s.token);
  if (!p) {
    p = w.api<Me>('/me').then((r) => {
      const c = getSession(w.hub);
      if (c && c.token == s.token) setSession(w.hub, { ...c, person: r.data });
    }).finally(() => pending.delete(s.token));
    pending.set(s.token, p);
  }
  p.catch((e) => {
    if (getSession(w.hub)) w.failView(e, () => w.render());
  });
}

/** who is the name to show for the signed-in person. */
export const who = (p: Me) => p.name || p.email;

/** signOut revokes the session on the hub (best effort) and forgets it here. */
export async function signOut(w: Widget, btn: HTMLElement): Promise<void> {
  const s = getSession(w.hub);
  if (!s || !w.busy(btn, true)) return;
  w.say(w.t('signing_out'));
  try {
    await w.api('/auth/signout', { method: 'POST', retries: 1, timeout: 5e3 });
  } catch {}
  w.acted = true;
  setSession(w.hub, null);
  w.say(w.t('out'));
}

/**
 * signedIn draws the "signed in as" line with the sign-out button, and
 * below it the person's account actions (profile, sign out everywhere,
 * download of their data).
 */
export function signedIn(w: Widget, p: Me): HTMLElement {
  const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 's', onclick: () => signOut(w, out) }, w.t('signout'));
  // The name sits in a bidi isolate: it may be written right-to-left, or the page may be.
  const [before, after] = w.t('as').split('{who}');
  return h('div', null,
    h('div', { id: 'signed-in', class: 'row', tabindex: -1 }, h('p', null, before, h('bdi', null, who(p)), after), out),
    account(w, p));
}
