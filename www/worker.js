// The module worker that owns the wasm and all heavy work; the page only posts messages.
// In:  { id, type: 'init'|'loadModel'|'loadData'|'train'|'evaluate'|'predict'|'export', ... }
//      and { type: 'cancel' } (no id: it answers through the train request).
// Out: { id, type: 'result'|'error'|'progress'|'step'|'epoch'|'done'|'cancelled', ... }.
import init, { Session, ctor_runs } from './pkg/tabtune.js';

const MODEL_CACHE = 'tabtune-models-v1';
const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];
let session = null;
let cancelRequested = false;

// cubecl's WGSL may `enable subgroups;`, which wgpu's WebGPU backend never requests: ask for it
// whenever the adapter has it, or such shaders fail and training silently goes wrong.
if (self.GPUAdapter) {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = function (desc = {}) {
    const features = new Set(desc.requiredFeatures || []);
    if (this.features.has('subgroups')) features.add('subgroups');
    return requestDevice.call(this, { ...desc, requiredFeatures: [...features] });
  };
}

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
// Yields to the event loop so 'cancel' and progress messages get through between steps.
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function chooseBackend(wanted) {
  const cpu = { kind: 'cpu', adapter: 'CPU (WebAssembly, burn flex)' };
  if (wanted === 'cpu') return { ...cpu, reason: 'the CPU backend was asked for' };
  let adapter = null;
  try { adapter = self.navigator.gpu ? await self.navigator.gpu.requestAdapter() : null; } catch { adapter = null; }
  const info = adapter?.info || {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  if (wanted === 'webgpu') {
    if (!adapter) throw new Error('WebGPU is not available in this browser (no adapter was found): use backend "cpu" or "auto"');
    return { kind: 'webgpu', adapter: name, reason: 'WebGPU was asked for' };
  }
  if (!adapter) return { ...cpu, reason: 'this browser offers no WebGPU adapter, so the CPU backend runs' };
  if (info.architecture === 'swiftshader' || /swiftshader/i.test(name)) {
    return { ...cpu, reason: `the only WebGPU adapter is a software renderer (${name}), slower than the CPU backend` };
  }
  return { kind: 'webgpu', adapter: name, reason: 'a WebGPU adapter was found' };
}

// A file of the model: from the Cache API when a previous visit stored it, else downloaded
// with progress and stored.
async function fetchFile(url, onProgress) {
  const cache = self.caches ? await self.caches.open(MODEL_CACHE) : null;
  const hit = cache && await cache.match(url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress(bytes.length, bytes.length, true);
    return bytes;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not download ${url}: HTTP ${res.status}; check the model URL (a folder in the Hugging Face layout)`);
  const total = Number(res.headers.get('content-length')) || 0;
  const reader = res.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total, false);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  if (cache) await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

async function loadModel(msg) {
  let files = msg.files;
  if (!files) {
    const base = msg.base.endsWith('/') ? msg.base : msg.base + '/';
    files = {};
    for (const name of FILES) {
      const key = name.split('.')[0] === 'model' ? 'weights' : name.split('.')[0];
      files[key] = await fetchFile(base + name, (loaded, total, cached) =>
        post({ id: msg.id, type: 'progress', phase: 'download', file: name, loaded, total, cached }));
    }
  }
  const bytes = (x) => (x instanceof Uint8Array ? x : new Uint8Array(x));
  return session.load_model(bytes(files.config), bytes(files.weights), bytes(files.tokenizer));
}

async function train(msg) {
  cancelRequested = false;
  const info = session.start_training(msg.config);
  const started = performance.now();
  const epochs = [];
  try {
    post({ id: msg.id, type: 'progress', phase: 'prepare', done: 0, total: info.train_rows + info.val_rows, info });
    for (let p = await session.prepare(); p && !cancelRequested; p = await session.prepare()) {
      post({ id: msg.id, type: 'progress', phase: 'prepare', ...p, info });
      await tick();
    }
    const trainStart = performance.now();
    while (!cancelRequested) {
      const s = await session.step();
      if (!s) break;
      const { epoch_end, ...step } = s;
      const seconds = (performance.now() - trainStart) / 1000;
      post({ id: msg.id, type: 'step', ...step, total_steps: info.total_steps, seconds,
             eta_s: (seconds / s.step) * (info.total_steps - s.step) });
      if (epoch_end) {
        epochs.push(epoch_end);
        post({ id: msg.id, type: 'epoch', ...epoch_end });
      }
      await tick();
    }
  } finally {
    session.finish_training();
  }
  const value = { epochs, cancelled: cancelRequested, info, seconds: (performance.now() - started) / 1000 };
  post({ id: msg.id, type: cancelRequested ? 'cancelled' : 'done', value });
}

async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      await init({ module_or_path: msg.wasmUrl });
      session = new Session();
      const backend = await chooseBackend(msg.backend || 'auto');
      const t0 = performance.now();
      await session.init(backend.kind);
      return { ...backend, init_ms: performance.now() - t0 };
    }
    case 'loadModel': return loadModel(msg);
    case 'loadData': return session.load_data(new Uint8Array(msg.bytes), msg.options);
    case 'train': return train(msg);
    case 'evaluate': return session.evaluate(new Uint8Array(msg.bytes), msg.options);
    case 'predict': return session.predict(msg.texts);
    case 'predictFile': return session.predict_file(new Uint8Array(msg.bytes), msg.options);
    case 'export': return session.export();
    case 'diagnostics': return { ctor_runs: ctor_runs() };
    default: throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'cancel') { cancelRequested = true; return; }
  try {
    const value = await handle(msg);
    if (msg.type !== 'train') post({ id: msg.id, type: 'result', value });
  } catch (e) {
    post({ id: msg.id, type: 'error', message: e && e.message ? e.message : String(e) });
  }
};
