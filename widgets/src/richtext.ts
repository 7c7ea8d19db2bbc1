// richtext turns the HTML the toolkit's API renders from Markdown (and has
// already sanitised) into DOM nodes, for <incroci-toolkit> and the console's
// toolkit views alike.

import { h } from './base';

/** unescape turns the character references of the server's HTML into text. */
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
export function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] != '#') return NAMED[e.toLowerCase()] ?? m;
    const n = e[1] == 'x' || e[1] == 'X' ? parseInt(e.slice(2), 16) : +e.slice(1);
    return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : '\ufffd';
  });
}

/** marks builds a search snippet (escaped text, the words found in <mark>) as text and mark elements. */
export function marks(snippet: string): Node[] {
  return snippet.split(/<\/?mark>/).map((s, i) => (i % 2 ? h('mark', null, unescape(s)) : document.createTextNode(unescape(s))));
}

const TAGS = new Set('p br hr strong em b i u s del ins sub sup small ul ol li a h1 h2 h3 h4 h5 h6 blockquote code pre table thead tbody tfoot tr th td caption dl dt dd span abbr cite q kbd'.split(' '));

/**
 * frag builds sanitised HTML as DOM nodes without any HTML sink (innerHTML
 * would also be refused by pages that require Trusted Types), keeping an
 * allowlist of its own: only the elements of TAGS are made, with no
 * attribute but a link's http(s), mailto or tel address (links open in a
 * new tab, without referrer); an image leaves its alt text, other tags are
 * left out with their text kept, and all text is text. With heading set,
 * every heading becomes that element (h4 under a view's h3, say).
 */
export function frag(html: string, heading?: string): DocumentFragment {
  const root = document.createDocumentFragment();
  const stack: Node[] = [root];
  const top = () => stack[stack.length - 1];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--[\s\S]*?-->|([^<]+|<)/g;
  for (let m; (m = re.exec(html)); ) {
    const [, close, tag0, attrs, text] = m;
    if (text != null) {
      top().appendChild(document.createTextNode(unescape(text)));
      continue;
    }
    if (!tag0) continue; // a comment
    let tag = tag0.toLowerCase();
    if (heading && /^h[1-6]$/.test(tag)) tag = heading;
    if (close) {
      const i = stack.findLastIndex((n) => (n as Element).localName == tag);
      if (i > 0) stack.length = i;
      continue;
    }
    if (tag == 'img') {
      const alt = /\salt="([^"]*)"/.exec(attrs);
      if (alt) top().appendChild(document.createTextNode(unescape(alt[1])));
      continue;
    }
    if (!TAGS.has(tag)) continue;
    const el = document.createElement(tag);
    if (tag == 'a') {
      const href = unescape((/\shref="([^"]*)"/i.exec(attrs) || [])[1] || '');
      if (/^(https?:|mailto:|tel:)/i.test(href)) el.setAttribute('href', href);
      el.setAttribute('rel', 'nofollow noreferrer noopener');
      el.setAttribute('target', '_blank');
    }
    top().appendChild(el);
    if (!/^(br|hr)$/.test(tag) && !/\/\s*$/.test(attrs)) stack.push(el);
  }
  return root;
}
