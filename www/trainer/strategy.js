// <tabtune-trainer>'s strategy settings: Standard or Contrastive (few examples) with its pairs per
// row, and augmentation (altered copies of the training rows) in Advanced. Like the Advanced
// controls, a control at the core's default sends no key; the core checks the values and its
// message is shown at the control it names. Also the note that suggests contrastive mode when the
// data has few rows per class.
import { el, field } from './dom.js';

// below this many rows in some class, cross-entropy fine-tuning learns little (issue 11)
export const FEW_ROWS = 30;
const OPS = [['delete', 'delete a word'], ['swap', 'swap two words'], ['crop', 'crop to a span']];
// the core's defaults until defaults() says otherwise (an engine built before these keys)
const FALLBACK = { strategy: 'standard', pairs_per_row: 20, augment: null };

/** { wrap (for Settings), augmentWrap (for Advanced), controls (by key, for showSettingError), … } */
export function buildStrategy(changed) {
  const s = { defaults: FALLBACK, controls: {} };
  const strategy = el('select', { name: 'strategy', onchange: changed },
    el('option', { value: 'standard', text: 'Standard' }), el('option', { value: 'contrastive', text: 'Contrastive — few examples' }));
  const pairs = el('input', { type: 'number', name: 'pairs_per_row', min: 1, step: 1, oninput: changed });
  const copies = el('input', { type: 'number', name: 'augment', min: 0, step: 1, placeholder: 'none', oninput: changed });
  s.ops = OPS.map(([op, words]) => [op, el('input', { type: 'checkbox', checked: true, 'aria-label': `Augment: ${words}`, onchange: changed })]);
  const f = (key, label, input) => { const { wrap, error } = field(label, input); s.controls[key] = { input, error, wrap }; return wrap; };
  s.suggestion = el('p', { class: 'note', role: 'note', hidden: true });
  s.use = el('button', { class: 'secondary', type: 'button', hidden: true, text: 'Use contrastive mode', onclick: () => s.onUse?.() });
  s.wrap = el('div', { class: 'row' }, f('strategy', 'Strategy', strategy), f('pairs_per_row', 'Pairs per row', pairs),
    el('div', {}, s.suggestion, s.use));
  s.augmentWrap = el('fieldset', { class: 'augment' }, el('legend', { text: 'Augmentation (training rows only)' }),
    f('augment', 'Altered copies per training row', copies),
    ...s.ops.map(([op, box]) => el('label', { class: 'inline' }, box, OPS.find((o) => o[0] === op)[1])));
  return s;
}

/** The core's defaults (tt.defaults(): { config, contrastive }) and, from saved settings, the
 *  values to show. */
export function setStrategy(s, settings = {}, defaults = null) {
  if (defaults) {
    s.defaults = { ...FALLBACK, ...defaults.config };
    // the keys a contrastive run takes when left out (SetFit's recipe); every layer at least
    s.contrastive = defaults.contrastive ?? { layers: 'all' };
  }
  const v = (k) => (settings[k] !== undefined ? settings[k] : s.defaults[k]);
  const c = s.controls;
  c.strategy.input.value = v('strategy') || 'standard';
  c.pairs_per_row.input.value = v('pairs_per_row') ?? '';
  const aug = v('augment');
  c.augment.input.value = aug?.copies ? aug.copies : '';
  for (const [op, box] of s.ops) box.checked = !aug?.ops || aug.ops.includes(op);
}

/** The keys to send (those not at their default), or null when a control holds no valid value. */
export function readStrategy(s) {
  const c = s.controls;
  const out = {};
  let ok = true;
  const problem = (key, text) => { c[key].error.textContent = text; c[key].input.setAttribute('aria-invalid', text ? 'true' : 'false'); if (text) ok = false; };
  const strategy = c.strategy.input.value;
  if (strategy !== s.defaults.strategy) out.strategy = strategy;
  c.pairs_per_row.wrap.hidden = strategy !== 'contrastive';
  const pairs = c.pairs_per_row.input.value.trim();
  problem('pairs_per_row', strategy === 'contrastive' && pairs !== '' && !(Number.isInteger(Number(pairs)) && Number(pairs) >= 1) ? 'must be a whole number of at least 1' : '');
  if (strategy === 'contrastive' && pairs !== '' && Number(pairs) !== s.defaults.pairs_per_row) out.pairs_per_row = Number(pairs);
  const copies = c.augment.input.value.trim();
  const ops = s.ops.filter(([, box]) => box.checked).map(([op]) => op);
  if (copies !== '' && !(Number.isInteger(Number(copies)) && Number(copies) >= 0)) problem('augment', 'must be a whole number (0 = no augmentation)');
  else if (Number(copies) > 0 && !ops.length) problem('augment', 'tick at least one way to alter the rows, or set the copies to 0');
  else problem('augment', '');
  // all three ops is the core's default: send the list only when it is narrower
  if (Number(copies) > 0) out.augment = ops.length === OPS.length ? { copies: Number(copies) } : { copies: Number(copies), ops };
  return ok ? out : null;
}

const recipe = (c = { layers: 'all' }) => Object.entries(c).map(([k, v]) => `${k.replace('_', ' ')} ${v === 'all' ? 'all' : v}`).join(', ');

/** After data loads: with fewer than FEW_ROWS rows in some class (classification), the note that
 *  suggests contrastive mode and why; `use(settings)` selects it with the core's contrastive
 *  defaults (every layer, …) put into the settings. */
export function suggestStrategy(s, info, use) {
  const counts = Object.values(info.classes || {});
  const fewest = counts.length ? Math.min(...counts) : Infinity;
  const fits = (!info.task || info.task === 'classification') && fewest < FEW_ROWS;
  s.suggestion.hidden = s.use.hidden = !fits;
  s.onUse = () => use({ strategy: 'contrastive', ...(s.contrastive ?? { layers: 'all' }) });
  s.suggestion.textContent = fits
    ? `Few rows per class (the smallest class has ${fewest}): contrastive mode usually does better here. It learns from pairs of rows — same class or not — and then fits the head, where cross-entropy on so few rows learns little. The button also puts its usual settings into the fields (${recipe(s.contrastive)}).`
    : '';
}
