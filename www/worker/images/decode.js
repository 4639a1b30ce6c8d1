// Decoding and resizing in the worker: a file's bytes (or a webcam frame's ImageBitmap) → a square
// RGB8 image. The picture is centre-cropped to a square and scaled to MASTER px once, kept as an
// ImageBitmap; the run's image_size (≤ MASTER) is drawn from that master, so changing the size
// never needs the original files again. Centre-crop-then-scale equals the core's preprocess with
// resize = crop = size (shorter side to size, centre crop), so the core can take these as they are.
import { refusal, sniff } from './sniff.js';
import { damaged, noPixels, rules, tooLargeFile } from './problems.js';

/** The largest image_size the page offers; every image is kept at this size. */
export const MASTER = 224;
const THUMB = 72;

/** A problem with one file: { name, message }. Thrown by decodeFile, shown by the page. */
export class ImageProblem extends Error {
  constructor(file, message) { super(message); this.file = file; }
}

/** bytes (Uint8Array) of file `name` → master ImageBitmap; throws ImageProblem. */
export async function decodeBytes(name, bytes) {
  if (bytes.length > rules().max_file_bytes) throw new ImageProblem(name, tooLargeFile(bytes.length));
  const why = refusal(name, sniff(bytes));
  if (why) throw new ImageProblem(name, why);
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]));
  } catch {
    throw new ImageProblem(name, damaged('the browser could not decode it'));
  }
  return toMaster(name, bitmap);
}

/** A decoded picture (a webcam frame) → master ImageBitmap; closes `bitmap`. */
export async function toMaster(name, bitmap) {
  try {
    const { width: w, height: h } = bitmap;
    if (!(w > 0 && h > 0)) throw new ImageProblem(name, noPixels(w, h));
    const side = Math.min(w, h);
    const canvas = new OffscreenCanvas(MASTER, MASTER);
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, (w - side) / 2, (h - side) / 2, side, side, 0, 0, MASTER, MASTER);
    return canvas.transferToImageBitmap();
  } finally {
    bitmap.close();
  }
}

/** The master drawn at `size`² as RGB8. Alpha is dropped, as the core's RGBA → RGB does (the
 *  canvas premultiplies, so a fully transparent pixel reads back black here). */
export function rgbAt(master, size) {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(master, 0, 0, size, size);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}

/** A small JPEG of the master for the page's grid. */
export function thumbnail(master) {
  const canvas = new OffscreenCanvas(THUMB, THUMB);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(master, 0, 0, THUMB, THUMB);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

/** The master as a PNG: lossless, so the page can give a new worker the same pixels (a webcam
 *  frame has no file the page could read again). */
export function lossless(master) {
  const canvas = new OffscreenCanvas(master.width, master.height);
  canvas.getContext('2d').drawImage(master, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
