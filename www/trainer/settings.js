// <tabtune-trainer>'s settings: each field checked where the user typed it, and the diagram of
// what trains (frozen blocks grey, trained ones orange) with the trainable parameter count.
import { el } from './view.js';

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
