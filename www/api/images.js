// Tabtune's image calls (types in ../images.d.ts): the worker decodes, resizes and keeps the
// images (www/worker/images/); every call resolves with `data`, what the worker then holds:
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

  /** The image model every image run starts from: a base URL holding config.json and
   *  model.safetensors (default: the app's EfficientNet-Lite0) or { config, weights }
   *  ArrayBuffers. Resolves { blocks, image_size, classes, fingerprint }. */
  loadImageModel(source, { on_progress } = {}) {
    if (source == null || typeof source === 'string' || source instanceof URL) {
      const base = source == null ? undefined : new URL(String(source), globalThis.location?.href).href;
      return this[CALL]({ type: 'loadImageModel', base }, { on_progress });
    }
    const { config, weights } = source;
    if (!config || !weights) return Promise.reject(new Error('loadImageModel needs a base URL or { config, weights } ArrayBuffers'));
    return this[CALL]({ type: 'loadImageModel', files: { config, weights } }, { on_progress });
  }

  /** The fine-tuned image model's answer for a webcam frame (an ImageBitmap, handed over) or an
   *  image file (File, Blob, bytes), cropped and scaled as it trained: { label, probs, ms }. */
  async predictImage(input) {
    if (globalThis.ImageBitmap && input instanceof ImageBitmap) return this[CALL]({ type: 'predictImage', frame: input }, {}, [input]);
    const bytes = await toBytes(input);
    return this[CALL]({ type: 'predictImage', bytes, name: input?.name }, {}, [bytes]);
  }

  /** The fine-tuned image model's files as Blobs. format 'hf' (default): its folder,
   *  { 'config.json', 'model.safetensors' }; 'onnx': { 'model.onnx' } (docs/onnx.md). */
  async exportImageModel({ format = 'hf' } = {}) {
    return blobs(await this[CALL]({ type: 'exportImage', format: String(format) }));
  }
}
