// The worker's 'init' request: compile the engine (it needs WebAssembly SIMD), choose the backend
// (backend-choice.js), and on WebGPU check one tiny training step against the CPU backend before
// any real one. Also the WebGPU device hook, installed when this module loads.
import init, { Session } from '../pkg/tabtune.js';
import { simd } from '../node_modules/wasm-feature-detect/dist/esm/index.js';
import { CPU_ADAPTER, decideBackend } from './backend-choice.js';
import { engine, markWasmFailed, markWasmReady, post, slot } from './state.js';

// f32 on a GPU vs the CPU differs by ~1e-6 on the self-check's tiny step; garbage by far more
const SELF_CHECK_TOLERANCE = 1e-3;

// cubecl's WGSL may `enable subgroups;`, which wgpu's WebGPU backend never requests: ask for it
// whenever the adapter has it, or such shaders fail and training silently goes wrong.
if (self.GPUAdapter) {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (desc = {}) {
    const features = new Set(desc.requiredFeatures || []);
    if (this.features.has('subgroups')) features.add('subgroups');
    const device = await requestDevice.call(this, { ...desc, requiredFeatures: [...features] });
    // A lost device (driver reset, GPU process crash, too many tabs) fails every later step:
    // say so at once, so the page can offer to resume from the last checkpoint.
    device.lost.then((info) => {
      if (device !== engine.gpuDevice) return; // one the session no longer uses (after a failed self-check)
      if (slot.run) Object.assign(slot.run, { cancelled: true, lost: info.message || info.reason || 'the GPU device was lost' });
      slot.run?.control?.wake(); // a paused run sees it at once
      post({ type: 'device-lost', reason: info.reason, message: info.message || 'the GPU device was lost' });
    });
    engine.gpuDevice = device;
    return device;
  };
}

async function chooseBackend(wanted) {
  let adapter = null;
  if (wanted !== 'cpu') {
    try { adapter = self.navigator.gpu ? await self.navigator.gpu.requestAdapter() : null; } catch { adapter = null; }
  }
  return decideBackend(wanted, adapter);
}

// The engine is built for WebAssembly SIMD; a browser without it cannot run it at all.
async function compileEngine(wasmUrl, noSimd) {
  if (noSimd || !(await simd())) {
    throw new Error('this browser does not support WebAssembly SIMD, which tabtune needs: use a current Chrome, Edge, Firefox or Safari (SIMD may be turned off by a browser flag or policy)');
  }
  const res = await fetch(wasmUrl ?? new URL('../pkg/tabtune_bg.wasm', import.meta.url));
  if (!res.ok) throw new Error(`could not download the engine (tabtune_bg.wasm): HTTP ${res.status}`);
  return res.headers.get('content-type') === 'application/wasm'
    ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
}

/** msg: { backend, prefix_workers, wasmUrl, debug }. Resolves the BackendInfo the page shows. */
export async function startEngine(msg) {
  // test hook: a browser without SIMD
  try {
    engine.wasmModule = await compileEngine(msg.wasmUrl, Boolean(msg.debug?.no_simd));
    engine.memory = (await init({ module_or_path: engine.wasmModule })).memory;
  } catch (err) {
    markWasmFailed(err);
    throw err;
  }
  markWasmReady();
  engine.session = new Session();
  // one worker per core beside this one, at most 4 (each holds a copy of the frozen layers)
  const cores = self.navigator.hardwareConcurrency || 1;
  engine.poolSize = Math.max(0, Math.min(4, msg.prefix_workers ?? cores - 1));
  engine.debugDigest = Boolean(msg.debug?.cache_digest);
  let backend = await chooseBackend(msg.backend || 'auto');
  const t0 = performance.now();
  await engine.session.init(backend.kind);
  const init_ms = performance.now() - t0;
  if (backend.kind === 'webgpu') {
    // a shader bug gives silent garbage, not an error: compare one tiny step with the CPU's
    const check = await engine.session.self_check();
    const diff = msg.debug?.corrupt_self_check ? Infinity : Number(check.max_diff); // test hook
    if (!(diff <= SELF_CHECK_TOLERANCE)) {
      engine.session = new Session();
      await engine.session.init('cpu');
      engine.gpuDevice = null; // what happens to the abandoned device is no concern of the CPU session
      const measured = msg.debug?.corrupt_self_check ? 'forced by a test hook' : `largest difference ${check.max_diff}`;
      backend = { kind: 'cpu', adapter: CPU_ADAPTER,
        reason: `WebGPU (${backend.adapter}) computed a test training step differently from the CPU (${measured}), so the CPU backend runs` };
    }
    backend.self_check = { ...check, passed: diff <= SELF_CHECK_TOLERANCE };
  }
  engine.backendKind = backend.kind;
  return { ...backend, init_ms, prefix_workers: backend.kind === 'cpu' ? engine.poolSize : 0 };
}
