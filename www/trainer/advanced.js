// <tabtune-trainer>'s "Advanced" settings: task, optimizer, schedule, regularizers, early stopping.
// Every control is a RunConfig key. Defaults come from the core (tt.defaults()), and a control at
// its default, empty, or not applying (momentum under Adam) sends no key, so a run is the core's
// recipe unless the user changed something. Bounds are the core's too: a bad value comes back as
// the core's message, shown at the control it names (showSettingError), and nothing is reset.
import { el, field } from './dom.js';

/** Validation metrics in words, for the early-stopping choice and its message. */
export const MONITOR_WORDS = {
  val_loss: 'validation loss', val_acc: 'validation accuracy', val_macro_f1: 'validation macro-F1',
  val_micro_f1: 'validation micro-F1', val_subset_acc: 'validation subset accuracy', val_mse: 'validation MSE',
  val_mae: 'validation MAE', val_r2: 'validation R²', val_pearson: 'validation Pearson r',
};

const opt = (...names) => (c) => names.includes(c.optimizer);
const sched = (...names) => (c) => names.includes(c.schedule);
const task = (name) => (c) => c.task === name;

// kind: number (int: whole numbers; optional: empty means the key is absent, in words) | select |
// checkbox | pair (betas) | weights (class_weights) | monitor (early_stopping); when: applies to
const CONTROLS = [
  { key: 'task', label: 'Task', kind: 'select', options: [['auto', 'inferred from the labels'],
    ['classification', 'classification (one class a row)'], ['multi_label', 'multi-label (a|b in a row)'],
    ['regression', 'regression (a number a row)']] },
  { key: 'optimizer', label: 'Optimizer', kind: 'select', options: [['adamw', 'AdamW'], ['adam', 'Adam'], ['sgd', 'SGD'], ['rmsprop', 'RMSprop']] },
  { key: 'momentum', label: 'Momentum', when: opt('sgd', 'rmsprop') },
  { key: 'nesterov', label: 'Nesterov momentum', kind: 'checkbox', when: opt('sgd') },
  { key: 'betas', label: 'Betas (β1, β2)', kind: 'pair', when: opt('adam', 'adamw') },
  { key: 'eps', label: 'Epsilon', when: opt('adam', 'adamw', 'rmsprop') },
  { key: 'alpha', label: 'RMSprop alpha', when: opt('rmsprop') },
  { key: 'weight_decay', label: 'Weight decay' },
  { key: 'schedule', label: 'LR schedule', kind: 'select', options: [['linear', 'linear decay'], ['constant', 'constant'],
    ['cosine', 'cosine'], ['step', 'step decay'], ['exponential', 'exponential decay']] },
  { key: 'warmup', label: 'Warm-up (share of steps)' },
  { key: 'step_every', label: 'Decay every (steps)', int: true, optional: 'one epoch', when: sched('step') },
  { key: 'gamma', label: 'Decay factor γ', optional: 'the schedule’s', when: sched('step', 'exponential') },
  { key: 'layer_lr_decay', label: 'Layer-wise LR decay' },
  { key: 'l1', label: 'L1 penalty' },
  { key: 'clip_norm', label: 'Clip gradient norm', optional: 'no clipping' },
  { key: 'dropout', label: 'Head dropout' },
  { key: 'encoder_dropout', label: 'Encoder dropout', optional: 'the model’s' },
  { key: 'pooling', label: 'Pooling', kind: 'select', options: [['mean', 'mean of the tokens (as sentence-transformers)'],
    ['cls', '[CLS] + BERT’s pooler (exports as BertForSequenceClassification)']] },
  { key: 'label_smoothing', label: 'Label smoothing', when: task('classification') },
  { key: 'class_weights', label: 'Class weights', kind: 'weights', when: task('classification') },
  { key: 'threshold', label: 'Label threshold', when: task('multi_label') },
  { key: 'early_stopping', label: 'Early stopping on', kind: 'monitor', options: [['', 'off']] },
  { key: 'patience', label: 'Patience', int: true, when: (c) => Boolean(c.early_stopping) },
];

/** The Advanced section: { details, controls } — `changed` runs after any edit. */
export function buildAdvanced(changed) {
  const controls = {};
  const items = CONTROLS.map((spec) => {
    const c = { ...spec };
    let body;
    if (spec.kind === 'select' || spec.kind === 'monitor') {
      c.input = el('select', { name: spec.key, onchange: changed },
        ...(spec.options || []).map(([value, text]) => el('option', { value, text })));
      body = c.input;
    } else if (spec.kind === 'checkbox') {
      c.input = el('input', { type: 'checkbox', name: spec.key, onchange: changed });
      ({ wrap: c.wrap, error: c.error } = field(spec.label, c.input, { inline: true }));
    } else if (spec.kind === 'pair') {
      c.error = el('span', { class: 'field-error', 'aria-live': 'polite' });
      c.inputs = ['β1', 'β2'].map((b) => el('input', { type: 'number', step: 'any', 'aria-label': `Adam ${b}`, oninput: changed }));
      c.wrap = el('fieldset', { class: 'pair' }, el('legend', { text: spec.label }), ...c.inputs, c.error);
    } else if (spec.kind === 'weights') {
      c.input = el('select', { name: spec.key, onchange: changed }, el('option', { value: '', text: 'none (all 1)' }),
        el('option', { value: 'balanced', text: 'balanced (rare classes weigh more)' }), el('option', { value: 'by_class', text: 'by class' }));
      c.perClass = el('div', { class: 'row', hidden: true });
      const f = field(spec.label, c.input);
      c.error = f.error;
      c.wrap = el('div', {}, f.wrap, c.perClass);
    } else {
      c.input = el('input', { type: 'number', name: spec.key, step: spec.int ? 1 : 'any', placeholder: spec.optional, oninput: changed });
      body = c.input;
    }
    if (!c.wrap) ({ wrap: c.wrap, error: c.error } = field(spec.label, body));
    controls[spec.key] = c;
    return c.wrap;
  });
  const details = el('details', { class: 'advanced' }, el('summary', { text: 'Advanced' }),
    el('p', { class: 'note', text: 'Left as they are, these train the default recipe. A field that does not apply to your choices is hidden and not sent.' }),
    el('div', { class: 'row' }, ...items));
  return { details, controls, defaults: null, monitors: null };
}

/** The core's defaults and monitors ({ config, monitors }); fills every control with its default. */
export function setDefaults(adv, { config, monitors }) {
  adv.defaults = config;
  adv.monitors = monitors;
  setValues(adv, config);
}

/** Puts saved settings (or the defaults) into the controls; a key not given takes its default. */
export function setValues(adv, settings) {
  if (!adv.defaults) return;
  for (const [key, c] of Object.entries(adv.controls)) {
    const v = settings[key] !== undefined ? settings[key] : adv.defaults[key];
    if (c.kind === 'checkbox') c.input.checked = Boolean(v);
    else if (c.kind === 'pair') c.inputs.forEach((i, n) => { i.value = v[n]; });
    else if (c.kind === 'weights') {
      c.input.value = v == null ? '' : typeof v === 'string' ? v : 'by_class';
      c.saved = typeof v === 'object' ? v : null;
    } else if (c.kind === 'monitor') setMonitor(c, v ?? '');
    else c.input.value = v ?? '';
  }
}

function setMonitor(c, value) {
  if (![...c.input.options].some((o) => o.value === value)) c.input.append(el('option', { value, text: MONITOR_WORDS[value] || value || 'off' }));
  c.input.value = value;
}

/** One number input per class of the loaded data (class_weights: by class); values kept by name. */
export function setClasses(adv, labels) {
  const c = adv.controls.class_weights;
  const before = Object.fromEntries((c.weightInputs || []).map(([l, i]) => [l, i.value]));
  c.weightInputs = labels.map((l) => [l, el('input', { type: 'number', step: 'any', min: 0, value: before[l] ?? c.saved?.[l] ?? 1,
    'aria-label': `Weight of class ${l}`, oninput: () => c.input.dispatchEvent(new Event('change')) })]);
  c.perClass.replaceChildren(...c.weightInputs.map(([l, i]) => el('label', {}, el('span', { text: l }), i)));
}

/** Shows the controls that apply (for `dataTask`, the task the data suggests); returns the
 *  settings to send, or null when a control holds something that is not a number. */
export function readAdvanced(adv, dataTask) {
  const d = adv.defaults;
  if (!d) return {};
  const cs = adv.controls;
  const taskChoice = cs.task.input.value;
  const current = { optimizer: cs.optimizer.input.value, schedule: cs.schedule.input.value,
    task: taskChoice === 'auto' ? dataTask || 'classification' : taskChoice, early_stopping: cs.early_stopping.input.value };
  if (adv.monitorTask !== current.task) {
    // the metrics this task measures; one chosen before that it does not stays: the core says why
    adv.monitorTask = current.task;
    const chosen = cs.early_stopping.input.value;
    cs.early_stopping.input.replaceChildren(el('option', { value: '', text: 'off' }),
      ...(adv.monitors?.[current.task] || []).map((m) => el('option', { value: m, text: MONITOR_WORDS[m] || m })));
    setMonitor(cs.early_stopping, chosen);
  }
  const config = {};
  let ok = true;
  for (const [key, c] of Object.entries(cs)) {
    const applies = !c.when || c.when(current);
    c.wrap.hidden = !applies;
    if (c.kind === 'weights') c.perClass.hidden = c.input.value !== 'by_class';
    let problem = '';
    let value;
    if (c.kind === 'checkbox') value = c.input.checked;
    else if (c.kind === 'select') value = c.input.value;
    else if (c.kind === 'monitor') value = c.input.value || null;
    else if (c.kind === 'pair') {
      value = c.inputs.map((i, n) => (i.value.trim() === '' ? d.betas[n] : Number(i.value)));
      if (!value.every(Number.isFinite)) problem = 'enter two numbers';
    } else if (c.kind === 'weights') {
      value = c.input.value || null;
      if (value === 'by_class') {
        const entries = (c.weightInputs || []).map(([l, i]) => [l, Number(i.value)]);
        if (entries.some(([, w]) => !Number.isFinite(w))) problem = 'enter a number for every class';
        const named = entries.filter(([, w]) => w !== 1);
        value = named.length ? Object.fromEntries(named) : null;
      }
    } else {
      const text = c.input.value.trim();
      value = text === '' ? d[key] : Number(text);
      if (text !== '' && !Number.isFinite(value)) problem = 'enter a number';
      else if (c.int && value != null && !Number.isInteger(value)) problem = 'must be a whole number';
    }
    c.error.textContent = problem;
    (c.input || c.inputs[0]).setAttribute('aria-invalid', problem ? 'true' : 'false');
    if (problem && applies) ok = false;
    if (applies && !problem && JSON.stringify(value) !== JSON.stringify(d[key])) config[key] = value;
  }
  return ok ? config : null;
}

/** The setting a core message names ("momentum = 2 must be…", "training settings: optimizer:
 *  unknown variant…"), or null. */
export function settingKey(message) {
  return /^(?:training settings: )?([a-z][a-z0-9_]*)\b/.exec(message)?.[1] ?? null;
}

/** Shows a refused setting's message at its control — a basic field (`fields`) or an Advanced
 *  one, opening the section; false if the message names none. */
export function showSettingError(fields, adv, message) {
  const key = settingKey(message);
  const c = fields[key] || adv.controls[key];
  if (!c) return false;
  c.error.textContent = message;
  (c.input || c.inputs[0]).setAttribute('aria-invalid', 'true');
  if (adv.controls[key]) adv.details.open = true;
  return true;
}
