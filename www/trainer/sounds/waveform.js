// A clip's waveform as a small canvas, for its class card: for each of the columns the worker
// measured across the one-second clip (peaks: min then max per column, −1..1), a bar from its
// lowest to its highest sample. The canvas is role=img named by the clip's name (aria-label and
// title): the drawing itself says nothing a screen reader could read.
import { el } from '../dom.js';

const W = 104, H = 44;
// quiet clips are drawn taller (up to ×8) so their shape shows; a loud one fills ~90 % of the height
const FILL = 0.9, MAX_GAIN = 8;

/** A canvas drawing `peaks` (Float32Array of 2 × columns), named `name`. */
export function waveform(peaks, name) {
  const canvas = el('canvas', { width: W, height: H, role: 'img', 'aria-label': name, title: name });
  const g = canvas.getContext('2d');
  const columns = Math.floor((peaks?.length ?? 0) / 2);
  if (!g || !columns) return canvas;
  let loudest = 0;
  for (const v of peaks) loudest = Math.max(loudest, Math.abs(v));
  const gain = Math.min(MAX_GAIN, FILL / Math.max(loudest, 1e-9));
  const y = (v) => (H / 2) * (1 - Math.max(-1, Math.min(1, v * gain)));
  g.fillStyle = '#0072B2';
  const w = W / columns;
  for (let i = 0; i < columns; i++) {
    const top = y(peaks[2 * i + 1]), bottom = y(peaks[2 * i]);
    g.fillRect(i * w, top, Math.max(1, w - 0.25), Math.max(1, bottom - top)); // silence: a 1 px line
  }
  return canvas;
}
