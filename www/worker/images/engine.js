// The image task's side of the worker: the image model (downloaded once, kept in the Cache API),
// the image set handed to the session only when a run needs it (the store reports every change,
// webcam frames ten times a second), live prediction of one frame or file, and the export.
import { IMAGE_REQUESTS, imagesCall } from './store.js';
import { rulesReady } from './problems.js';
import { exportModel, loadModel, predict } from '../models.js';

export const IMAGE_MODEL = 'models/efficientnet-lite0/';
export const IMAGE_ENGINE_REQUESTS = [...IMAGE_REQUESTS, 'loadImageModel', 'predictImage', 'exportImage'];

let pending = null; // the latest image set the session has not seen yet
let current = { images: 0, image_size: 224 };

// The store's image set after each change: kept for the next run; the page gets the counts.
function ready(data) {
  pending = data;
  const counts = new Map(data.classes.map((c) => [c, 0]));
  for (const img of data.images) counts.set(img.label, counts.get(img.label) + 1);
  current = { images: data.images.length, classes: [...counts].map(([name, count]) => ({ name, count })), image_size: data.image_size };
  return current;
}

/** Hands the session the image set at the run's `image_size` (the store rescales from its
 *  masters when the run asks for another size); a run that names none trains at the size the
 *  page shows. Returns the config with image_size set. */
export async function syncImages(session, config) {
  const image_size = config.image_size ?? current.image_size;
  if (image_size !== current.image_size) await imagesCall({ type: 'imagesSize', image_size }, ready, () => {});
  if (pending) handOver(session);
  return { ...config, image_size };
}

function handOver(session) {
  const { classes, images, image_size: size } = pending;
  const one = size * size * 3;
  const rgb = new Uint8Array(one * images.length);
  images.forEach((img, i) => rgb.set(img.rgb, i * one));
  const index = new Map(classes.map((c, i) => [c, i]));
  session.set_images(classes, images.map((i) => i.name), new Uint32Array(images.map((i) => index.get(i.label))), size, rgb);
  pending = null;
}

/** msg: an image request of the store, or loadImageModel / predictImage / exportImage. */
export async function imageEngineCall(session, msg, { post, idle }) {
  await rulesReady();
  const progress = (p) => post({ id: msg.id, type: 'progress', ...p });
  switch (msg.type) {
    case 'loadImageModel': {
      idle('loading another image model');
      // the deprecated name: loadModel with the app's image model as the default
      const base = String(msg.base ?? new URL(`../../${IMAGE_MODEL}`, import.meta.url));
      return loadModel({ ...msg, base: msg.files ? undefined : base, want: 'image' });
    }
    // the deprecated names: predict with one image, export of kind 'image'
    case 'predictImage': return predict({ images: [msg], one: true });
    case 'exportImage': {
      if (![undefined, 'hf', 'onnx'].includes(msg.format)) throw new Error(`an image model exports as 'hf' (its folder) or 'onnx', not '${msg.format}'`);
      return exportModel({ format: msg.format, kind: 'image' });
    }
    default: return imagesCall(msg, ready, progress);
  }
}
