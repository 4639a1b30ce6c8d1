// The image task's side of the worker: the image model (downloaded once, kept in the Cache API),
// the image set handed to the session only when a run needs it (the store reports every change,
// webcam frames ten times a second), live prediction of one frame or file, and the export.
import { IMAGE_REQUESTS, imagesCall } from './store.js';
import { decodeBytes, rgbAt, toMaster } from './decode.js';
import { fetchFile } from '../fetch-file.js';

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
  const progress = (p) => post({ id: msg.id, type: 'progress', ...p });
  switch (msg.type) {
    case 'loadImageModel': {
      idle('loading another image model');
      let files = msg.files;
      if (!files) {
        const base = String(msg.base ?? new URL(`../../${IMAGE_MODEL}`, import.meta.url));
        const dir = base.endsWith('/') ? base : base + '/';
        files = {};
        for (const [key, name] of [['config', 'config.json'], ['weights', 'model.safetensors']]) {
          files[key] = await fetchFile(dir + name, (loaded, total, cached, cache_error) =>
            progress({ phase: 'download', file: name, loaded, total, cached, cache_error }));
        }
      }
      const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x));
      return session.load_image_model(bytes(files.config), bytes(files.weights));
    }
    case 'predictImage': {
      const t0 = performance.now();
      const size = session.state().image?.model?.image_size;
      if (!size) throw new Error('no fine-tuned image model yet: train one first');
      // a webcam frame (ImageBitmap) or an image file's bytes, cropped and scaled as training saw them
      const master = msg.frame ? await toMaster('webcam frame', msg.frame) : await decodeBytes(msg.name || 'image', new Uint8Array(msg.bytes));
      const rgb = rgbAt(master, size);
      master.close();
      const p = await session.predict_image(rgb, size, size);
      return { ...p, ms: performance.now() - t0 };
    }
    case 'exportImage': return session.export_image(msg.format);
    default: return imagesCall(msg, ready, progress);
  }
}
