// The teaching view's loss chart: train loss per step and validation loss at each epoch's last
// step on one axis (the gap between them is over-fitting), the learning-rate schedule beside them
// on a second axis, so a class sees the warm-up and decay next to what they do to the loss. Drawn
// by uPlot; it fills its box's width and is made anew with larger type in projector mode.
import uPlot from '../../node_modules/uplot/dist/uPlot.esm.js';
import { PALETTE } from '../styles.js';

const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

export function lossAndLr(host) {
  const data = [[], [], [], []]; // step, train loss, val loss, lr
  let plot = null;
  let big = false;

  function make() {
    plot?.destroy();
    const px = big ? 24 : 15;
    const axis = { stroke: '#000', grid: { stroke: '#ddd' }, ticks: { stroke: '#777' }, font: `${px}px system-ui`, labelFont: `bold ${px}px system-ui`, labelSize: px + 12 };
    const width = Math.max(260, host.clientWidth || 520);
    plot = new uPlot({
      title: 'Loss (train per step, validation per epoch) and learning rate',
      width, height: big ? 420 : 300,
      scales: { x: { time: false }, loss: {}, lr: {} },
      axes: [{ ...axis, label: 'step', incrs: WHOLE },
        { ...axis, scale: 'loss', label: 'loss', size: big ? 90 : 70 },
        // learning rates like 1e-4 would all read "0" with the default tick labels
        { ...axis, scale: 'lr', label: 'learning rate', side: 1, grid: { show: false }, size: big ? 110 : 80,
          values: (u, ticks) => ticks.map((v) => (v === 0 ? '0' : v.toExponential(1))) }],
      series: [{ label: 'step' },
        { label: 'train loss', scale: 'loss', stroke: PALETTE[0], width: big ? 4 : 3, points: { show: false } },
        // spanGaps: validation loss exists at epoch ends only, and is drawn as a line through them
        { label: 'validation loss', scale: 'loss', stroke: PALETTE[5], width: big ? 4 : 3, dash: [10, 5], spanGaps: true, points: { show: true, size: big ? 12 : 8 } },
        { label: 'learning rate', scale: 'lr', stroke: PALETTE[2], width: 2, points: { show: false } }],
      legend: { live: false },
    }, data, host);
    host.dataset.points = data[0].length;
  }
  const draw = () => { plot.setData(data); host.dataset.points = data[0].length; };
  make();
  host.plotData = data; // what is drawn, for tests
  let width = host.clientWidth;
  new ResizeObserver(() => {
    if (host.clientWidth && Math.abs(host.clientWidth - width) > 4) { width = host.clientWidth; plot.setSize({ width: Math.max(260, width), height: big ? 420 : 300 }); }
  }).observe(host);

  return {
    /** A step's train loss (null when not logged) and learning rate. */
    step(step, loss, lr) {
      if (data[0].at(-1) !== step) { data[0].push(step); data[1].push(null); data[2].push(null); data[3].push(null); }
      const i = data[0].length - 1;
      data[1][i] = loss ?? null; data[3][i] = lr;
      draw();
    },
    /** A validation loss at step `step` (an epoch's last). */
    val(step, loss) {
      let i = data[0].lastIndexOf(step);
      if (i < 0) { data[0].push(step); data[1].push(null); data[2].push(null); data[3].push(null); i = data[0].length - 1; }
      data[2][i] = loss;
      draw();
    },
    reset() { data.forEach((d) => (d.length = 0)); draw(); },
    projector(on) { if (big !== on) { big = on; make(); } },
  };
}
