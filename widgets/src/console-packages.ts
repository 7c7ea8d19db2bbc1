// The coordinator's forms for the ambito's mediation hours in the console's
// "Mediazione" tab (bundled in console-helpdesk.js): a new package of hours
// (POST /helpdesk/mediation/packages) and a purchase or a correction of an
// existing one (POST /helpdesk/mediation/packages/:id/hours). The hub keeps
// the ledger and refuses a correction that would take it below zero.

import { h, Widget } from './base';
import { fld, sel, T } from './console-helpdesk-ui';

/** Pkg is a package as the list gives it. */
export interface PkgRef {
  id: number;
  name: string;
}

const inp = (id: string, name: string, type = 'text', a: Record<string, unknown> = {}) => h('input', { id, name, type, autocomplete: 'off', ...a });

/** form builds one of the forms: its fields, and what it sends on submit. */
function form(w: Widget, t: T, id: string, title: string, fields: HTMLElement[], send: () => Promise<string>, done: () => void): HTMLElement {
  const err = h('p', { id: id + '-error', class: 'err', role: 'alert', hidden: true });
  const go = h('button', { id: id + '-send', type: 'submit' }, title);
  const f: HTMLFormElement = h('form', { id, novalidate: true, onsubmit: async (e: Event) => {
    e.preventDefault();
    w.clear(f, err);
    if (!w.busy(go, true)) return;
    try {
      w.say(await send());
      f.reset();
      done();
    } catch (e) {
      w.fail(f, err, e);
    } finally {
      w.busy(go, false);
    }
  } }, ...fields, err, go);
  return h('details', { id: id + '-box' }, h('summary', null, title), f);
}

/**
 * packageForms are the coordinator's two forms, built once (the list
 * reloads live, the forms keep what is being typed); update gives the
 * packages to choose from; done reloads the lists after a change.
 */
export function packageForms(w: Widget, t: T, done: () => void): { el: HTMLElement; update(pkgs: PkgRef[]): void } {
  const v = (id: string) => (w.shadowRoot!.getElementById(id) as HTMLInputElement).value.trim();
  const minutes = (id: string) => Math.round(parseFloat(v(id).replace(',', '.')) * 60) || 0;
  const add = form(w, t, 'pk-new', t('pk_new'), [
    fld(t('pk_name_l'), inp('pk-name', 'name', 'text', { maxlength: 200 })),
    fld(t('pk_body'), inp('pk-body', 'body', 'text', { maxlength: 200 })),
    h('div', { class: 'row' }, fld(t('from'), inp('pk-from', 'valid_from', 'date')), fld(t('to'), inp('pk-to', 'valid_to', 'date'))),
    fld(t('pk_hours'), inp('pk-hours', 'minutes', 'text', { inputmode: 'decimal' })),
    fld(t('pk_note'), inp('pk-note', 'note', 'text', { maxlength: 500 })),
  ], async () => {
    const r = await w.api<PkgRef>('/helpdesk/mediation/packages', { method: 'POST', body: {
      ambito: w.ambito, name: v('pk-name'), body: v('pk-body'), valid_from: v('pk-from'), valid_to: v('pk-to'), minutes: minutes('pk-hours'), note: v('pk-note') } });
    return t('pk_created', { name: r.data.name });
  }, done);
  const which = sel('ph-pkg', 'package', []);
  const why = sel('ph-reason', 'reason', [['purchase', t('ph_purchase')], ['adjustment', t('ph_adjustment')]]);
  const more = form(w, t, 'ph', t('ph_title'), [
    fld(t('pk_name'), which),
    h('div', { class: 'row' }, fld(t('pk_hours'), inp('ph-hours', 'minutes', 'text', { inputmode: 'decimal' })), fld(t('ph_reason'), why)),
    h('p', { class: 'hint' }, t('ph_hint')),
    fld(t('pk_note'), inp('ph-note', 'note', 'text', { maxlength: 500 })),
  ], async () => {
    await w.api(`/helpdesk/mediation/packages/${which.value}/hours`, { method: 'POST', body: { minutes: minutes('ph-hours'), reason: why.value, note: v('ph-note') } });
    return t('ph_done');
  }, done);
  return {
    el: h('div', null, add, more),
    update(pkgs) {
      const keep = which.value;
      which.replaceChildren(...pkgs.map((p) => h('option', { value: '' + p.id, selected: '' + p.id == keep }, p.name)));
      more.hidden = !pkgs.length;
    },
  };
}
