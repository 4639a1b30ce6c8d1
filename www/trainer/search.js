// <tabtune-trainer>'s "Find settings" panel: a grid over comma-separated values of lr, layers,
// epochs and strategy (the rest from the current settings), on the validation split or k folds,
// ranked by a chosen metric. It runs tt.search in the worker (which holds the run slot), shows
// progress with an ETA, a live table and a chart, and trains any row's settings in one click.
import { MONITOR_WORDS } from './advanced.js';
import { headline } from './charts.js';
import { metricChart, rank, resultsTable } from './search-view.js';
import { el, field, formatSeconds } from './dom.js';

// key, label, how one value is read (a number, a whole number or 'all', a word)
const GRID = [
  ['lr', 'Learning rates to try', (t) => Number(t), (v) => Number.isFinite(v) && v > 0, 'numbers above 0, e.g. 1e-4, 3e-4'],
  ['layers', 'Trainable layers to try', (t) => (t === 'all' ? t : Number(t)), (v) => v === 'all' || (Number.isInteger(v) && v >= 0), 'whole numbers or all, e.g. 1, 2'],
  ['epochs', 'Epochs to try', (t) => Number(t), (v) => Number.isInteger(v) && v >= 1, 'whole numbers of at least 1, e.g. 1, 3'],
  ['strategy', 'Strategies to try', (t) => t, (v) => v === 'standard' || v === 'contrastive', 'standard and/or contrastive'],
];

/** The panel: { section, run, … }. `host` gives tt(), settings() (the current config or null),
 *  busy(on) and trainWith(config). */
export function buildSearch(host) {
  const p = { host, fields: {}, results: [], plan: null, runId: null };
  const wraps = GRID.map(([key, label, , , hint]) => {
    const input = el('input', { type: 'text', name: `search-${key}`, size: 16, placeholder: hint, oninput: () => { f.edited = true; } });
    const { wrap, error } = field(label, input);
    const f = { input, error, edited: false };
    p.fields[key] = f;
    return wrap;
  });
  p.folds = el('input', { type: 'number', name: 'folds', min: 0, step: 1, value: 0 });
  const folds = field('Folds (0 = the validation split; 2 or more = k-fold cross-validation)', p.folds);
  p.foldsError = folds.error;
  p.metric = el('select', { name: 'metric' });
  p.run = el('button', { type: 'button', disabled: true, text: 'Run search', onclick: () => runSearch(p) });
  p.cancel = el('button', { class: 'secondary', type: 'button', disabled: true, text: 'Cancel search', onclick: () => p.runId && host.tt()?.cancel(p.runId) });
  p.bar = el('progress', { value: 0, max: 1, 'aria-label': 'Search progress' });
  p.progress = el('p', { 'aria-live': 'polite' });
  p.error = el('p', { class: 'error', role: 'alert' });
  p.table = el('div', { class: 'wide', 'aria-live': 'polite' }); // its rows' buttons reach it by keyboard
  p.chart = el('div', { 'data-chart': 'search' });
  // opens in place at the end of the Train panel (layout.js)
  p.section = el('details', { class: 'search' }, el('summary', { text: 'Find settings' }),
    el('p', { class: 'note', text: 'Trains once for every combination of the values below (separate values with commas); every other setting is as in Settings. The best run comes first.' }),
    el('div', { class: 'row' }, ...wraps, folds.wrap, el('label', {}, 'Rank by', p.metric)),
    el('div', { class: 'row' }, p.run, p.cancel), p.bar, p.progress, p.error, p.table, p.chart);
  return p;
}

/** Keeps the fields the user has not edited in step with Settings, and the metrics with the task. */
export function syncSearch(p, config, task, monitors) {
  for (const [key, f] of Object.entries(p.fields)) {
    if (!f.edited && config && config[key] !== undefined) f.input.value = String(config[key]);
    if (!f.edited && key === 'strategy' && config) f.input.value = config.strategy || 'standard';
  }
  const names = monitors?.[task] || [];
  if (p.metricTask !== task && names.length) {
    p.metricTask = task;
    p.metric.replaceChildren(...names.map((m) => el('option', { value: m, text: MONITOR_WORDS[m] || m })));
    p.metric.value = headline(task)[0];
  }
}

/** The grid and the single values (which go to base), or null with each problem at its field. */
function readGrid(p) {
  const grid = {}, single = {};
  let ok = true;
  for (const [key, , parse, valid, hint] of GRID) {
    const f = p.fields[key];
    const texts = f.input.value.split(',').map((t) => t.trim()).filter(Boolean);
    const values = texts.map(parse);
    const bad = texts.filter((t, i) => !valid(values[i]));
    f.error.textContent = bad.length ? `“${bad.join(', ')}” ${bad.length === 1 ? 'is' : 'are'} not allowed here: enter ${hint}` : '';
    f.input.setAttribute('aria-invalid', bad.length ? 'true' : 'false');
    if (bad.length) ok = false;
    if (values.length > 1) grid[key] = [...new Set(values)];
    else if (values.length === 1) single[key] = values[0];
  }
  const folds = Number(p.folds.value);
  const foldsBad = !Number.isInteger(folds) || folds < 0 || folds === 1;
  p.foldsError.textContent = foldsBad ? 'enter 0 (use the validation split) or a whole number of at least 2' : '';
  return ok && !foldsBad ? { grid, single, folds } : null;
}

function draw(p) {
  const ranked = rank(p.results, p.plan.higher_is_better);
  p.table.replaceChildren(resultsTable(p.plan, ranked, (r) => p.host.trainWith(r.config)));
  metricChart(p.chart, p.plan, p.results);
}

function progressText(p, e) {
  if (e.phase === 'cancelling') return 'Cancelling: the step in flight finishes, then the search stops; finished runs are kept.';
  const where = `Training ${e.training} of ${e.trainings} (run ${e.run + 1}${e.fold != null ? `, fold ${e.fold + 1}` : ''})`;
  const eta = e.eta_s != null ? ` · ETA ${formatSeconds(e.eta_s)}` : '';
  if (e.phase === 'prepare') return `${where}: running the frozen layers, ${e.done} of ${e.total} rows${eta}`;
  if (e.phase === 'step') return `${where}: step ${e.step} of ${e.total_steps}${eta}`;
  return `${where}: starting${eta}`;
}

async function runSearch(p) {
  const { host } = p;
  const parsed = readGrid(p);
  const config = host.settings();
  if (!config) p.error.textContent = 'Some settings above are not valid: fix them first (each says what is wrong).';
  if (!parsed || !config) return;
  p.error.textContent = '';
  const base = { ...config, ...parsed.single };
  for (const key of Object.keys(parsed.grid)) delete base[key];
  p.results = [];
  p.table.replaceChildren();
  p.run.disabled = true;
  p.cancel.disabled = false;
  host.busy(true);
  const hooks = {
    on_start: ({ run_id, plan }) => { p.runId = run_id; p.plan = plan; p.bar.max = 1; p.bar.value = 0; },
    on_progress: (e) => {
      p.progress.textContent = progressText(p, e);
      if (e.steps_total) { p.bar.max = e.steps_total; p.bar.value = e.steps_done; }
    },
    on_result: ({ result }) => { p.results.push(result); draw(p); },
  };
  try {
    const r = await host.tt().search({ grid: parsed.grid, base, folds: parsed.folds, metric: p.metric.value || undefined }, hooks);
    p.plan = r.plan;
    p.results = r.results; // the worker's final ranking
    draw(p);
    const n = r.results.length, of = r.plan.runs.length;
    p.progress.textContent = r.cancelled ? `Cancelled: ${n} of ${of} runs had finished; they are kept below.`
      : `Done: ${n} ${n === 1 ? 'run' : 'runs'} in ${formatSeconds(r.seconds)}; the frozen layers ran ${r.prefix_passes} ${r.prefix_passes === 1 ? 'time' : 'times'}.`;
    if (!r.cancelled) p.bar.value = p.bar.max;
  } catch (e) {
    p.error.textContent = e.message || String(e);
  } finally {
    p.runId = null;
    p.cancel.disabled = true;
    host.busy(false);
  }
}
