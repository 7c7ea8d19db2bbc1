// <incroci-signin>: sign in with an institutional e-mail address and a code,
// see who is signed in, sign out.

import { define, h, Widget } from './base';
import { AUTH, loadMe, SignIn, signedIn } from './auth';
import { getSession } from './session';

class IncrociSignin extends Widget {
  dict = AUTH;
  flow = new SignIn(this);

  start(): void {
    if (!this.flow.activate()) this.render();
  }

  render(): void {
    const s = getSession(this.hub);
    if (this.flow.view == 'wait') return this.flow.render();
    if (!s) return this.flow.render();
    if (!s.person) {
      this.show([h('p', null, this.t('loading'))], false);
      return loadMe(this, s);
    }
    this.show([signedIn(this, s.person)]);
  }
}

define('incroci-signin', IncrociSignin);
