// <incroci-survey>: answering the training's questionnaires, a needs
// analysis or a course's evaluation. With survey="<id>" it opens that
// survey (GET /training/surveys/:id), and so does a page opened from an
// announcement e-mail (?incroci_survey=<id>); otherwise it lists those open to the
// signed-in person (GET /training/surveys?open_to_me=true: published,
// addressed to them, open now; those answered say so). Questions: single choice (radios), multiple choice
// (checkboxes), Likert 1–5 (radios named by their labels), ranking of
// topics (Up and Down buttons, the new place announced), free text (a
// counter, and the warning not to write personal data). Required questions
// are marked; the API's refusals go beside their questions; an anonymous
// survey says so; a thank-you state after sending, and the "already
// answered" state (also when the API answers 409 because of it).
// Everything needs a session: the sign-in flow of auth.ts is drawn in the
// widget.

import { define, h, Widget } from './base';
import { addStyle } from './style';
import { getSession } from './session';
import { ApiError } from './api';
import { pageURL, SignIn, signOut } from './auth';
import { TZ } from './italy';
import { D } from './survey-text';

interface Question {
  id: number;
  kind: 'single' | 'multiple' | 'likert' | 'ranking' | 'text';
  text: string;
  required: boolean;
  options: string[] | null;
  labels: string[] | null;
  topics: string[] | null;
  max_length: number;
}

interface Survey {
  id: number;
  kind: string;
  title: string;
  intro: string;
  anonymous: boolean;
  open: boolean;
  closes_at: string;
  answered?: boolean;
  questions: Question[];
}

interface Topic {
  code: string;
  label_it: string;
  label_en: string;
}

const T = '/training';

const STYLE = `textarea{font:inherit;color:var(--_t);background:var(--_b);border:1px solid var(--_l);border-radius:var(--_r);
display:block;width:100%;max-width:40em;min-height:6em;padding:.5em .75em;margin:0;resize:vertical}
textarea:focus{outline:3px solid var(--_o);outline-offset:1px}
input[type=radio]{display:inline-block;width:1.25em;height:1.25em;min-height:0;margin:0 .4em;padding:0;accent-color:var(--_p);flex:none}
.o{display:flex;align-items:center;font-weight:400;margin:0 0 .25em}
.q{margin:0 0 1.5em}
.q legend{font-size:1.05em}
.rk{list-style:none;margin:0 0 .5em;padding:0;max-width:40em}
.rk li{display:flex;flex-wrap:wrap;align-items:center;gap:.25em .75em;padding:.25em 0}
.rk li{border-bottom:1px solid var(--_l)}.rk li b{min-width:1.5em}.rk li span{flex:1 1 12em}
.rk button{padding:.25em .75em;min-height:2.5em}
.c{list-style:none;margin:0 0 1em;padding:0}
.c>li{border-bottom:1px solid var(--_l);padding:.75em 0}
.c h3{margin:.25em 0;font-size:1.1em}
.pre{white-space:pre-line;overflow-wrap:anywhere}
.box{border:2px solid var(--_p);border-radius:var(--_r);padding:.75em 1em;margin:0 0 1em}
h2:focus,p:focus,div:focus{outline:3px solid var(--_o);outline-offset:2px}`;

/** Survey is <incroci-survey>. */
export class SurveyW extends Widget {
  static observedAttributes = [...Widget.observedAttributes, 'survey'];
  dict = D;
  flow = new SignIn(this);
  /** sid is the survey shown, 0 for the list. */
  sid = 0;
  /** state of the survey shown: the form, sent, or already answered. */
  state: 'form' | 'thanks' | 'already' = 'form';
  seq = 0;
  topicsP?: Promise<Topic[]>;

  connectedCallback(): void {
    const first = !this.shadowRoot;
    super.connectedCallback();
    if (first) addStyle(this.shadowRoot!, STYLE);
  }

  attributeChangedCallback(n: string, old: string | null, v: string | null): void {
    if (n == 'survey' && old != v && this.shadowRoot && this.isConnected) return this.start();
    super.attributeChangedCallback(n, old, v);
  }

  start(): void {
    this.sid = +(this.getAttribute('survey') || 0) || 0;
    // An announcement e-mail's link (?incroci_survey=<id>) opens its survey;
    // the parameter leaves the address so a reload or a bookmark does not.
    const a = new URL(location.href);
    const linked = +(pageURL().searchParams.get('incroci_survey') || 0);
    if (!this.sid && linked > 0) this.sid = linked;
    if (a.searchParams.has('incroci_survey')) {
      a.searchParams.delete('incroci_survey');
      history.replaceState(history.state, '', a.href);
    }
    this.state = 'form';
    if (!this.flow.activate()) this.render();
  }

  render(): void {
    this.say('');
    if (this.flow.view == 'wait' || !getSession(this.hub)) {
      this.flow.render();
      this.box.querySelector('form')?.prepend(h('p', { class: 'note' }, this.t('why')));
      return;
    }
    if (this.sid) this.one();
    else this.list();
  }

  /** put shows the bar and kids; target (else the heading) takes the focus when the person was acting in the widget. */
  put(kids: (Node | false | null | undefined)[], target?: HTMLElement | null): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    const out: HTMLElement = h('button', { id: 'signout', type: 'button', class: 'l', onclick: () => signOut(this, out) }, this.t('signout'));
    this.show([h('p', { class: 'row' }, out), ...(kids.filter(Boolean) as Node[])], false);
    if (f) (target || this.box.querySelector<HTMLElement>('h2'))?.focus();
  }

  loading(): void {
    const f = this.acted || !!this.shadowRoot!.activeElement;
    this.put([h('p', { 'aria-busy': 'true' }, this.t('loading'))]);
    this.acted = f;
  }

  failView(e: unknown, retry: () => void): void {
    this.say('');
    const b = h('button', { id: 'retry', type: 'button', class: 's', onclick: () => {
      this.acted = true;
      retry();
    } }, this.t('retry'));
    this.put([this.sid && !this.getAttribute('survey') ? this.back() : null, h('div', { id: 'error', class: 'err', role: 'alert' }, this.msg(e), b)], b);
  }

  topics(): Promise<Topic[]> {
    return (this.topicsP ??= this.api<Topic[]>(T + '/topics').then((r) => r.data || [], (e) => {
      this.topicsP = undefined;
      throw e;
    }));
  }

  topic(code: string, ts: Topic[]): string {
    const x = ts.find((y) => y.code == code);
    return x ? (this.ui == 'en' ? x.label_en : x.label_it) : code;
  }

  when(s: string): string {
    return new Date(s).toLocaleString(this.ui, { timeZone: TZ, dateStyle: 'long', timeStyle: 'short' });
  }

  back(): HTMLElement {
    return h('button', { id: 'back', type: 'button', class: 'l', onclick: () => {
      this.acted = true;
      this.sid = 0;
      this.render();
    } }, this.t('back'));
  }

  // ---- the list

  async list(): Promise<void> {
    const t = this.t.bind(this);
    const my = ++this.seq;
    this.loading();
    let ss: Survey[];
    try {
      ss = (await this.api<Survey[]>(T + '/surveys?open_to_me=true&per_page=100')).data || [];
    } catch (e) {
      if (my == this.seq) this.failView(e, () => this.render());
      return;
    }
    if (my != this.seq) return;
    this.put([h('h2', { tabindex: -1 }, t('list')),
      ss.length ? h('p', { id: 'count' }, t('count', { n: ss.length })) : h('p', { id: 'empty', class: 'note' }, t('none')),
      ss.length > 0 && h('ul', { id: 'surveys', class: 'c', 'aria-labelledby': 'count' }, ...ss.map((s) => h('li', null,
        h('h3', null, s.title),
        h('p', null, [t('k_' + s.kind), t('until', { d: this.when(s.closes_at) })].join(' · ')),
        s.answered ? h('p', { class: 'note' }, t('done_b')) : h('button', { type: 'button', class: 's', 'data-survey': s.id, onclick: () => {
          this.acted = true;
          this.sid = s.id;
          this.state = 'form';
          this.render();
        } }, t('answer'), h('span', { class: 'sr' }, ': ' + s.title)))))]);
  }

  // ---- one survey

  async one(): Promise<void> {
    const my = ++this.seq;
    this.loading();
    let s: Survey, ts: Topic[];
    try {
      [s, ts] = await Promise.all([this.api<Survey>(`${T}/surveys/${this.sid}`).then((r) => r.data), this.topics()]);
    } catch (e) {
      if (my == this.seq) this.failView(e, () => this.render());
      return;
    }
    if (my != this.seq) return;
    if (s.answered && this.state == 'form') this.state = 'already';
    this.draw(s, ts);
  }

  draw(s: Survey, ts: Topic[]): void {
    const t = this.t.bind(this);
    const head = [this.getAttribute('survey') ? null : this.back(), h('h2', { id: 'title', tabindex: -1 }, s.title)];
    if (this.state != 'form') {
      const th = this.state == 'thanks';
      const p = h('div', { id: th ? 'thanks' : 'already', class: 'box', tabindex: -1 }, h('p', null, h('strong', null, t(th ? 'thanks' : 'already'))), h('p', null, t(th ? 'thanks_p' : 'already_p')));
      this.put([...head, p], p);
      return;
    }
    if (!s.open) {
      this.put([...head, h('p', { id: 'closed', class: 'note' }, t('closed'))]);
      return;
    }
    const err = h('p', { id: 'form-error', class: 'err', role: 'alert', hidden: true });
    const btn = h('button', { id: 'send', type: 'submit' }, t('send'));
    const ranks = new Map<number, string[]>();
    const qs = s.questions.map((q) => this.question(q, ts, ranks));
    const form: HTMLFormElement = h('form', { id: 'answers', novalidate: true, onsubmit: (e: Event) => {
      e.preventDefault();
      this.send(s, ts, form, err, btn, ranks);
    } }, ...qs, err, btn);
    this.put([...head, s.intro && h('p', { id: 'intro', class: 'pre' }, s.intro),
      h('p', { id: 'anon', class: 'note' }, t(s.anonymous ? 'anon' : 'named')),
      h('p', { class: 'hint' }, t('req_note')), form]);
  }

  /** question draws one question as a fieldset that the API's errors point at (data-field answers.<id>). */
  question(q: Question, ts: Topic[], ranks: Map<number, string[]>): HTMLElement {
    const t = this.t.bind(this);
    const id = 'q-' + q.id;
    const name = 'q' + q.id;
    const kids: Node[] = [];
    const opt = (type: string, value: number, label: string) => h('label', { class: 'o' },
      h('input', { type, name, value, id: `${id}-${value}` }), label);
    if (q.kind == 'single' || q.kind == 'multiple') (q.options || []).forEach((o, i) => kids.push(opt(q.kind == 'single' ? 'radio' : 'checkbox', i, o)));
    else if (q.kind == 'likert') for (let i = 1; i <= 5; i++) kids.push(opt('radio', i, q.labels?.[i - 1] ? `${i} – ${q.labels[i - 1]}` : '' + i));
    else if (q.kind == 'ranking') {
      const order = [...(q.topics || [])];
      ranks.set(q.id, order);
      const ol = h('ol', { class: 'rk', id: id + '-list' });
      const draw = (focus?: string) => {
        ol.replaceChildren(...order.map((c, i) => {
          const name = this.topic(c, ts);
          const mv = (d: number, key: string) => h('button', { type: 'button', class: 's', id: `${id}-${key}-${c}`, 'aria-label': t(key + '_l', { t: name }),
            'aria-disabled': String(i + d < 0 || i + d >= order.length), onclick: (e: Event) => {
              if ((e.currentTarget as HTMLElement).getAttribute('aria-disabled') == 'true') return;
              [order[i], order[i + d]] = [order[i + d], order[i]];
              // The button keeps the focus when it can still move that way, else the other one takes it.
              const j = i + d;
              const again = j + d >= 0 && j + d < order.length;
              draw(`${id}-${again == (d < 0) ? 'up' : 'down'}-${c}`);
              this.say(t('moved', { t: name, n: j + 1, m: order.length }));
            } }, t(key));
          return h('li', null, h('b', { 'aria-hidden': 'true' }, i + 1 + '.'), h('span', null, name), mv(-1, 'up'), mv(1, 'down'));
        }));
        if (focus) (ol.querySelector('#' + CSS.escape(focus)) as HTMLElement | null)?.focus();
      };
      draw();
      kids.push(h('p', { class: 'hint', id: id + '-hint' }, t('rank_hint')), ol);
    } else {
      const max = q.max_length || 1000;
      const cnt = h('p', { class: 'hint', id: id + '-count' }, t('chars', { n: 0, m: max }));
      const ta = h('textarea', { id: id + '-text', name, rows: 5, maxlength: max, 'aria-describedby': `${id}-pii ${id}-count ${id}-err`,
        oninput: () => (cnt.textContent = t('chars', { n: ta.value.length, m: max })) });
      kids.push(h('label', { for: ta.id, class: 'sr' }, q.text), h('p', { class: 'hint', id: id + '-pii' }, t('pii')), ta, cnt);
    }
    return h('fieldset', { id, class: 'q', 'data-field': 'answers.' + q.id, 'aria-describedby': (q.kind == 'ranking' ? id + '-hint ' : '') + id + '-err' },
      h('legend', null, q.text, q.required && h('span', { 'aria-hidden': 'true' }, ' *'), q.required && h('span', { class: 'sr' }, ` (${t('req')})`)),
      ...kids, h('p', { id: id + '-err', class: 'fe', hidden: true }));
  }

  /** answers reads the form: one answer per question answered. */
  answers(s: Survey, form: HTMLFormElement, ranks: Map<number, string[]>): object[] {
    const out: object[] = [];
    for (const q of s.questions) {
      const els = [...form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(`[name=q${q.id}]`)];
      const on = els.filter((e) => (e as HTMLInputElement).checked).map((e) => +e.value);
      const a: Record<string, unknown> = { question_id: q.id };
      if (q.kind == 'single' && on.length) a.choice = on[0];
      else if (q.kind == 'likert' && on.length) a.scale = on[0];
      else if (q.kind == 'multiple' && on.length) a.choices = on;
      else if (q.kind == 'ranking') a.ranking = ranks.get(q.id);
      else if (q.kind == 'text' && els[0]?.value.trim()) a.text = els[0].value;
      else continue;
      out.push(a);
    }
    return out;
  }

  async send(s: Survey, ts: Topic[], form: HTMLFormElement, err: HTMLElement, btn: HTMLElement, ranks: Map<number, string[]>): Promise<void> {
    if (!this.busy(btn, true)) return;
    this.clear(form, err);
    this.say(this.t('sending'));
    try {
      await this.api(`${T}/surveys/${s.id}/answers`, { method: 'POST', body: { answers: this.answers(s, form, ranks) } });
      this.state = 'thanks';
      this.acted = true;
      this.say(this.t('thanks_p'));
      this.draw(s, ts);
    } catch (e) {
      this.say('');
      if (e instanceof ApiError && e.status == 409) {
        // Answered already (elsewhere, or twice): say so; another conflict (closed) goes below the form.
        const now = await this.api<Survey>(`${T}/surveys/${s.id}`).then((r) => r.data, () => null);
        if (now?.answered) {
          this.state = 'already';
          this.acted = true;
          return this.draw(s, ts);
        }
      }
      this.fail(form, err, e);
      const bad = form.querySelector<HTMLElement>('[aria-invalid]');
      if (bad) {
        err.textContent = this.t('fix');
        err.hidden = false;
        bad.querySelector<HTMLElement>('input,textarea,button')?.focus();
      }
    } finally {
      this.busy(btn, false);
    }
  }
}

define('incroci-survey', SurveyW);
