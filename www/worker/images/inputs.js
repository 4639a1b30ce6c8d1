// Images to predict on, prepared in the worker the way the fine-tuned image model trained.
import { decodeBytes, rgbAt, toMaster } from './decode.js';
import { rulesReady } from './problems.js';

/** Images to predict ([{ frame: ImageBitmap } | { bytes, name }]) as the session's inputs: each
 *  cropped and scaled as the fine-tuned image model trained, [{ rgb, width, height }]. */
export async function imageInputs(session, items) {
  const size = session.state().image?.model?.image_size;
  if (!size) throw new Error('no fine-tuned image model yet: train one first');
  await rulesReady();
  const out = [];
  for (const item of items) {
    // a webcam frame (ImageBitmap) or an image file's bytes
    const master = item.frame ? await toMaster('webcam frame', item.frame) : await decodeBytes(item.name || 'image', new Uint8Array(item.bytes));
    out.push({ rgb: rgbAt(master, size), width: size, height: size });
    master.close();
  }
  return out;
}
