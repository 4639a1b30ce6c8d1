// Live charts for <tabtune-trainer>, drawn by uPlot (served from www/node_modules, no CDN): train
// loss per step with validation loss at each epoch's last step on the same axes, the learning
// rate of every step (small, beside it), and the task's validation score per epoch.
import uPlot from '../node_modules/uplot/dist/uPlot.esm.js';
import { PALETTE } from './styles.js';

export const UPLOT_CSS = new URL('../node_modules/uplot/dist/uPlot.min.css', import.meta.url).href;

// steps and epochs are whole numbers: no tick at epoch 1.2
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000];

const axis = { stroke: '#111', grid: { stroke: '#ddd' }, ticks: { stroke: '#999' }, font: '15px system-ui', labelFont: 'bold 15px system-ui' };

function make(host, title, xLabel, series, { height = 240, range = null, values } = {}) {
  const width = Math.max(260, host.clientWidth || 420);
  const opts = {
    title, width, height,
    scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
    axes: [{ ...axis, label: xLabel, incrs: WHOLE }, { ...axis, label: series[0].label, size: 70, ...(values ? { values } : {}) }],
    // spanGaps: validation loss exists at epoch ends only, and is drawn as a line through them
    series: [{ label: xLabel }, ...series.map((s, i) => ({ stroke: PALETTE[i], width: 3, points: { show: true, size: 6 }, spanGaps: true, ...s }))],
    legend: { live: false },
  };
  const data = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, data, host);
  // the charts follow their box's width (projector mode puts each on its own full-width row)
  const fit = new ResizeObserver(() => host.clientWidth && Math.abs(host.clientWidth - plot.width) > 4 && plot.setSize({ width: Math.max(260, host.clientWidth), height }));
  fit.observe(host);
  // data-points lets tests and assistive tools see how much is drawn; plotData, what (tests).
  // The plot redraws once a frame at most: a small model steps hundreds of times a second, and a
  // redraw per step (each over every point so far) would swamp the page.
  let frame = 0;
  const draw = () => {
    host.dataset.points = data[0].length;
    frame ||= requestAnimationFrame(() => { frame = 0; plot.setData(data); });
  };
  host.plotData = data;
  return {
    push(x, ...ys) { data[0].push(x); ys.forEach((y, i) => data[i + 1].push(y)); draw(); },
    /** Sets series `i` at x (the last point when x is it, else a new one). */
    set(x, i, y) {
      if (data[0].at(-1) !== x) { data[0].push(x); data.slice(1).forEach((d) => d.push(null)); }
      data[i + 1][data[0].length - 1] = y;
      draw();
    },
    reset() { data.forEach((d) => (d.length = 0)); draw(); },
    points: () => data[0].length,
    destroy: () => { cancelAnimationFrame(frame); fit.disconnect(); plot.destroy(); },
  };
}

/** The metric the epoch chart draws for a task: [key in val_scores, words, range]. */
export function headline(task) {
  if (task === 'regression') return ['val_r2', 'val R²', null];
  if (task === 'multi_label') return ['val_micro_f1', 'val micro-F1', [0, 1]];
  return ['val_acc', 'val accuracy', [0, 1]];
}

/** The three charts: loss (train per step, series 0; validation, series 1), lr, epochs. */
export function trainingCharts(lossHost, lrHost, epochHost) {
  const charts = {
    loss: make(lossHost, 'Loss (train per step, val per epoch)', 'step', [{ label: 'train loss' }, { label: 'val loss', dash: [8, 4] }]),
    // learning rates like 1e-4 would all read "0" with the default tick labels
    lr: make(lrHost, 'Learning rate per step', 'step', [{ label: 'lr', points: { show: false } }],
      { height: 160, values: (u, ticks) => ticks.map((v) => (v === 0 ? '0' : v.toExponential(1))) }),
    epochs: null,
    /** The epoch chart for `task`'s score (made anew when the task changes), with `epochs` on it. */
    scores(task, epochs = []) {
      const [key, label, range] = headline(task);
      if (charts.scoreLabel !== label) {
        charts.epochs?.destroy();
        charts.scoreLabel = label;
        charts.epochs = make(epochHost, 'Validation score per epoch', 'epoch', [{ label }], { range });
      }
      charts.epochs.reset();
      for (const e of epochs) {
        const v = e.val_scores?.[key] ?? (key === 'val_acc' ? e.val_acc : null); // a run saved before val_scores
        if (v != null) charts.epochs.push(e.epoch, v);
      }
    },
    reset() { charts.loss.reset(); charts.lr.reset(); charts.epochs?.reset(); },
  };
  charts.scores(null);
  return charts;
}
