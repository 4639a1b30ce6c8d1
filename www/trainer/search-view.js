// The Find settings panel's results: the table of finished runs (ranked by the chosen metric, as
// the worker reported them) and a small chart of the metric against the learning rate, one line
// per combination of the other grid values. Text reaches the DOM through textContent only.
import uPlot from '../node_modules/uplot/dist/uPlot.esm.js';
import { PALETTE } from './styles.js';
import { el, formatSeconds } from './dom.js';

const num = (v) => (v == null ? '–' : Number(v).toPrecision(3));
const show = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

/** Results best first by their score (the metric's mean; a run without one last), as the core
 *  ranks them; ties keep the run order. */
export function rank(results, higherIsBetter) {
  const key = (r) => (r.score == null ? Infinity : higherIsBetter ? -r.score : r.score);
  return [...results].sort((a, b) => key(a) - key(b) || a.run - b.run);
}

/** The grid's keys, in the plan's order. */
export const gridKeys = (plan) => Object.keys(plan?.runs?.[0] || {});

/** The results table; `train(result)` runs when its "Train with these settings" is pressed. */
export function resultsTable(plan, ranked, train) {
  const keys = gridKeys(plan);
  const cv = plan.folds >= 2;
  const head = ['Rank', ...keys, `${plan.metric} (${cv ? `mean ± std over ${plan.folds} folds` : 'validation'})`, 'Seconds', ''];
  const rows = ranked.map((r, i) => el('tr', { 'data-run': r.run },
    el('th', { scope: 'row', text: String(i + 1) }),
    ...keys.map((k) => el('td', { text: show(r.values[k]) })),
    el('td', { 'data-score': r.score, text: cv ? `${num(r.mean[plan.metric])} ± ${num(r.std[plan.metric])}` : num(r.score) }),
    el('td', { text: r.seconds < 10 ? `${r.seconds.toFixed(1)} s` : formatSeconds(r.seconds) }),
    el('td', {}, el('button', { class: 'secondary', type: 'button', text: 'Train with these settings',
      'aria-label': `Train with the settings ranked ${i + 1}`, onclick: () => train(r) }))));
  return el('table', { class: 'search-results' },
    el('caption', { text: `Finished runs, best first by ${plan.metric} (${plan.higher_is_better ? 'higher' : 'lower'} is better)` }),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows));
}

/** Draws the metric against lr into `host` (made anew each time: the series change with the
 *  results). host.plotData holds what is drawn, for tests and assistive tools. */
export function metricChart(host, plan, results) {
  host.plot?.destroy();
  host.plot = null;
  const keys = gridKeys(plan).filter((k) => k !== 'lr');
  const lrOf = (r) => Number(r.config?.lr ?? r.values.lr);
  const xs = [...new Set(results.map(lrOf))].filter(Number.isFinite).sort((a, b) => a - b);
  const groups = [...new Set(results.map((r) => keys.map((k) => `${k} ${show(r.values[k])}`).join(', ')))].slice(0, PALETTE.length);
  const ys = groups.map((g) => xs.map((x) => results.find((r) => lrOf(r) === x && keys.map((k) => `${k} ${show(r.values[k])}`).join(', ') === g)?.score ?? null));
  const data = [xs, ...ys];
  host.plotData = data;
  host.dataset.points = results.length;
  if (!xs.length) return;
  const axis = { stroke: '#111', grid: { stroke: '#ddd' }, font: '14px system-ui', labelFont: 'bold 14px system-ui' };
  host.plot = new uPlot({
    title: `${plan.metric} against the learning rate`, width: Math.max(260, host.clientWidth || 420), height: 200,
    // learning rates span decades: a log axis keeps 1e-4 and 1e-2 apart
    scales: { x: { time: false, distr: xs.length > 1 && xs[0] > 0 ? 3 : 1 } },
    axes: [{ ...axis, label: 'learning rate', values: (u, t) => t.map((v) => (v == null ? '' : v.toExponential(0))) }, { ...axis, label: plan.metric, size: 60 }],
    series: [{ label: 'lr' }, ...groups.map((g, i) => ({ label: g || plan.metric, stroke: PALETTE[i], width: 2, spanGaps: true, points: { show: true, size: 8 } }))],
    legend: { live: false },
  }, data, host);
}
