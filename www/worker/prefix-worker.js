// A prefix-pool worker: its own wasm instance holding only a run's frozen layers (PrefixRunner).
// It runs them over the chunks of token rows the training worker sends and returns each chunk's
// states as bytes. In:  { id, type: 'init', module } | { id, type: 'load', config, weights } |
// { id, type: 'cache', ids, lens, f16 }.  Out: { id, type: 'result', value } | { id, type: 'error', message }.
import init, { PrefixRunner } from '../pkg/tabtune.js';

let runner = null;

async function handle(msg) {
  switch (msg.type) {
    case 'init': await init({ module_or_path: msg.module }); return true;
    case 'load':
      runner?.free();
      runner = null;
      runner = await PrefixRunner.load(msg.config, msg.weights);
      return true;
    case 'cache':
      if (!runner) throw new Error('this prefix worker has no frozen layers loaded');
      return runner.cache(msg.ids, msg.lens, msg.f16);
    default: throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  try {
    const value = await handle(msg);
    self.postMessage({ id: msg.id, type: 'result', value }, value instanceof Uint8Array ? [value.buffer] : []);
  } catch (e) {
    self.postMessage({ id: msg.id, type: 'error', message: e?.message || String(e) });
  }
};
