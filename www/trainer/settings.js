// <tabtune-trainer>'s settings: each field checked where the user typed it, the fields of each
// mode (Text: Trainable layers; Images: Trainable blocks — one field per meaning, each sending the
// core's `layers` key for its own kind of run) with their saved values, and the diagram of what
// trains (frozen blocks grey, trained ones orange) with the trainable parameter count.
import { el } from './dom.js';

/** The fields a run of `kind` ('text' | 'image') takes, keyed by the core's RunConfig key (the
 *  Blocks field is `layers` for an image run); fields of the other mode are left out. */
export function fieldsFor(fields, kind) {
  return Object.fromEntries(Object.values(fields).filter((f) => !f.kind || f.kind === kind).map((f) => [f.key, f]));
}

/** Puts saved values into the fields: `text` (the last text run's settings) into Text mode's and
 *  the shared fields, `image` (the last image run's) into Images mode's own; a field whose
 *  attribute (`hasAttr(name)`) sets it keeps that. */
export function restoreFields(fields, { text = {}, image = {} }, hasAttr) {
  for (const f of Object.values(fields)) {
    const saved = (f.kind === 'image' ? image : text)[f.key];
    if (!hasAttr(f.name) && saved !== undefined) f.input.value = saved;
  }
}

/** Checks every field and shows each problem at its field; the settings, or null. */
export function checkFields(fields) {
  const config = {};
  let ok = true;
  for (const [key, f] of Object.entries(fields)) {
    const v = Number(f.input.value);
    let problem = '';
    if (f.input.value.trim() === '' || !Number.isFinite(v)) problem = 'enter a number';
    else if (f.int && !Number.isInteger(v)) problem = 'must be a whole number';
    else if (v < f.min || v > f.max) problem = `must be between ${f.min} and ${f.max}`;
    f.error.textContent = problem;
    f.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    ok &&= !problem;
    config[key] = v;
  }
  return ok ? config : null;
}

/** The blocks of model `m` with the top `k` layers trained and a head of `outputs`, into
 *  ui.layers and ui.params. */
export function drawLayers(ui, m, k, outputs) {
  if (!m) return;
  const blocks = [el('span', { class: 'block frozen', text: 'embeddings' })];
  for (let i = 0; i < m.layers; i++) {
    const trained = i >= m.layers - k;
    blocks.push(el('span', { class: `block ${trained ? 'trained' : 'frozen'}`, text: `layer ${i + 1}${trained ? ' (trained)' : ''}` }));
  }
  blocks.push(el('span', { class: 'block trained', text: 'head (trained)' }));
  ui.layers.replaceChildren(...blocks);
  const h = m.hidden_size, f = m.intermediate_size;
  const perLayer = 4 * h * h + 4 * h + 2 * h * f + f + h + 4 * h; // attention, FFN, two LayerNorms
  const n = k * perLayer + h * outputs + outputs;
  ui.params.textContent = `${n.toLocaleString()} trainable parameters (${k} of ${m.layers} layers + the head); the rest stays frozen and runs once.`;
}

// EfficientNet-Lite0's MBConv stages as src/image/config.rs has them (expand ratio, kernel,
// stride of the first block, channels out, repeats); the stem gives 32 channels, the head 1280.
// The browser test checks the count below against the core's own (info.trainable_params).
const LITE0_STAGES = [[1, 3, 1, 16, 1], [6, 3, 2, 24, 2], [6, 5, 2, 40, 2], [6, 3, 2, 80, 3], [6, 5, 1, 112, 3], [6, 5, 2, 192, 4], [6, 3, 1, 320, 1]];
const STEM = 32, HEAD = 1280;

/** Each block's parameters that train: conv weights (no bias) and BatchNorm's γ and β per
 *  conv; the running mean and variance are not parameters (BN stays in eval mode). */
export function lite0BlockParams() {
  const out = [];
  let cin = STEM;
  for (const [expand, k, , cout, repeats] of LITE0_STAGES) {
    for (let r = 0; r < repeats; r++) {
      const hidden = cin * expand;
      const expandConv = expand === 1 ? 0 : cin * hidden + 2 * hidden; // 1x1 up
      out.push(expandConv + hidden * k * k + 2 * hidden + hidden * cout + 2 * cout); // depthwise, 1x1 down
      cin = cout;
    }
  }
  return out;
}

/** Trainable parameters of an image run: the top `k` blocks, the head conv (320 → 1280, BN)
 *  and the new Linear head (1280 → classes, with bias). */
export function imageTrainableParams(k, classes) {
  const blocks = lite0BlockParams();
  const top = blocks.slice(blocks.length - k).reduce((a, b) => a + b, 0);
  return top + (320 * HEAD + 2 * HEAD) + (HEAD * classes + classes);
}

/** A block network (the image and the sound models alike) into ui.layers: the frozen parts
 *  `before` its blocks, the `blocks` with their top `k` trained, then the head conv and the new
 *  Linear head, which always train: which parts are frozen (grey) and which train (orange). */
export function drawBlocks(ui, before, blocks, k) {
  const parts = before.map((text) => el('span', { class: 'block frozen', text }));
  for (let i = 0; i < blocks; i++) {
    const trained = i >= blocks - k;
    parts.push(el('span', { class: `block ${trained ? 'trained' : 'frozen'}`, text: `block ${i + 1}${trained ? ' (trained)' : ''}` }));
  }
  parts.push(el('span', { class: 'block trained', text: 'head conv (trained)' }), el('span', { class: 'block trained', text: 'new Linear head (trained)' }));
  ui.layers.replaceChildren(...parts);
}

/** The image network with its top `k` of `blocks` MBConv blocks trained, into ui.layers and
 *  ui.params (its trainable parameters). */
export function drawImageLayers(ui, blocks, k, classes) {
  drawBlocks(ui, ['stem conv'], blocks, k);
  const n = imageTrainableParams(k, classes);
  ui.params.textContent = `${n.toLocaleString('en-US')} trainable parameters (${k} of ${blocks} MBConv blocks, the head conv and a new Linear head for ${classes} classes); `
    + `the stem and the ${blocks - k} frozen blocks run once per image and are cached.`;
}
