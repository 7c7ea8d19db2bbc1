// Finds text that looks like personal data (codice fiscale, phone, e-mail,
// IBAN, document numbers) so that a widget can warn the writer before sending
// and offer to mask it. The twin of internal/pii in Go: the same rules and
// patterns, checked against the same test vectors (internal/pii/testdata/
// cases.json) by a Go test that runs this file under Node. Change both
// together; the rules and the decisions behind them are documented in
// internal/pii/doc.go. Offsets here are UTF-16 indices (string positions).

/** Kind is the kind of personal data a Match looks like. */
export type Kind = 'tax_code' | 'phone' | 'email' | 'iban' | 'document';

/** Match is one span that looks like personal data: text = t.slice(start, end). */
export interface Match {
  kind: Kind;
  start: number;
  end: number;
  text: string;
}

/** kinds lists every kind find reports, in a fixed order. */
export const kinds: Kind[] = ['tax_code', 'phone', 'email', 'iban', 'document'];

const labels: Record<string, [string, string]> = {
  tax_code: ['codice fiscale', 'tax code'],
  phone: ['telefono', 'phone'],
  email: ['e-mail', 'email'],
  iban: ['IBAN', 'IBAN'],
  document: ['documento', 'document'],
};

/** label names a kind in English when lang starts with "en", else in Italian. */
export const label = (kind: string, lang: string): string =>
  labels[kind]?.[+/^en/i.test(lang)] ?? kind;

// check returns the end of the accepted span (it may shorten it) or -1.
type Check = (t: string, s: number, e: number) => number;

const chars = (s: string) => [...s].length;

// The values of characters in odd positions of a codice fiscale, 0–9 as A–J.
const ODD = 'BAFHJNPRTVCESULDGIMOQKWZYX';
const taxCode: Check = (t, s, e) => {
  const c = t.slice(s, e).toUpperCase();
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let v = parseInt(c[i], 36);
    v = v > 9 ? v - 10 : v;
    sum += i % 2 ? v : ODD.charCodeAt(v) - 65;
  }
  return c.charCodeAt(15) == 65 + (sum % 26) ? e : -1;
};

const luhn: Check = (t, s, e) => {
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    let d = +t[s + i];
    if (i % 2 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 ? -1 : e;
};

// IBAN lengths by country, four characters a country.
const IBAN_LEN =
  'AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29BY28CH21CR22CY28CZ24DE22DK18DO28EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29RO24RS22SA24SC31SD18SE24SI19SK24SM27ST25SV28TL23TN24TR26UA29VA22VG24XK20';
const iban: Check = (t, s, e) => {
  const k = IBAN_LEN.indexOf(t.slice(s, s + 2));
  const want = k < 0 ? 0 : +IBAN_LEN.slice(k + 2, k + 4);
  let b = '';
  let i = s;
  for (; i < e && (!want || b.length < want); i++) if (/[\dA-Z]/.test(t[i])) b += t[i];
  if ((want && b.length < want) || b.length < 15 || b.length > 34) return -1;
  let r = 0;
  for (const c of b.slice(4) + b.slice(0, 4)) {
    const v = parseInt(c, 36);
    r = (r * (v > 9 ? 100 : 10) + v) % 97;
  }
  return r == 1 ? i : -1;
};

const NOT_PHONE = /^(?:\d\d?[./-]\d\d?[./-]\d{2,4}|\d\d?\.\d\d-\d\d?\.\d\d|.*\/(?:19|20)\d\d|\d{1,3}(?:\.\d{3})+)$/u;
const NOT_PHONE_BEFORE =
  /(?:^|[^\p{L}\p{N}])(?:prot(?:ocollo)?|pratica|fascicolo|sentenza|ricorso|decreto|ordinanza|r\.?g|cig|cup|€)\.?[ \u00a0]*(?:(?:n[.°]?|nr\.?|num(?:ero|\.)?)[ \u00a0]*)?[:.]?[ \u00a0]*$/iu;
const phone: Check = (t, s, e) =>
  NOT_PHONE.test(t.slice(s, e).replace(/[ \u00a0]/g, '')) ||
  NOT_PHONE_BEFORE.test([...t.slice(s < 48 ? 0 : s - 48, s)].slice(-24).join(''))
    ? -1
    : e;

const documentCode: Check = (t, s, e) => {
  const n = chars(t.slice(s, e));
  return n < 6 || n > 12 ? -1 : e;
};

// The patterns of internal/pii/rules.go, written out (sp = [ \u00a0], sep
// between digit groups, filler after a context word).
const rules: [Kind, RegExp, Check?][] = [
  ['tax_code', /[A-Za-z]{6}[\dLMNP-Vlmnp-v]{2}[ABCDEHLMPRSTabcdehlmprst][\dLMNP-Vlmnp-v]{2}[A-Za-z][\dLMNP-Vlmnp-v]{3}[A-Za-z]/gu, taxCode],
  ['tax_code', /(?:c\.?[ \u00a0]?f|cod(?:ice|\.)?[ \u00a0]?fisc(?:ale|\.)?|p\.?[ \u00a0]?iva|partita[ \u00a0]{1,3}iva)[^\p{L}\p{N}\n][^\d\n]{0,20}?(\d{11})/giu, luhn],
  ['email', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu],
  ['iban', /[A-Z]{2}\d\d(?:[ \u00a0]?[A-Z\d]{4}){2,7}(?:[ \u00a0]?[A-Z\d]{1,3})?/gu, iban],
  ['phone', /(?:(?:\+|00)39(?:[ \u00a0]?[./-][ \u00a0]?|[ \u00a0])?)?(?:3[1-9]\d(?:(?:[ \u00a0]?[./-][ \u00a0]?|[ \u00a0])?\d){6,7}|0[1-9](?:(?:[ \u00a0]?[./-][ \u00a0]?|[ \u00a0])?\d){4,9})|\+[1-9](?:(?:[ \u00a0]?[./-][ \u00a0]?|[ \u00a0])?\d){7,14}/gu, phone],
  ['document', /80380\d{15}|[A-Z]{2}\d{5}[A-Z]{2}|[A-Z]{2}\d{7}/gu],
  ['document', /(?:passaporto|carta[ \u00a0]{1,3}d(?:['’][ \u00a0]?|i[ \u00a0]{1,3})identit(?:à|a'?)|c\.?i\.?e|permesso[ \u00a0]{1,3}di[ \u00a0]{1,3}soggiorno|p\.?d\.?s|(?:titolo|carta)[ \u00a0]{1,3}di[ \u00a0]{1,3}soggiorno|documento)[^\p{L}\p{N}\n][^\d\n]{0,20}?([A-Za-z]{0,11}\d[A-Za-z\d]{0,11})/giu, documentCode],
];

// A match may not touch a letter or digit, nor a . , / - joined to a digit.
const closedBefore = /(?:[\p{L}\p{N}]|\d[.,/-])$/u;
const closedAfter = /^(?:[\p{L}\p{N}]|[.,/-]\d)/u;
const open = (t: string, i: number) => !closedBefore.test(t.slice(i < 2 ? 0 : i - 2, i));

/**
 * find returns the spans of t that look like personal data, sorted and not
 * overlapping; where candidates overlap, the longest wins.
 */
export function find(t: string): Match[] {
  const found: [Match, number][] = [];
  for (const [kind, re, check] of rules) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(t))) {
      const f = m.index;
      let e = f + m[0].length;
      const s = m[1] ? e - m[1].length : f;
      if (check) e = check(t, s, e);
      if (e > s && open(t, f) && open(t, s) && !closedAfter.test(t.slice(e, e + 2))) {
        found.push([{ kind, start: s, end: e, text: t.slice(s, e) }, chars(t.slice(s, e))]);
        re.lastIndex = e;
      } else re.lastIndex = f + (t.codePointAt(f)! > 0xffff ? 2 : 1);
    }
  }
  const out: Match[] = [];
  found.sort((a, b) => b[1] - a[1] || a[0].start - b[0].start);
  for (const [c] of found) if (!out.some((m) => c.start < m.end && m.start < c.end)) out.push(c);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * mask replaces each match with its label in brackets ("[telefono]"),
 * skipping matches that are empty, out of range or overlap one before them.
 */
export function mask(t: string, matches: Match[], lang: string): string {
  let out = '';
  let last = 0;
  for (const m of [...matches].sort((a, b) => a.start - b.start)) {
    if (m.start < last || m.end <= m.start || m.end > t.length) continue;
    out += t.slice(last, m.start) + '[' + label(m.kind, lang) + ']';
    last = m.end;
  }
  return out + t.slice(last);
}
