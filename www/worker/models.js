// Models of any kind: a model folder (the Hugging Face layout) loaded from a base URL (through the
// Cache API, fetch-file.js) or the page's bytes — config.json says the kind, which says the files
// (the core's table: tokenizer.json for text, melspectrogram.onnx for sound) — into the one
// session.load_model; predictions for texts, images or sounds through the one session.predict;
// the export of any kind.
import { model_files } from '../pkg/tabtune.js';
import { fetchFile } from './fetch-file.js';
import { imageInputs } from './images/inputs.js';
import { poolPredict } from './predict-pool.js';
import { engine, post } from './state.js';

const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x));

/** Whether config.json's bytes describe an image model (the core's table, model_files). */
const isImageConfig = (config) => model_files(bytes(config)).kind === 'image';

function wanted(want, config) {
  if (want === 'image' && !isImageConfig(config)) throw new Error('loadImageModel needs an image model (its config.json names an architecture): use loadModel for a text model');
}

/** msg: { id, base } (a URL) or { id, files: { config, weights, tokenizer? } }, and `want`:
 *  'image' refuses any other kind before loading it; resolves the model's description, whose
 *  `kind` says what it is. */
export async function loadModel(msg) {
  if (msg.files) return load(msg.files, msg.want);
  const base = msg.base.endsWith('/') ? msg.base : msg.base + '/';
  const first = await download(msg, base, false);
  // files kept by an earlier visit and files fetched now may be of two versions of the model:
  // a mixed set, or a kept set the engine refuses, is fetched again as one set
  if (!first.stored.length) return load(first.files, msg.want);
  // (download already refused a config of the wrong kind: what fails here is the files themselves)
  if (first.stored.length === first.names.length) {
    try { return load(first.files, msg.want); } catch { /* fetched again below */ }
  }
  return load((await download(msg, base, true)).files, msg.want);
}

/** The model folder's files from `base` (`fresh`: none from the Cache API): { files, names,
 *  stored (the names that came from the cache) }. */
async function download(msg, base, fresh) {
  const stored = [];
  const get = (name) => fetchFile(base + name, (loaded, total, cached, cache_error) => {
    if (cached) stored.push(name);
    post({ id: msg.id, type: 'progress', phase: 'download', file: name, loaded, total, cached, cache_error });
  }, { fresh });
  const files = { config: await get('config.json') };
  wanted(msg.want, files.config);
  // the kind's files (model_files: the core's table): text adds tokenizer.json, sound
  // melspectrogram.onnx; a sound base keeps its weights as its package ships them
  const { files: names, weights } = model_files(files.config);
  for (const [i, name] of weights.entries()) {
    try {
      files.weights = await get(name);
      break;
    } catch (e) {
      if (i === weights.length - 1) throw e;
    }
  }
  if (names[2]) files.third = await get(names[2]);
  // the folder's model card, when it has one: its id and licence go into the fine-tuned
  // model's card (a folder without one still loads)
  files.readme = await get('README.md').catch(() => undefined);
  if (!files.readme) delete files.readme;
  return { files, names: Object.keys(files), stored };
}

function load(files, want) {
  wanted(want, files.config);
  const third = files.third ?? files.tokenizer ?? files.melspectrogram;
  const { kind, files: names } = model_files(bytes(files.config));
  if (!third && names[2]) throw new Error(`a ${kind === 'audio' ? 'sound' : kind} model needs ${names[2]}: loadModel takes a base URL or { config, weights, ${kind === 'audio' ? 'melspectrogram' : 'tokenizer'} } ArrayBuffers`);
  const readme = files.readme ? new TextDecoder().decode(bytes(files.readme)) : undefined;
  const model = engine.session.load_model(bytes(files.config), bytes(files.weights), third ? bytes(third) : undefined, readme);
  engine.modelBytes = files.weights.byteLength;
  return model;
}

/** msg: { texts }, { images: [{ frame } | { bytes, name }], one } or { sounds: [{ samples,
 *  sample_rate, channels? }], one } (one: a single image or sound in, a single prediction out,
 *  with `ms`). */
export async function predict(msg) {
  const { session } = engine;
  // many texts: every core takes a share (predict-pool.js); `alone` (a test and bench hook): this
  // worker only, for the figures the pool is held against
  if (msg.sounds) {
    const t0 = performance.now();
    if (msg.one) return { ...(await session.predict(msg.sounds[0])), ms: performance.now() - t0 };
    return session.predict(msg.sounds);
  }
  if (!msg.images) return (await poolPredict(msg.texts, { alone: msg.alone })) ?? session.predict(msg.texts);
  const t0 = performance.now();
  const images = await imageInputs(session, msg.images);
  if (msg.one) return { ...(await session.predict(images[0])), ms: performance.now() - t0 };
  return session.predict(images);
}

/** msg: { bytes, options, alone }: the text model's metrics on a labelled file; a long file's
 *  logits on every core (as predict), scored here. */
export async function evaluate(msg) {
  const { session } = engine;
  const bytes = new Uint8Array(msg.bytes);
  const texts = session.evaluate_texts(bytes, msg.options);
  // a model without a head is refused by evaluate itself, in its words
  const rows = session.state().model?.labels?.length ? await poolPredict(texts, { alone: msg.alone, logits: true }) : null;
  if (!rows) return session.evaluate(bytes, msg.options);
  const width = rows[0]?.length ?? 0;
  const flat = new Float32Array(rows.length * width);
  rows.forEach((r, i) => flat.set(r, i * width));
  return session.evaluate_logits(bytes, msg.options, flat, width);
}

/** msg: { bytes, options }: each text of the file with its prediction, { text, label, probs, … }
 *  (a long file on every core, as predict). */
export async function predictFile(msg) {
  const { session } = engine;
  const texts = session.file_texts(new Uint8Array(msg.bytes), msg.options);
  const preds = (await poolPredict(texts)) ?? (await session.predict(texts));
  return preds.map((p, i) => ({ ...p, text: texts[i] }));
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
