// Images for the browser tests, made here rather than stored: PNGs written byte by byte (zlib from
// node), two visually distinct colour classes with a seeded texture, and Chromium's flags for a
// fake camera. images-data.test.mjs and images-train.test.mjs both use them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { NO_WEBGPU_ARGS } from './harness.mjs';

// the fake camera (a moving test pattern) and its permission granted without a prompt
export const CAMERA_ARGS = [...NO_WEBGPU_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

const CRC = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const head = Buffer.alloc(8); head.writeUInt32BE(data.length); head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
};
/** An RGB PNG w×h whose pixels are colour(x, y) → [r, g, b]. */
export function png(w, h, colour) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(colour(x, y), y * (w * 3 + 1) + 1 + x * 3);
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
/** A PNG with this IHDR size and no real pixels: what a header check must judge alone. */
export const pngHeader = (w, h) => {
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(7))), chunk('IEND', Buffer.alloc(0))]);
};
// red-ish and blue-ish with a seeded texture, so no two images are the same
const noisy = (base, seed) => (x, y) => base.map((v, i) => Math.max(0, Math.min(255, v + ((x * 31 + y * 17 + seed * 13 + i * 7) % 40) - 20)));
export const red = (i) => png(40 + i, 30, noisy([210, 40, 40], i));
export const blue = (i) => png(30, 40 + i, noisy([40, 60, 210], i));
// The same two colours with a smooth shading instead of pixel noise: what the page's canvas and
// the CLI's bicubic scale alike (a ±20 sawtooth at every pixel is where scalers legitimately
// differ), so page and CLI probabilities can be compared closely. Landscape and portrait.
const shaded = (base, seed) => (x, y) => base.map((v, i) => Math.round(Math.max(0, Math.min(255,
  v + 25 * Math.sin((x + 7 * seed + 5 * i) / 11) + 20 * Math.cos((y - 3 * seed) / 13)))));
export const smoothRed = (i) => png(90 + 3 * i, 70 + i, shaded([200, 50, 45], i));
export const smoothBlue = (i) => png(70 + i, 90 + 3 * i, shaded([45, 65, 200], i));

/** Writes `dir`/red/r0..r(n-1).png and `dir`/blue/b….png (the smooth colours): a folder of class
 *  folders. */
export function writeColours(dir, n) {
  for (const cls of ['red', 'blue']) mkdirSync(join(dir, cls), { recursive: true });
  for (let i = 0; i < n; i++) { writeFileSync(join(dir, 'red', `r${i}.png`), smoothRed(i)); writeFileSync(join(dir, 'blue', `b${i}.png`), smoothBlue(i)); }
}

/** Starts the widget's camera, adds a class named `name` (the first added: "Class 1") and
 *  records `ms` of frames into it. */
export async function recordNewClass(page, w, name, ms) {
  await w.getByRole('button', { name: 'Start the camera' }).click();
  await w.getByText('Camera on').waitFor({ timeout: 10_000 });
  await w.getByRole('button', { name: 'Add class' }).click();
  const field = w.getByRole('textbox', { name: 'Name of class Class 1' });
  await field.fill(name);
  await field.press('Enter');
  await recordFrames(page, w, name, ms);
}

/** Holds class `name`'s "Hold to record" for `ms` with the fake camera on (the widget `w` in
 *  `page`), then waits for the frames grabbed before the release. */
export async function recordFrames(page, w, name, ms) {
  const hold = w.getByRole('region', { name: `Class ${name}` }).getByRole('button', { name: 'Hold to record' });
  const box = await hold.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
  await w.getByText(new RegExp(`^Recorded \\d+ frames into ${name}\\.$`)).waitFor({ timeout: 5_000 }); // said once, when released
  await page.waitForTimeout(300); // frames grabbed just before the release still arrive
}
