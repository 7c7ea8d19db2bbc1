// Times of the help desk are Italian times: consultants, operators and
// mediators meet in Italy, and the e-mails say "ora italiana". Whatever the
// time zone of the browser, what people type is read, and what they see is
// written, in Europe/Rome.

/** TZ is the time zone of every time the widgets read or show. */
export const TZ = 'Europe/Rome';

/** wall is the Italian wall-clock time of instant ms, read as if it were UTC. */
function wall(ms: number): number {
  const p = new Intl.DateTimeFormat('en-US', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    .formatToParts(ms);
  const g = (k: string) => +(p.find((x) => x.type == k)?.value || 0);
  return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'));
}

/** instant turns a day (YYYY-MM-DD) and a time (HH:MM) in Italy into an instant, NaN when either is missing. */
export function instant(day: string, time: string): number {
  const d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day);
  const t = /^(\d\d):(\d\d)/.exec(time);
  if (!d || !t) return NaN;
  const want = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
  let ms = want;
  for (let i = 0; i < 3; i++) ms = want - (wall(ms) - ms);
  return ms;
}

/** instantOf reads the value of a datetime-local field (YYYY-MM-DDTHH:MM) as Italian time; NaN when incomplete. */
export const instantOf = (v: string): number => instant(v.slice(0, 10), v.slice(11));
