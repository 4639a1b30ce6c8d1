// Live charts for <tabtune-trainer>, drawn by uPlot (served from www/node_modules, no CDN):
// train loss per step, and validation loss and accuracy per epoch.
import uPlot from '../node_modules/uplot/dist/uPlot.esm.js';
import { PALETTE } from './styles.js';

export const UPLOT_CSS = new URL('../node_modules/uplot/dist/uPlot.min.css', import.meta.url).href;

const axis = { stroke: '#111', grid: { stroke: '#ddd' }, ticks: { stroke: '#999' }, font: '15px system-ui', labelFont: 'bold 15px system-ui' };

function make(host, title, xLabel, series, y2 = null) {
  const width = Math.max(260, host.clientWidth || 420);
  const opts = {
    title, width, height: 240,
    scales: { x: { time: false }, ...(y2 ? { acc: { range: [0, 1] } } : {}) },
    axes: [{ ...axis, label: xLabel }, { ...axis, label: series[0].label }, ...(y2 ? [{ ...axis, scale: 'acc', side: 1, label: y2, grid: { show: false } }] : [])],
    series: [{ label: xLabel }, ...series.map((s, i) => ({ stroke: PALETTE[i], width: 3, points: { show: true, size: 6 }, ...s }))],
    legend: { live: false },
  };
  const data = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, data, host);
  return {
    // data-points lets tests and assistive tools see how much is drawn on the canvas
    push(x, ...ys) { data[0].push(x); ys.forEach((y, i) => data[i + 1].push(y)); plot.setData(data); host.dataset.points = data[0].length; },
    reset() { data.forEach((d) => (d.length = 0)); plot.setData(data); host.dataset.points = 0; },
    points: () => data[0].length,
    resize(w) { plot.setSize({ width: Math.max(260, w), height: 240 }); },
  };
}

/** The two charts inside `host`. */
export function trainingCharts(lossHost, epochHost) {
  return {
    loss: make(lossHost, 'Train loss per step', 'step', [{ label: 'loss' }]),
    epochs: make(epochHost, 'Validation per epoch', 'epoch',
      [{ label: 'val loss' }, { label: 'val accuracy', scale: 'acc', dash: [8, 4] }], 'accuracy'),
  };
}
