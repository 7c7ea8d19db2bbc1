// style adds a widget's stylesheets to its shadow root; it sits apart from
// base.ts so that a chunk using it does not carry the base stylesheet.

/** made are the stylesheets constructed so far, by their text. */
const made = new Map<string, CSSStyleSheet>();

/**
 * addStyle gives r the stylesheet css once, after those it has:
 * constructed where the browser can (a strict style-src CSP does not block
 * it, and every root shares one), else as a style element.
 */
export function addStyle(r: ShadowRoot, css: string): void {
  if (r.adoptedStyleSheets && window.CSSStyleSheet?.prototype.replaceSync) {
    let s = made.get(css);
    if (!s) made.set(css, (s = new CSSStyleSheet())), s.replaceSync(css);
    if (!r.adoptedStyleSheets.includes(s)) r.adoptedStyleSheets = [...r.adoptedStyleSheets, s];
  } else if (![...r.querySelectorAll('style')].some((e) => e.textContent == css)) {
    const e = document.createElement('style');
    e.textContent = css;
    r.append(e);
  }
}
