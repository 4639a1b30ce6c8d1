// What the worker's request handlers share: the engine (the wasm session and the backend it runs
// on) and the run slot (one training or search at a time, never interleaved; a trajectory check
// keeps model and data as they are too), plus the small helpers every handler uses.

/** session: the wasm Session; wasmModule: the compiled engine, shared with the prefix pool's
 *  workers; backendKind: 'webgpu' | 'cpu'; poolSize / pool: workers that run the frozen prefix
 *  beside this one on the CPU backend (the pool is made at the first run); gpuDevice: the WebGPU
 *  device the session uses; debugDigest: a test hook (the prefix cache's digest);
 *  predictWorkers: the workers that predicted the last batch of texts (predict-pool.js);
 *  trainWorkers / sharedWeights: the workers that trained the last run, and whether its weights
 *  reached the pool through shared memory (train-pool.js). */
export const engine = { session: null, wasmModule: null, backendKind: null, poolSize: 0, pool: null, gpuDevice: null, debugDigest: false, predictWorkers: 1, trainWorkers: 1, sharedWeights: false };

/** run: the run in flight, { id, cancelled, done, search, control, lost } — a training or a
 *  search (which holds the same slot); checking: the device check against PyTorch is running. */
export const slot = { run: null, checking: false };

/** Resolves once the wasm module is initialized (start.js calls markWasmReady), or rejects with
 *  why it could not start (markWasmFailed), so the image rules (images/problems.js) never wait
 *  on an engine that will not come. */
let markReady, markFailed;
export const wasmReady = new Promise((resolve, reject) => { markReady = resolve; markFailed = reject; });
wasmReady.catch(() => {}); // a failed start is reported by 'init' itself; callers see it when they await
export const markWasmReady = () => markReady();
export const markWasmFailed = (err) => markFailed(err);

export const post = (msg, transfer = []) => self.postMessage(msg, transfer);
// Yields to the event loop so 'cancel' and progress messages get through between steps.
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

export const runName = (r) => `${r.search ? 'search' : 'training run'} ${r.id}`;

/** Model and data stay as they are while a run or a trajectory check uses them. */
export function idle(what) {
  if (slot.run) throw new Error(`${runName(slot.run)} is in progress: cancel it (or wait for it to finish) before ${what}`);
  if (slot.checking) throw new Error(`the device check against PyTorch is running: wait for it to finish before ${what}`);
}

// Settings as JSON has them: a key set to undefined is left out (the core's default), not null.
export const plain = (config) => (config == null ? config : JSON.parse(JSON.stringify(config)));

// The frozen-prefix cache's budget, unless the caller set one: a quarter of what the browser
// says the device has (navigator.deviceMemory, in GB, at most 8), at most 1 GB — a wasm32 tab
// has 4 GB of address space in all, the model and the page included.
export function withBudget(config = {}) {
  const gb = self.navigator.deviceMemory || 8;
  const cache_budget_mb = config?.cache_budget_mb ?? Math.min(1024, Math.round(gb * 256));
  // wasm32 addresses 4 GB: a step gets what the cache and ~768 MB (the model, its copies, the
  // data, the engine) leave, so a run that would not fit is refused before it starts
  const step_budget_mb = config?.step_budget_mb ?? Math.max(256, 4096 - cache_budget_mb - 768);
  return { ...config, cache_budget_mb, step_budget_mb };
}
