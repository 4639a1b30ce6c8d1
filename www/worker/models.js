// Models of any kind: a model folder (the Hugging Face layout) loaded from a base URL (through the
// Cache API, fetch-file.js) or the page's bytes — config.json says the kind (an image model's
// names an `architecture`), which says the files (tokenizer.json for text) — into the one
// session.load_model; predictions for texts or images through the one session.predict; the
// export of either kind.
import { fetchFile } from './fetch-file.js';
import { imageInputs } from './images/inputs.js';
import { engine, post } from './state.js';

const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x));

/** Whether config.json's bytes describe an image model (it names an `architecture`). */
function isImageConfig(config) {
  try { return typeof JSON.parse(new TextDecoder().decode(bytes(config))).architecture === 'string'; } catch { return false; }
}

function wanted(want, config) {
  if (want === 'image' && !isImageConfig(config)) throw new Error('loadImageModel needs an image model (its config.json names an architecture): use loadModel for a text model');
}

/** msg: { id, base } (a URL) or { id, files: { config, weights, tokenizer? } }, and `want`:
 *  'image' refuses any other kind before loading it; resolves the model's description, whose
 *  `kind` says what it is. */
export async function loadModel(msg) {
  let files = msg.files;
  if (!files) {
    const base = msg.base.endsWith('/') ? msg.base : msg.base + '/';
    const get = (name) => fetchFile(base + name, (loaded, total, cached, cache_error) =>
      post({ id: msg.id, type: 'progress', phase: 'download', file: name, loaded, total, cached, cache_error }));
    files = { config: await get('config.json') };
    wanted(msg.want, files.config);
    files.weights = await get('model.safetensors');
    if (!isImageConfig(files.config)) files.tokenizer = await get('tokenizer.json');
  }
  wanted(msg.want, files.config);
  if (!files.tokenizer && !isImageConfig(files.config)) throw new Error('a text model needs tokenizer.json: loadModel takes a base URL or { config, weights, tokenizer } ArrayBuffers');
  return engine.session.load_model(bytes(files.config), bytes(files.weights), files.tokenizer ? bytes(files.tokenizer) : undefined);
}

/** msg: { texts } or { images: [{ frame } | { bytes, name }], one } (one: a single image in, a
 *  single prediction out, with `ms`). */
export async function predict(msg) {
  const { session } = engine;
  if (!msg.images) return session.predict(msg.texts);
  const t0 = performance.now();
  const images = await imageInputs(session, msg.images);
  if (msg.one) return { ...(await session.predict(images[0])), ms: performance.now() - t0 };
  return session.predict(images);
}

/** msg: { format, kind } (kind left out: the text model, unless only an image model predicts). */
export function exportModel(msg) {
  const { session } = engine;
  let kind = msg.kind;
  if (kind == null) {
    const s = session.state();
    kind = !s.model && s.image?.model ? 'image' : 'text';
  }
  return session.export(msg.format, kind);
}
