// A prefix-pool worker: its own wasm instance holding either a run's frozen layers (PrefixRunner),
// which it runs over the chunks of token rows the training worker sends (each chunk's states back
// as bytes), or the model that predicts (a CPU Session holding its folder), which predicts a share
// of a batch of texts. It holds one of the two at a time (each is a copy of model weights); beside
// the frozen layers it may hold the run's trainable top (PartRunner), which computes the gradients
// of a part of each step's batch.
// In:  { id, type: 'init', module } | { id, type: 'load', config, weights } | { id, type: 'cache',
// ids, lens, f16 } | { id, type: 'loadModel', config, weights, tokenizer } | { id, type: 'predict',
// texts } | { id, type: 'logits', texts } | { id, type: 'loadTop', kind, config, checkpoint, first, outputs } | { id, type: 'grads',
// part, weights }.  Out: { id, type: 'result', value } | { id, type: 'error', message }.
import init, { PartRunner, PrefixRunner, Session } from '../pkg/tabtune.js';

let runner = null;
let predictor = null;
let top = null;

let trapNext = false; // test hook: the next request fails as a trap in the wasm would

async function handle(msg) {
  if (trapNext) { trapNext = false; throw new WebAssembly.RuntimeError('unreachable'); }
  switch (msg.type) {
    case 'debugTrapNext': trapNext = true; return true;
    case 'init': await init({ module_or_path: msg.module }); return true;
    case 'load':
      runner?.free();
      predictor?.free();
      top?.free();
      runner = predictor = top = null;
      runner = await PrefixRunner.load(msg.config, msg.weights);
      return true;
    case 'loadModel': {
      runner?.free();
      predictor?.free();
      top?.free();
      runner = predictor = top = null;
      const session = new Session();
      await session.init('cpu');
      session.load_model(msg.config, msg.weights, msg.tokenizer);
      predictor = session;
      return true;
    }
    case 'predict':
      if (!predictor) throw new Error('this pool worker has no model loaded to predict with');
      return predictor.predict(msg.texts);
    case 'logits':
      if (!predictor) throw new Error('this pool worker has no model loaded to predict with');
      return predictor.logits(msg.texts);
    case 'loadTop':
      top?.free();
      top = null;
      top = await PartRunner.load(msg.kind, msg.config, msg.checkpoint, msg.first, msg.outputs);
      return true;
    case 'grads':
      if (!top) throw new Error('this pool worker has no trainable top loaded');
      top.set_weights(msg.weights);
      return top.grads(msg.part);
    case 'cache':
      if (!runner) throw new Error('this prefix worker has no frozen layers loaded');
      return runner.cache(msg.ids, msg.lens, msg.f16);
    default: throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  try {
    const value = await handle(msg);
    const buffer = ArrayBuffer.isView(value) ? value.buffer : ArrayBuffer.isView(value?.logits) ? value.logits.buffer : null;
    self.postMessage({ id: msg.id, type: 'result', value }, buffer ? [buffer] : []);
  } catch (e) {
    self.postMessage({ id: msg.id, type: 'error', message: e?.message || String(e) });
  }
};
