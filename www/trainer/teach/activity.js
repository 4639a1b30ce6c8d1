// The teaching view's layer activity: the model as a small block diagram (frozen blocks grey,
// trained ones coloured), and under it a heat strip with a row per block and a column per step,
// coloured by each trained group's gradient norm or relative weight change at that step (as the
// worker reported it, on a log scale: they span decades). Frozen blocks have no numbers: their
// rows stay grey.
import { el } from '../dom.js';

// viridis at five stops: light for much, dark for little, readable by colour-blind viewers
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const FROZEN = '#d9d9d9';
const EMPTY = '#f4f4f4';
const METRICS = { grad_norm: 'gradient norm', rel_change: 'relative weight change' };

/** The colour of t in [0, 1] on the ramp. */
export function ramp(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + f * (RAMP[i + 1][k] - v)));
  return `rgb(${c.join(',')})`;
}

const sci = (v) => (v == null ? '–' : Number(v).toExponential(1));

/** The blocks of a run, head first (the top of the model) down to the embeddings:
 *  [{ name (the group's, if trained), label, trained }]. */
export function blocksOf(info) {
  const layers = info.frozen_layers + info.trainable_layers;
  const groups = new Set((info.param_groups || []).map((g) => g.name));
  const blocks = [];
  if (groups.has('head')) blocks.push({ name: 'head', label: 'head', trained: true });
  if (groups.has('pooler')) blocks.push({ name: 'pooler', label: 'pooler', trained: true });
  for (let k = layers - 1; k >= 0; k--) {
    const name = `encoder.layer.${k}`;
    blocks.push({ name, label: `layer ${k + 1}`, trained: groups.has(name) });
  }
  blocks.push({ name: 'embeddings', label: 'embeddings', trained: false });
  return blocks;
}

export function layerActivity() {
  const diagram = el('div', { class: 'layers teach-blocks', role: 'group', 'aria-label': 'The model’s blocks: frozen and trained' });
  const labels = el('div', { class: 'strip-labels', 'aria-hidden': 'true' });
  const canvas = el('canvas', { role: 'img', 'aria-label': 'Layer activity: no run yet' });
  const lo = el('span'), hi = el('span');
  const scale = el('div', { class: 'strip-scale' }, lo, el('span', { class: 'strip-ramp', style: `background:linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(ramp).join(',')})` }), hi,
    el('span', { class: 'swatch', style: `background:${FROZEN}` }), el('span', { text: 'frozen' }));
  const readout = el('p', { class: 'note strip-readout', 'aria-live': 'polite' });
  const pick = (value, text, checked) => el('label', { class: 'inline' },
    el('input', { type: 'radio', name: 'teach-metric', value, checked, onchange: () => { metric = value; draw(); } }), text);
  const toggle = el('fieldset', { class: 'strip-metric' }, el('legend', { text: 'Colour by' }),
    pick('grad_norm', 'gradient norm', true), pick('rel_change', 'relative weight change', false));
  const figure = el('figure', { class: 'teach-activity', 'data-columns': 0 },
    el('figcaption', { text: 'Layer activity per step (log colour scale)' }), diagram, toggle,
    el('div', { class: 'strip' }, labels, canvas), scale, readout);

  let blocks = [];
  let steps = []; // [{ step, groups: { name: { grad_norm, rel_change } } }] in step order
  let total = 1; // columns the strip is laid out for (the run's steps)
  let metric = 'grad_norm';
  let pending = 0;

  function range() {
    let a = Infinity, b = -Infinity;
    for (const s of steps) for (const g of Object.values(s.groups)) {
      const v = g[metric];
      if (v > 0) { a = Math.min(a, Math.log10(v)); b = Math.max(b, Math.log10(v)); }
    }
    return Number.isFinite(a) ? [a, Math.max(b, a + 1e-6)] : null;
  }

  function draw() {
    pending = 0;
    const w = Math.max(160, canvas.parentElement.clientWidth - labels.offsetWidth - 8 || 400);
    const rowH = Math.max(14, Math.round(parseFloat(getComputedStyle(canvas).getPropertyValue('--row')) || 18));
    const h = rowH * Math.max(1, blocks.length);
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = w * dpr; canvas.height = h * dpr;
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
    labels.style.setProperty('--row', `${rowH}px`);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const cols = Math.max(total, steps.length);
    const cw = w / cols;
    blocks.forEach((b, r) => { g.fillStyle = b.trained ? EMPTY : FROZEN; g.fillRect(0, r * rowH, w, rowH - 1); });
    const span = range();
    steps.forEach((s, c) => blocks.forEach((b, r) => {
      const v = s.groups[b.name]?.[metric];
      if (v == null) return;
      g.fillStyle = span && v > 0 ? ramp((Math.log10(v) - span[0]) / (span[1] - span[0])) : ramp(0);
      // columns at least a pixel wide, so a long run's strip still shows every step
      g.fillRect(Math.floor(c * cw), r * rowH, Math.max(1, Math.ceil(cw)), rowH - 1);
    }));
    lo.textContent = span ? sci(10 ** span[0]) : '';
    hi.textContent = span ? sci(10 ** span[1]) : '';
    // data-columns lets tests and assistive tools see how much is drawn
    figure.dataset.columns = steps.length;
    canvas.setAttribute('aria-label', `Layer activity: ${METRICS[metric]} of ${blocks.filter((b) => b.trained).length} trained blocks over ${steps.length} steps`);
  }
  const later = () => { pending ||= requestAnimationFrame(draw); };

  canvas.addEventListener('pointermove', (e) => {
    const b = canvas.getBoundingClientRect();
    const cols = Math.max(total, steps.length);
    const s = steps[Math.floor(((e.clientX - b.left) / b.width) * cols)];
    const block = blocks[Math.floor(((e.clientY - b.top) / b.height) * blocks.length)];
    if (!s || !block) { readout.textContent = ''; return; }
    const v = s.groups[block.name];
    readout.textContent = block.trained
      ? `Step ${s.step}, ${block.label}: gradient norm ${sci(v?.grad_norm)}, relative weight change ${sci(v?.rel_change)}`
      : `${block.label} is frozen: it does not change.`;
  });
  new ResizeObserver(later).observe(figure);

  return {
    figure,
    /** A new run (its started info: layers, param groups, steps). */
    reset(info) {
      blocks = blocksOf(info);
      steps = [];
      total = Math.max(1, info.total_steps - (info.step || 0));
      diagram.replaceChildren(...[...blocks].reverse().map((b) => el('span', { class: `block ${b.trained ? 'trained' : 'frozen'}`, text: b.label })));
      labels.replaceChildren(...blocks.map((b) => el('span', { class: b.trained ? 'trained' : 'frozen', text: b.label })));
      draw();
    },
    /** A step the run posted, with its `activity` ([{ name, grad_norm, rel_change }]). */
    step(s) {
      if (!s.activity) return;
      steps.push({ step: s.step, groups: Object.fromEntries(s.activity.map((a) => [a.name, a])) });
      later();
    },
    redraw: draw,
  };
}
