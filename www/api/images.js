// Tabtune's image calls (types in ../images.d.ts): the worker decodes, resizes and keeps the
// images (www/worker/images/); every images call resolves with `data`, what the worker then holds:
// { images, classes: [{ name, count }], image_size }. Tabtune (../tabtune.js) extends this class.
import { blobs, toBytes } from './bytes.js';
import { CALL, WorkerClient } from './worker-client.js';

export class ImageCalls extends WorkerClient {
  /** Files and zips: File objects (a folder pick's webkitRelativePath is the path) or { path,
   *  file }. The class is each file's parent folder, a zip's labels.csv, or options.label for all.
   *  Resolves { added: [{ id, name, label, thumb (a JPEG Blob) }], problems: [{ name, message }],
   *  data }; a file that fails is a problem, the others are kept. on_progress({ done, total }). */
  addImages(files, { label, on_progress } = {}) {
    const items = Array.from(files, (f) => (f instanceof Blob ? { name: f.webkitRelativePath || f.name, file: f } : { name: String(f.path), file: f.file }));
    return this[CALL]({ type: 'imagesAdd', items, label }, { on_progress });
  }

  /** Webcam frames (ImageBitmaps, handed over to the worker) into class `label`; as addImages. */
  addFrames(frames, label) {
    return this[CALL]({ type: 'imagesAdd', frames, label }, {}, frames);
  }

  /** Removes images by the ids addImages gave. */
  removeImages(ids) { return this[CALL]({ type: 'imagesRemove', ids: Array.from(ids) }); }

  /** Renames class `from` (to an existing class: merges them). */
  renameClass(from, to) { return this[CALL]({ type: 'imagesRenameClass', from, to }); }

  /** Removes every image of class `label`; resolves { removed (ids), data }. */
  removeClass(label) { return this[CALL]({ type: 'imagesRemoveClass', label }); }

  /** The side of the square RGB images the worker assembles (16–224; the page offers 96–224). */
  setImageSize(image_size) { return this[CALL]({ type: 'imagesSize', image_size }); }

  /** Removes every image. */
  clearImages() { return this[CALL]({ type: 'imagesClear' }); }

  /** @deprecated use loadModel(url | { config, weights }): it loads any kind. The image model
   *  every image run starts from (default: the app's EfficientNet-Lite0); rejects a text model.
   *  Resolves { kind: 'image', blocks, image_size, classes, fingerprint }. */
  loadImageModel(source, { on_progress } = {}) {
    if (source == null || typeof source === 'string' || source instanceof URL) {
      const base = source == null ? undefined : new URL(String(source), globalThis.location?.href).href;
      return this[CALL]({ type: 'loadImageModel', base }, { on_progress });
    }
    const { config, weights } = source;
    if (!config || !weights) return Promise.reject(new Error('loadImageModel needs a base URL or { config, weights } ArrayBuffers'));
    return this[CALL]({ type: 'loadImageModel', files: { config, weights } }, { on_progress });
  }

  /** @deprecated use predict(image): the same answer, { label, probs, ms }. */
  async predictImage(input) {
    const [item, transfer] = await imageItem(input);
    return this[CALL]({ type: 'predictImage', ...item }, {}, transfer);
  }

  /** @deprecated use exportModel({ format, kind: 'image' }). format 'hf' (default): its folder,
   *  { 'config.json', 'model.safetensors' }; 'onnx': { 'model.onnx' } (docs/onnx.md). */
  async exportImageModel({ format = 'hf' } = {}) {
    return blobs(await this[CALL]({ type: 'exportImage', format: String(format) }));
  }
}

/** Whether `x` is an image predict() takes: an ImageBitmap (a webcam frame, handed over),
 *  ImageData, or an image file (File, Blob, ArrayBuffer, typed array). */
export const isImage = (x) => (globalThis.ImageBitmap && x instanceof ImageBitmap) || (globalThis.ImageData && x instanceof ImageData)
  || x instanceof Blob || x instanceof ArrayBuffer || ArrayBuffer.isView(x);

/** One image as the worker takes it: [{ frame } | { bytes, name }, what to transfer]. */
export async function imageItem(input) {
  if (globalThis.ImageData && input instanceof ImageData) input = await createImageBitmap(input);
  if (globalThis.ImageBitmap && input instanceof ImageBitmap) return [{ frame: input }, [input]];
  const bytes = await toBytes(input);
  return [{ bytes, name: input?.name }, [bytes]];
}
