// The worker's image set: every image the page added (files, zips, webcam frames), each kept as a
// MASTER-px square ImageBitmap plus its RGB8 at the current image_size. After every change the
// whole set is assembled as { classes, images: [{ name, label, width, height, rgb }] } and handed
// to `ready` (the worker's imageDataReady); what it returns goes back to the page, so the counts
// the page shows are the ones the worker holds.
import { collect } from './collect.js';
import { MASTER, decodeBytes, lossless, rgbAt, thumbnail, toMaster } from './decode.js';
import { sortClasses, unreadable } from './problems.js';
import { cleanLabel, removeClass, renameClass } from '../classes.js';

export const IMAGE_REQUESTS = ['imagesAdd', 'imagesRemove', 'imagesRenameClass', 'imagesRemoveClass', 'imagesSize', 'imagesClear'];
export const IMAGE_SIZES = [96, 128, 160, 224];
const MIN_SIZE = 16;
// Each image costs this worker its MASTER² RGBA master (~0.2 MB) and its RGB at the run's size
// (~0.15 MB at 224), and a run copies those pixels twice more (into one buffer, into the wasm):
// ~0.65 MB at 224, so 3,000 images take ~2 GB of a tab that has 4 GB of address space in all.
export const MAX_IMAGES = 3000;
const MB_PER_IMAGE = 0.65;

const images = new Map(); // id → { name, label, master, rgb, size }
let nextId = 1;
let imageSize = 224;

/** One image request (type in IMAGE_REQUESTS); progress({ phase: 'images', done, total }). */
export async function imagesCall(msg, ready, progress) {
  switch (msg.type) {
    case 'imagesAdd': {
      const out = await add(msg, progress);
      return { ...out, data: ready(assemble()) };
    }
    case 'imagesRemove': {
      for (const id of msg.ids || []) drop(id);
      return { data: ready(assemble()) };
    }
    case 'imagesRenameClass': {
      renameClass(images, msg.from, msg.to);
      return { data: ready(assemble()) };
    }
    case 'imagesRemoveClass': {
      const removed = removeClass(images, msg.label, drop);
      return { removed, data: ready(assemble()) };
    }
    case 'imagesSize': {
      const size = Number(msg.image_size);
      if (!Number.isInteger(size) || size < MIN_SIZE || size > MASTER) {
        throw new Error(`image_size must be a whole number of pixels from ${MIN_SIZE} to ${MASTER} (got ${msg.image_size})`);
      }
      imageSize = size;
      return { data: ready(assemble()) };
    }
    case 'imagesClear': {
      [...images.keys()].forEach(drop);
      return { data: ready(assemble()) };
    }
    default: throw new Error(`unknown image request '${msg.type}'`);
  }
}

function drop(id) {
  images.get(id)?.master.close();
  images.delete(id);
}

// msg.items: [{ name, file }] (files, zips); msg.frames: [ImageBitmap] (webcam, msg.label's class).
// A file that fails is a problem of its own; the others are kept.
async function add(msg, progress) {
  const label = msg.label == null ? null : cleanLabel(msg.label);
  const { files, problems, notes } = await collect(msg.items || [], label);
  const total = images.size + files.length + (msg.frames?.length || 0);
  if (total > MAX_IMAGES) {
    msg.frames?.forEach((f) => f.close?.());
    throw new Error(`that would make ${total.toLocaleString('en')} images, about ${Math.round(total * MB_PER_IMAGE).toLocaleString('en')} MB in this tab; `
      + `a tab keeps at most ${MAX_IMAGES.toLocaleString('en')} (~${Math.round(MAX_IMAGES * MB_PER_IMAGE).toLocaleString('en')} MB) so that training does not run out of memory. `
      + `Add fewer (the images you had are kept), or train on the whole folder with the command line: tabtune train --data FOLDER`);
  }
  const added = [];
  // a webcam frame also goes back as a PNG (`source`): the page keeps it to give a new worker
  const keep = async (name, cls, master, frame = false) => {
    const id = nextId++;
    images.set(id, { name, label: cls, master, rgb: null, size: 0 });
    added.push({ id, name, label: cls, thumb: await thumbnail(master), ...(frame ? { source: await lossless(master) } : {}) });
  };
  let last = 0;
  for (const [i, f] of files.entries()) {
    try {
      await keep(f.name, f.label, await decodeBytes(f.name, await f.bytes()));
    } catch (e) {
      problems.push({ name: f.name, message: e.file ? e.message : unreadable(e?.message || e) });
    }
    // a few updates a second: enough to see it move, few enough not to flood the page
    if (performance.now() - last > 250 || i === files.length - 1) { progress({ phase: 'images', done: i + 1, total: files.length }); last = performance.now(); }
  }
  for (const frame of msg.frames || []) {
    const n = nextId;
    try { await keep(`webcam frame ${n}`, label, await toMaster(`webcam frame ${n}`, frame), true); } catch (e) { problems.push({ name: `webcam frame ${n}`, message: e.message }); }
  }
  problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { added, problems, notes };
}

// Classes in the CLI's order (sortClasses), so an image's class index does not depend on which
// file happened to decode first.
function assemble() {
  const classes = sortClasses([...new Set([...images.values()].map((img) => img.label))]);
  const out = [];
  for (const img of images.values()) {
    if (img.size !== imageSize) { img.rgb = rgbAt(img.master, imageSize); img.size = imageSize; }
    out.push({ name: img.name, label: img.label, width: imageSize, height: imageSize, rgb: img.rgb });
  }
  return { classes, images: out, image_size: imageSize };
}
