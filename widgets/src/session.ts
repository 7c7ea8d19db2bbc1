// The session store shared by every incroci widget on the page, whichever
// bundle it comes from: each bundle keeps a copy in memory, the token is also
// kept in sessionStorage (key incroci:session:<hub>), and every change is
// announced with an "incroci-session" CustomEvent on window. No cookies.

/** Role is one role of a person in one ambito. */
export interface Role {
  ambito: string;
  role: string;
}

/** Me is the signed-in person (GET /me). */
export interface Me {
  id: number;
  email: string;
  name: string;
  languages?: string[];
  service?: string;
  roles: Role[];
  admin: boolean;
}

/** Session is what a widget holds after signing in. */
export interface Session {
  token: string;
  expires_at?: string;
  /** person is known after verify or GET /me; it is never stored. */
  person?: Me;
}

/** SessionEvent is the detail of the "incroci-session" event. */
export interface SessionEvent {
  hub: string;
  session: Session | null;
}

export const EVENT = 'incroci-session';
const mem = new Map<string, Session | null>();
const key = (hub: string) => 'incroci:session:' + hub;

addEventListener(EVENT, (e) => {
  const d = (e as CustomEvent<SessionEvent>).detail;
  if (d && typeof d.hub == 'string') mem.set(d.hub, d.session);
});

/** getSession returns the live session for hub, or null. It never creates one. */
export function getSession(hub: string): Session | null {
  if (!mem.has(hub)) {
    let s: Session | null = null;
    try {
      s = JSON.parse(sessionStorage.getItem(key(hub)) || 'null');
    } catch {}
    mem.set(hub, s && typeof s.token == 'string' ? s : null);
  }
  const s = mem.get(hub) || null;
  if (s && s.expires_at && Date.parse(s.expires_at) <= Date.now()) {
    setSession(hub, null);
    return null;
  }
  return s;
}

/**
 * setSession replaces the session for hub (null signs out) and tells every
 * widget on the page. Call it only after the person acted.
 */
export function setSession(hub: string, s: Session | null): void {
  mem.set(hub, s);
  try {
    if (s) sessionStorage.setItem(key(hub), JSON.stringify({ token: s.token, expires_at: s.expires_at }));
    else sessionStorage.removeItem(key(hub));
  } catch {}
  dispatchEvent(new CustomEvent<SessionEvent>(EVENT, { detail: { hub, session: s } }));
}
