// The teaching view's embedding map: every validation row's pooled embedding on the run's two PCA
// axes, one dot per row coloured by its class. The core fixes the axes once (from the embeddings
// before the first step), so a dot that moves between epochs has changed; the view's scale only
// ever grows, so replaying epoch 0 after epoch 5 draws both on the same axes. A slider replays the
// stored maps; hovering (or tapping) a dot shows its row's text, through textContent only.
import { PALETTE } from '../styles.js';
import { ramp } from './activity.js';
import { el } from '../dom.js';

const RADIUS = 5;
const HIT = 12; // px: how near the pointer must be to a dot to show its text

export function embeddingMap() {
  const canvas = el('canvas', { role: 'img', tabindex: 0, 'aria-label': 'Embedding map: no run yet' });
  const tip = el('div', { class: 'map-tip', hidden: true, role: 'tooltip' });
  const slider = el('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, disabled: true, 'aria-label': 'Epoch shown on the map' });
  const epochOut = el('output', { class: 'map-epoch', text: 'no map yet' });
  const legend = el('ul', { class: 'legend' });
  // a line from where each dot was before training to where it is: the motion, in one picture
  const trails = el('input', { type: 'checkbox', checked: true, onchange: () => draw() });
  const figure = el('figure', { class: 'teach-map', 'data-points': 0 },
    el('figcaption', { text: 'Embedding map: the validation rows, one dot each, on two fixed axes (PCA of the embeddings before training)' }),
    el('div', { class: 'map-wrap' }, canvas, tip),
    el('div', { class: 'row' }, el('label', { class: 'inline map-slider' }, 'Epoch', slider, epochOut),
      el('label', { class: 'inline' }, trails, 'Trails from epoch 0')), legend);

  let rows = { texts: [], labels: [] };
  let classes = [];
  let maps = []; // [{ epoch, points }] in epoch order
  let shown = -1; // index into maps
  let follow = true; // the newest map is shown as it arrives, until the user picks another
  let box = null; // { x0, x1, y0, y1 }: grows to hold every map, never shrinks within a run
  let placed = []; // the drawn dots' canvas positions, for hovering

  let span = null; // regression: [min, max] of the rows' values, which colour the dots
  const colour = (row) => (span ? ramp((rows.values[row] - span[0]) / (span[1] - span[0] || 1))
    : rows.labels[row] == null ? '#999' : PALETTE[rows.labels[row] % PALETTE.length]);
  const name = (row) => (span ? `${rows.values[row]}` : classes[rows.labels[row]] ?? 'no label');

  function grow(points) {
    for (const [x, y] of points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      box ??= { x0: x, x1: x, y0: y, y1: y };
      box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y);
    }
  }

  function draw() {
    const css = getComputedStyle(canvas);
    const w = Math.max(200, canvas.parentElement.clientWidth || 480);
    const h = Math.round(Math.min(w * 0.7, parseFloat(css.getPropertyValue('--map-h')) || 560));
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = w * dpr; canvas.height = h * dpr;
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    const map = maps[shown];
    placed = [];
    figure.dataset.points = 0;
    if (!map || !box) {
      g.fillStyle = '#444'; g.font = css.getPropertyValue('--axis-font') || '14px system-ui';
      g.fillText('The map appears when a run starts with this view open.', 12, 28);
      return;
    }
    const r = parseFloat(css.getPropertyValue('--dot')) || RADIUS;
    const pad = 2 * r + 4;
    // one scale for both axes: distances on the map are distances in the PCA plane
    const span = Math.max(box.x1 - box.x0, box.y1 - box.y0, 1e-9);
    const s = Math.min((w - 2 * pad) / Math.max(box.x1 - box.x0, span * 1e-3), (h - 2 * pad) / Math.max(box.y1 - box.y0, span * 1e-3));
    const cx = w / 2 - s * (box.x0 + box.x1) / 2, cy = h / 2 + s * (box.y0 + box.y1) / 2;
    const at = ([x, y]) => [cx + s * x, cy - s * y];
    // the axes through the origin, as faint lines, labelled
    g.strokeStyle = '#bbb'; g.lineWidth = 1; g.beginPath();
    const [ox, oy] = at([0, 0]);
    g.moveTo(0, oy); g.lineTo(w, oy); g.moveTo(ox, 0); g.lineTo(ox, h); g.stroke();
    g.fillStyle = '#444'; g.font = css.getPropertyValue('--axis-font') || '14px system-ui';
    g.textAlign = 'right';
    g.fillText('PC 1', w - 6, Math.min(h - 6, Math.max(24, oy - 6)));
    g.textAlign = 'left';
    g.fillText('PC 2', Math.min(w - 80, Math.max(4, ox + 6)), 24);
    const start = maps[0];
    if (trails.checked && start && start !== map && start.epoch === 0) {
      g.lineWidth = 2; g.globalAlpha = 0.45;
      map.points.forEach((p, row) => {
        const q = start.points[row];
        if (!q || ![...p, ...q].every(Number.isFinite)) return;
        g.strokeStyle = colour(row); g.beginPath(); g.moveTo(...at(q)); g.lineTo(...at(p)); g.stroke();
      });
      g.globalAlpha = 1;
    }
    g.lineWidth = 1.5; g.strokeStyle = '#111';
    map.points.forEach((p, row) => {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return;
      const [x, y] = at(p);
      g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI);
      g.fillStyle = colour(row); g.fill(); g.stroke();
      placed.push([x, y, row]);
    });
    // data-points lets tests and assistive tools see how much is drawn
    figure.dataset.points = placed.length;
    figure.dataset.epoch = map.epoch;
    canvas.setAttribute('aria-label', `Embedding map at epoch ${map.epoch}: ${placed.length} validation rows, coloured by class (arrow keys: each row's text)`);
  }

  function show(i) {
    shown = i;
    slider.value = i;
    epochOut.textContent = maps[i] ? `${maps[i].epoch}${maps[i].epoch === 0 ? ' (before training)' : ''}` : 'no map yet';
    tip.hidden = true;
    draw();
  }

  slider.addEventListener('input', () => { follow = Number(slider.value) === maps.length - 1; show(Number(slider.value)); });

  function hover(e) {
    const b = canvas.getBoundingClientRect();
    const [mx, my] = [e.clientX - b.left, e.clientY - b.top];
    let best = null, d2 = HIT * HIT;
    for (const [x, y, row] of placed) {
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d <= d2) { d2 = d; best = [x, y, row]; }
    }
    if (!best) { tip.hidden = true; return; }
    showTip(...best);
  }

  // the row's class (or value) and text beside its dot, inside the map
  function showTip(x, y, row) {
    const b = canvas.getBoundingClientRect();
    tip.replaceChildren(el('strong', { text: name(row) }), el('span', { text: ` ${rows.texts[row] ?? ''}` }));
    tip.style.borderColor = colour(row);
    tip.hidden = false;
    tip.style.left = `${Math.min(x + 12, b.width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${y + 12 + tip.offsetHeight > b.height ? y - tip.offsetHeight - 12 : y + 12}px`;
  }
  canvas.addEventListener('pointermove', hover);
  canvas.addEventListener('pointerdown', hover);
  canvas.addEventListener('pointerleave', () => { tip.hidden = true; });
  // from the keyboard: the arrow keys go from dot to dot in validation order
  let focused = -1;
  canvas.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (!step || !placed.length) { if (e.key === 'Escape') tip.hidden = true; return; }
    e.preventDefault();
    focused = (focused + step + placed.length) % placed.length;
    showTip(...placed[focused]);
  });
  canvas.addEventListener('blur', () => { tip.hidden = true; });
  new ResizeObserver(() => draw()).observe(figure);

  return {
    figure,
    /** A new run, with its class names (its rows come with rows()). */
    reset(labels) {
      rows = { texts: [], labels: [] };
      classes = labels || [];
      maps = []; box = null; follow = true;
      slider.max = 0; slider.disabled = true;
      legend.replaceChildren(...classes.map((c, i) => el('li', {}, el('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}` }), el('span', { text: c }))));
      show(-1);
    },
    /** A map the run posted ({ epoch, points: [[x, y], …] } in validation order). */
    add(map) {
      const i = maps.findIndex((m) => m.epoch >= map.epoch);
      if (i >= 0 && maps[i].epoch === map.epoch) maps[i] = map; else if (i >= 0) maps.splice(i, 0, map); else maps.push(map);
      grow(map.points);
      slider.max = maps.length - 1;
      slider.disabled = maps.length < 2;
      show(follow ? maps.length - 1 : Math.min(shown, maps.length - 1));
    },
    /** The run's validation rows ({ texts, labels: class indices }), in the maps' order. */
    rows(valRows) {
      rows = valRows || { texts: [], labels: [] };
      span = rows.values?.length ? [Math.min(...rows.values), Math.max(...rows.values)] : null;
      if (span) legend.replaceChildren(el('li', {}, el('span', { class: 'strip-ramp', style: `background:linear-gradient(to right, ${[0, 0.5, 1].map(ramp).join(',')})` }),
        el('span', { text: `value, from ${span[0]} (dark) to ${span[1]} (light)` })));
      draw();
    },
    redraw: draw,
  };
}
