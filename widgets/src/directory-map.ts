// The map of <incroci-directory>, a chunk of its own (directory-map.js)
// that the widget loads only when someone asks for the map: a small slippy
// map of Web Mercator tiles (from the widget's URL template, credited)
// with one numbered marker per entry of the page that has coordinates,
// fitted to their bounds. Markers are buttons in the order of the list:
// focusing one points to its entry, pressing it takes the focus there.
// Arrow keys move the map, + and − zoom, the mouse drags it. Without tiles
// (offline, or a CSP that blocks their host) the markers stay.

import { h } from './base';
import { addStyle } from './style';
import type { MapCtl, MapOpts, Pin } from './directory-text';
import { MAP } from './directory-text';

const T = 256;
const H = 320;
/** GAP is the least distance between two markers' anchors, in pixels (a marker is about 32 wide). */
const GAP = 38;
const CSS = `.mp{position:relative;height:${H}px;overflow:hidden;border:1px solid var(--_l);border-radius:var(--_r);
background:#e8eef3;touch-action:none;cursor:grab;margin:0 0 .5em}
.mp:focus-visible{outline:3px solid var(--_o);outline-offset:2px}
.mp img{position:absolute;width:${T}px;height:${T}px;max-width:none;user-select:none}
.pin{position:absolute;min-width:2em;min-height:2em;padding:0 .3em;border-radius:50% 50% 50% 0;transform:translate(-50%,-100%);
background:var(--_p);border:2px solid #fff;color:#fff;font-weight:700;line-height:1;box-shadow:0 1px 3px #0008}
.pin:focus-visible,.pin:hover{background:var(--_o);outline:3px solid var(--_o);outline-offset:2px;z-index:2}
.lb{position:absolute;z-index:3;background:var(--_b);color:var(--_t);border:1px solid var(--_l);border-radius:var(--_r);padding:.1em .5em;
font-size:.9em;pointer-events:none;transform:translate(-50%,.3em);white-space:nowrap;max-width:90%;overflow:hidden;text-overflow:ellipsis}
.cr{font-size:.8em;margin:0 0 .5em}
.zm{display:flex;gap:.5em;margin:0 0 .5em}
.zm button{min-width:2.75em;padding:.25em .75em}`;

/** world gives the Web Mercator pixel of lat/lon at zoom z. */
function world(lat: number, lon: number, z: number): [number, number] {
  const s = T * 2 ** z;
  const f = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * s, ((1 - Math.log(Math.tan(f) + 1 / Math.cos(f)) / Math.PI) / 2) * s];
}

const make = (root: ShadowRoot, box: HTMLElement, o: MapOpts): MapCtl => {
  addStyle(root, CSS);
  const t = o.t;
  let z = 8;
  // The centre of the view, in world pixels at zoom z.
  let cx = 0;
  let cy = 0;
  let pins: Pin[] = [];
  const tiles = new Map<string, HTMLImageElement>();
  const tl = h('div');
  const mk = h('div');
  const lb = h('div', { class: 'lb', hidden: true, 'aria-hidden': 'true' });
  const note = h('p', { id: 'map-note', class: 'note' });
  const off = h('p', { id: 'map-notiles', class: 'note', hidden: true }, t('no_tiles'));
  const view = h('div', { id: 'map', class: 'mp', role: 'region', tabindex: 0, 'aria-label': t('map'), 'aria-describedby': 'map-hint' }, tl, mk, lb);
  const zoom = (d: number) => {
    const n = Math.max(2, Math.min(18, z + d));
    cx *= 2 ** (n - z);
    cy *= 2 ** (n - z);
    z = n;
    draw();
  };
  const width = () => view.clientWidth || 600;

  function draw() {
    const w = width();
    const x0 = cx - w / 2;
    const y0 = cy - H / 2;
    const n = 2 ** z;
    const keep = new Set<string>();
    for (let ty = Math.floor(y0 / T); ty <= Math.floor((y0 + H) / T); ty++) {
      if (ty < 0 || ty >= n) continue;
      for (let tx = Math.floor(x0 / T); tx <= Math.floor((x0 + w) / T); tx++) {
        const k = `${z}/${tx}/${ty}`;
        keep.add(k);
        let img = tiles.get(k);
        if (!img) {
          img = h('img', { alt: '', draggable: 'false', src: o.tiles.replace('{z}', '' + z).replace('{x}', '' + (((tx % n) + n) % n)).replace('{y}', '' + ty) });
          img.onerror = () => {
            img!.hidden = true;
            off.hidden = false;
          };
          tiles.set(k, img);
          tl.append(img);
        }
        img.style.left = tx * T - x0 + 'px';
        img.style.top = ty * T - y0 + 'px';
      }
    }
    for (const [k, img] of tiles) if (!keep.has(k)) img.remove(), tiles.delete(k);
    // Markers closer than GAP to one already placed move along a spiral
    // around their point until they are not: each stays a target of its own.
    const placed: [number, number][] = [];
    for (const b of mk.children as HTMLCollectionOf<HTMLElement>) {
      const [px, py] = world(+b.dataset.lat!, +b.dataset.lon!, z);
      let x = px - x0;
      let y = py - y0;
      for (let i = 1, a = 0; i < 200 && placed.some(([u, v]) => Math.hypot(u - x, v - y) < GAP); i++, a += 0.9) {
        x = px - x0 + Math.cos(a) * (10 + 3 * i);
        y = py - y0 + Math.sin(a) * (10 + 3 * i);
      }
      placed.push([x, y]);
      b.style.left = x + 'px';
      b.style.top = y + 'px';
    }
    lb.hidden = true;
  }

  /** fit centres the map on the pins, at the largest zoom that shows them all. */
  function fit(on: Pin[]) {
    if (!on.length) {
      [cx, cy] = world(45.6, 9.6, (z = 8)); // Lombardy
      return;
    }
    const w = width() - 60;
    const lat = on.map((p) => p.lat!);
    const lon = on.map((p) => p.lon!);
    for (z = 16; z > 2; z--) {
      const [ax, ay] = world(Math.max(...lat), Math.min(...lon), z);
      const [bx, by] = world(Math.min(...lat), Math.max(...lon), z);
      if (bx - ax <= w && by - ay <= H - 70) break;
    }
    const [ax, ay] = world(Math.max(...lat), Math.min(...lon), z);
    const [bx, by] = world(Math.min(...lat), Math.max(...lon), z);
    cx = (ax + bx) / 2;
    cy = (ay + by) / 2 - 15; // room above for the markers, drawn above their point
  }

  view.addEventListener('keydown', (e) => {
    if (e.target != view) return;
    const step = 64;
    const k = e.key;
    if (k == 'ArrowLeft') cx -= step;
    else if (k == 'ArrowRight') cx += step;
    else if (k == 'ArrowUp') cy -= step;
    else if (k == 'ArrowDown') cy += step;
    else if (k == '+' || k == '=') return e.preventDefault(), zoom(1);
    else if (k == '-') return e.preventDefault(), zoom(-1);
    else return;
    e.preventDefault();
    draw();
  });
  let drag: [number, number] | undefined;
  view.addEventListener('pointerdown', (e) => {
    if ((e.target as HTMLElement).closest('button')) return;
    drag = [e.clientX, e.clientY];
    view.setPointerCapture(e.pointerId);
  });
  view.addEventListener('pointermove', (e) => {
    if (!drag) return;
    cx -= e.clientX - drag[0];
    cy -= e.clientY - drag[1];
    drag = [e.clientX, e.clientY];
    draw();
  });
  const end = () => (drag = undefined);
  view.addEventListener('pointerup', end);
  view.addEventListener('pointercancel', end);

  const credit = o.credit
    ? h('p', { class: 'cr' }, t('tiles_by') + ' ', h('bdi', null, o.credit))
    : h('p', { class: 'cr' }, t('tiles_by') + ' © ', h('a', { href: 'https://www.openstreetmap.org/copyright', target: '_blank', rel: 'noopener' }, 'OpenStreetMap'), ' contributors');
  box.append(
    h('p', { id: 'map-hint', class: 'hint' }, t('map_hint')),
    h('div', { class: 'zm' },
      h('button', { id: 'zoom-in', type: 'button', class: 's', 'aria-label': t('zoom_in'), onclick: () => zoom(1) }, '+'),
      h('button', { id: 'zoom-out', type: 'button', class: 's', 'aria-label': t('zoom_out'), onclick: () => zoom(-1) }, '−')),
    view, credit, off, note);

  return {
    set(list: Pin[]) {
      pins = list;
      const on = pins.filter((p) => typeof p.lat == 'number' && typeof p.lon == 'number');
      mk.replaceChildren(...on.map((p) => {
        const label = t('marker', { n: p.n, name: p.name, where: p.where });
        const b = h('button', { type: 'button', class: 'pin', id: 'pin-' + p.id, 'data-lat': p.lat, 'data-lon': p.lon, 'aria-label': label,
          onclick: () => o.go(p.id) }, p.n);
        const show = (v: boolean) => {
          o.point(p.id, v);
          lb.hidden = !v;
          if (v) {
            lb.textContent = label;
            lb.style.left = b.style.left;
            lb.style.top = b.style.top;
          }
        };
        b.addEventListener('focus', () => show(true));
        b.addEventListener('blur', () => show(false));
        b.addEventListener('mouseenter', () => show(true));
        b.addEventListener('mouseleave', () => show(false));
        return b;
      }));
      const n = pins.length - on.length;
      note.textContent = n ? t('no_coords', { n }) : '';
      fit(on);
      draw();
    },
  };
};

(window as unknown as Record<string, typeof make>)[MAP] = make;
