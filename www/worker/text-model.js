// The text model (BERT in the Hugging Face layout): its three files from a base URL (through the
// Cache API, fetch-file.js) or as the page's bytes, loaded into the session.
import { fetchFile } from './fetch-file.js';
import { engine, post } from './state.js';

const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

/** msg: { id, base } (a URL) or { id, files: { config, weights, tokenizer } }; resolves ModelInfo. */
export async function loadModel(msg) {
  let files = msg.files;
  if (!files) {
    const base = msg.base.endsWith('/') ? msg.base : msg.base + '/';
    files = {};
    for (const name of FILES) {
      const key = name.split('.')[0] === 'model' ? 'weights' : name.split('.')[0];
      files[key] = await fetchFile(base + name, (loaded, total, cached, cache_error) =>
        post({ id: msg.id, type: 'progress', phase: 'download', file: name, loaded, total, cached, cache_error }));
    }
  }
  const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x));
  return engine.session.load_model(bytes(files.config), bytes(files.weights), bytes(files.tokenizer));
}
