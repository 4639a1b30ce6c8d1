// What the worker's request handlers share: the engine (the wasm session and the backend it runs
// on) and the run slot (one training or search at a time, never interleaved; a trajectory check
// keeps model and data as they are too), plus the small helpers every handler uses.

/** session: the wasm Session; wasmModule: the compiled engine, shared with the prefix pool's
 *  workers; backendKind: 'webgpu' | 'cpu'; poolSize / pool: workers that run the frozen prefix
 *  beside this one on the CPU backend (the pool is made at the first run); gpuDevice: the WebGPU
 *  device the session uses; debugDigest: a test hook (the prefix cache's digest);
 *  predictWorkers: the workers that predicted the last batch of texts (predict-pool.js);
 *  trainWorkers / sharedWeights: the workers that trained the last run, and whether its weights
 *  reached the pool through shared memory (train-pool.js); modelBytes: the loaded model's
 *  weights file, which sizes what is set aside for it (withBudget, pool.js); memory: the wasm
 *  instance's memory (its size is what the engine holds). */
export const engine = { session: null, wasmModule: null, backendKind: null, poolSize: 0, pool: null, gpuDevice: null, debugDigest: false, predictWorkers: 1, trainWorkers: 1, sharedWeights: false, modelBytes: 0, memory: null };

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
// says the device has (navigator.deviceMemory, in GB, at most 8), at most 1 GB, at most half of
// what the model leaves — a wasm32 engine has 4 GB of address space in all. A run whose rows do
// not fit it recomputes the frozen layers at every step instead (slower, never out of memory).
export function withBudget(config = {}) {
  const gb = self.navigator.deviceMemory || 8;
  const left = 4096 - modelReserveMb();
  const cache_budget_mb = config?.cache_budget_mb ?? Math.min(1024, Math.round(gb * 256), Math.round(left / 2));
  // a step gets what the cache and the model leave, so a run that would not fit is refused
  // before it starts
  const step_budget_mb = config?.step_budget_mb ?? Math.max(256, left - cache_budget_mb);
  return { ...config, cache_budget_mb, step_budget_mb };
}

/** MB of the engine's 4 GB set aside for the model: what the engine grew to beside the run's
 *  cache through loading it, a run on every core (the frozen layers written out for the pool)
 *  and a download's export — measured 4.7× the weights file for MiniLM (428 MB), 6.2× for
 *  multilingual-e5-small (2,927 MB): 6.5×, and at least the 768 MB always set aside. */
export function modelReserveMb() {
  return Math.max(768, Math.round((6.5 * engine.modelBytes) / 1e6));
}
