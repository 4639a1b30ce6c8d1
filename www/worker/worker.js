// The module worker that owns the wasm and all heavy work; the page only posts messages.
// In:  { id, type: 'init'|'loadModel'|'loadData'|'loadTrained'|'train'|'resume'|'state'|'evaluate'|
//      'predict'|'predictFile'|'export'|'defaults'|'checkTrajectory'|'diagnostics'|'bench'|'search'|
//      'attention'|'mistakes'|'teachingRows'|'images*'|'loadImageModel'|'predictImage'|'exportImage'
//      (images/engine.js), ... } and { type: 'cancel'|
//      'pause'|'play'|'stepOnce'|'stepEpoch', run_id } (no id: they act on the run, which answers
//      through its train request). Out: { id, type: 'result'|'error'|'progress', ... }; a run's
//      messages also carry run_id: 'started'|'step'|'epoch'|'checkpoint'|'done'|'cancelled'|'paused'|
//      'playing'|'map'; a search's also 'fold'|'run_result'; a trajectory check's 'case'.
//      { type: 'device-lost' } has no id.
import init, { Session, checkpoint_info, ctor_runs, settings_defaults } from '../pkg/tabtune.js';
import { simd } from '../node_modules/wasm-feature-detect/dist/esm/index.js';
import { CPU_ADAPTER, decideBackend } from './backend-choice.js';
import { PrefixPool } from './prefix-pool.js';
import { searchLoop } from './search-loop.js';
import { RunControl, postMaps, teachingCall } from './run-control.js';
import { IMAGE_ENGINE_REQUESTS, imageEngineCall, syncImages } from './images/engine.js';
import { fetchFile } from './fetch-file.js';

const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];
// f32 on a GPU vs the CPU differs by ~1e-6 on the self-check's tiny step; garbage by far more
const SELF_CHECK_TOLERANCE = 1e-3;
let session = null;
// The compiled engine, shared with the prefix pool's workers; the backend the session runs on.
let wasmModule = null;
let backendKind = null;
// Workers that run the frozen prefix beside this one on the CPU backend (made at the first run).
let poolSize = 0;
let pool = null;
let debugDigest = false;
let debugNoSimd = false;

// cubecl's WGSL may `enable subgroups;`, which wgpu's WebGPU backend never requests: ask for it
// whenever the adapter has it, or such shaders fail and training silently goes wrong.
let gpuDevice = null;
if (self.GPUAdapter) {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (desc = {}) {
    const features = new Set(desc.requiredFeatures || []);
    if (this.features.has('subgroups')) features.add('subgroups');
    const device = await requestDevice.call(this, { ...desc, requiredFeatures: [...features] });
    // A lost device (driver reset, GPU process crash, too many tabs) fails every later step:
    // say so at once, so the page can offer to resume from the last checkpoint.
    device.lost.then((info) => {
      if (device !== gpuDevice) return; // one the session no longer uses (after a failed self-check)
      if (run) Object.assign(run, { cancelled: true, lost: info.message || info.reason || 'the GPU device was lost' });
      post({ type: 'device-lost', reason: info.reason, message: info.message || 'the GPU device was lost' });
    });
    gpuDevice = device;
    return device;
  };
}

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
// Yields to the event loop so 'cancel' and progress messages get through between steps.
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function chooseBackend(wanted) {
  let adapter = null;
  if (wanted !== 'cpu') {
    try { adapter = self.navigator.gpu ? await self.navigator.gpu.requestAdapter() : null; } catch { adapter = null; }
  }
  return decideBackend(wanted, adapter);
}

async function loadModel(msg) {
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
  return session.load_model(bytes(files.config), bytes(files.weights), bytes(files.tokenizer));
}

// The run in flight: { id, cancelled, done, search } — a training or a search (which holds the
// same slot), one at a time, never interleaved.
let run = null;

// The engine is built for WebAssembly SIMD; a browser without it cannot run it at all.
async function compileEngine(wasmUrl) {
  if (debugNoSimd || !(await simd())) {
    throw new Error('this browser does not support WebAssembly SIMD, which tabtune needs: use a current Chrome, Edge, Firefox or Safari (SIMD may be turned off by a browser flag or policy)');
  }
  const res = await fetch(wasmUrl ?? new URL('../pkg/tabtune_bg.wasm', import.meta.url));
  if (!res.ok) throw new Error(`could not download the engine (tabtune_bg.wasm): HTTP ${res.status}`);
  return res.headers.get('content-type') === 'application/wasm'
    ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
}

// The prefix pass before training: on the CPU backend with the pool beside this worker, else
// here, chunk by chunk. Reports { phase: 'prepared', rows, seconds, workers } when all is cached.
async function prepare(me, info, send) {
  const t0 = performance.now();
  const plan = session.prefix_plan(me.id);
  const workers = 1 + (plan?.pool && backendKind === 'cpu' ? poolSize : 0);
  const progress = (p) => {
    const seconds = (performance.now() - t0) / 1000;
    send({ type: 'progress', phase: 'prepare', ...p, seconds, eta_s: (seconds / p.done) * (p.total - p.done), workers, info });
  };
  let pooled = 0;
  if (workers > 1) {
    pool ??= new PrefixPool(wasmModule, poolSize);
    pooled = await pool.prepare(session, me.id, plan, { cancelled: () => me.cancelled, progress, tick });
  }
  while (!me.cancelled) {
    const p = await session.prepare(me.id);
    if (!p) break;
    progress(p);
    await tick();
  }
  if (plan && !me.cancelled) {
    send({ type: 'progress', phase: 'prepared', rows: plan.rows, seconds: (performance.now() - t0) / 1000, workers, chunks: plan.chunks, pooled_chunks: pooled,
           cache_digest: debugDigest ? session.cache_digest(me.id) : undefined, info });
  }
}

// Trains (start: () => session.start_training(config)) or resumes (() => session.resume_training(bytes)).
// Every message of the run carries its run_id. A train that arrives while a run is going is
// refused, unless that run was cancelled: then it waits for the run to wind down, so
// "cancel, then train at once" does what it says.
async function train(msg, start) {
  if (checking) throw new Error('the device check against PyTorch is running: wait for it to finish before training');
  if (run && !run.cancelled) throw new Error(`${runName(run)} is in progress: cancel it (or wait for it to finish) before starting another`);
  if (run) await run.done;
  const info = await start();
  const started = performance.now();
  let finish;
  run = { id: info.run_id, cancelled: false, done: new Promise((resolve) => { finish = resolve; }) };
  const me = run;
  const send = (m, transfer) => post({ id: msg.id, run_id: me.id, ...m }, transfer);
  // step mode; every trainer call goes through control.exclusive (run-control.js)
  const control = me.control = new RunControl(send, { paused: Boolean(msg.paused) });
  const epochs = [...info.history];
  const saveCheckpoint = async (finished) => {
    const bytes = await control.exclusive(() => session.checkpoint(me.id, finished));
    send({ type: 'checkpoint', bytes, finished, step: stepsDone, epochs_done: epochs.length }, [bytes.buffer]);
  };
  let stepsDone = info.step;
  let keep = false;
  let state;
  try {
    send({ type: 'started', info });
    send({ type: 'progress', phase: 'prepare', done: 0, total: info.train_rows + info.val_rows, info });
    await control.exclusive(() => prepare(me, info, send));
    // the teaching map's epoch-0 frame (its axes are fitted now, before the first step)
    if (!me.cancelled) await postMaps(session, me, control, send);
    let trainStart = performance.now();
    let first = stepsDone;
    while (!me.cancelled && stepsDone < info.total_steps) {
      const wasPaused = control.paused;
      await control.gate(me, stepsDone);
      // time spent paused is not training time: the ETA counts from here
      if (wasPaused) [trainStart, first] = [performance.now(), stepsDone];
      if (me.cancelled) break;
      const s = await control.exclusive(() => session.step(me.id));
      if (!s) break;
      control.after(s);
      stepsDone = s.step;
      const { epoch_end, ...step } = s;
      const seconds = (performance.now() - trainStart) / 1000;
      send({ type: 'step', ...step, total_steps: info.total_steps, seconds,
             eta_s: (seconds / (s.step - first)) * (info.total_steps - s.step) });
      if (epoch_end) {
        epochs.push(epoch_end);
        send({ type: 'epoch', ...epoch_end });
        await postMaps(session, me, control, send);
        if (epoch_end.stopped_early) break;
        if (s.step < info.total_steps) await saveCheckpoint(false);
      }
      await tick();
    }
    // nothing on a lost device can be read back: the last epoch's checkpoint is what remains
    if (me.lost) throw new Error(`the GPU device was lost (${me.lost}): resume the run from its last checkpoint`);
    // cancelled mid-run: what it learned so far can still be resumed; finished: the model to keep
    if (me.cancelled && stepsDone > info.step) await saveCheckpoint(false);
    // a contrastive run's head is fitted at epoch ends: fit it to the layers it stopped with
    if (me.cancelled && stepsDone > 0) await control.exclusive(() => session.fit_head(me.id));
    if (!me.cancelled) await saveCheckpoint(true);
    // a run cancelled before its first step trained nothing: the model it had stays
    keep = stepsDone > 0;
  } catch (e) {
    // a step can fail before the device's lost notice arrives: give it a moment to
    if (!me.lost && gpuDevice) await Promise.race([gpuDevice.lost, new Promise((r) => setTimeout(r, 1000))]);
    if (me.lost && !/GPU device was lost/.test(e?.message)) throw new Error(`the GPU device was lost (${me.lost}): resume the run from its last checkpoint`);
    throw e;
  } finally {
    // a failed run leaves the session's model as it was; the page learns what it holds from `state`
    try { state = session.finish_training(me.id, keep); } catch { try { state = session.state(); } catch { state = null; } }
    run = null;
    finish();
  }
  const value = { run_id: me.id, epochs, cancelled: me.cancelled, info, state, seconds: (performance.now() - started) / 1000 };
  post({ id: msg.id, run_id: me.id, type: me.cancelled ? 'cancelled' : 'done', value });
}

// A grid search or cross-validation (spec: { base, grid, folds, metric }), in the run slot. It
// runs the frozen prefix in this worker only: the prefix pool serves one trainer's chunk plan,
// and the core's search shares one prefix cache between runs of the same depth instead.
async function search(msg) {
  if (checking) throw new Error('the device check against PyTorch is running: wait for it to finish before searching');
  if (!session.start_search) throw new Error('this build of tabtune has no search: rebuild it (scripts/build-web)');
  if (run && !run.cancelled) throw new Error(`${runName(run)} is in progress: cancel it (or wait for it to finish) before starting a search`);
  if (run) await run.done;
  const spec = plain(msg.spec) ?? {};
  // a base that is not an object goes as it is: the core says what it must be
  const base = spec.base == null ? withBudget({}) : typeof spec.base === 'object' && !Array.isArray(spec.base) ? withBudget(spec.base) : spec.base;
  const { run_id, plan } = session.start_search({ ...spec, base });
  let finish;
  run = { id: run_id, search: true, msgId: msg.id, cancelled: false, done: new Promise((resolve) => { finish = resolve; }) };
  const me = run;
  const send = (m) => post({ id: msg.id, run_id, ...m });
  const started = performance.now();
  let out = null;
  try {
    send({ type: 'started', plan });
    await searchLoop(session, me, plan, send, tick);
    if (me.lost) throw new Error(`the GPU device was lost (${me.lost}) during the search: start it again`);
  } finally {
    try { out = session.finish_search(run_id); } catch (e) { out = { error: e?.message || String(e) }; }
    run = null;
    finish();
  }
  if (out.error) throw new Error(`the search ended but its results could not be read back: ${out.error}`);
  const value = { run_id, plan, results: out.ranked, best: out.best, prefix_passes: out.prefix_passes,
                  cancelled: out.cancelled, seconds: (performance.now() - started) / 1000 };
  post({ id: msg.id, run_id, type: out.cancelled ? 'cancelled' : 'done', value });
}

// The reference runs one case at a time, so the page hears of each as it finishes (a case is a
// few MiniLM steps; all of them take a minute or more on a CPU). The report is the core's, merged.
async function checkTrajectory(msg) {
  if (!session.check_trajectory) throw new Error('this build of tabtune has no trajectory check: rebuild it (scripts/build-web)');
  let reference;
  try { reference = JSON.parse(msg.reference); } catch { reference = null; }
  if (!reference?.cases || typeof reference.cases !== 'object') return session.check_trajectory(msg.reference); // the core says what is wrong
  const report = { cases: {}, worst_loss_rel: 0 };
  checking = true;
  try {
    for (const [name, c] of Object.entries(reference.cases)) {
      const one = await session.check_trajectory(JSON.stringify({ ...reference, cases: { [name]: c } }));
      const { worst_loss_rel, cases, ...rest } = one;
      Object.assign(report, rest);
      report.cases[name] = cases[name];
      report.worst_loss_rel = Math.max(report.worst_loss_rel, worst_loss_rel);
      post({ id: msg.id, type: 'case', name, ...cases[name] });
      await tick();
    }
  } finally { checking = false; }
  return report;
}

// Settings as JSON has them: a key set to undefined is left out (the core's default), not null.
const plain = (config) => (config == null ? config : JSON.parse(JSON.stringify(config)));

// The frozen-prefix cache's budget, unless the caller set one: a quarter of what the browser
// says the device has (navigator.deviceMemory, in GB, at most 8), at most 1 GB — a wasm32 tab
// has 4 GB of address space in all, the model and the page included.
function withBudget(config = {}) {
  if (config?.cache_budget_mb != null) return config;
  const gb = self.navigator.deviceMemory || 8;
  return { ...config, cache_budget_mb: Math.min(1024, Math.round(gb * 256)) };
}

// Model and data stay as they are while a run or a trajectory check uses them.
let checking = false;
const runName = (r) => `${r.search ? 'search' : 'training run'} ${r.id}`;
function idle(what) {
  if (run) throw new Error(`${runName(run)} is in progress: cancel it (or wait for it to finish) before ${what}`);
  if (checking) throw new Error(`the device check against PyTorch is running: wait for it to finish before ${what}`);
}

async function handle(msg) {
  if (IMAGE_ENGINE_REQUESTS.includes(msg.type)) return imageEngineCall(session, msg, { post, idle });
  switch (msg.type) {
    case 'init': {
      debugNoSimd = Boolean(msg.debug?.no_simd); // test hook: a browser without SIMD
      wasmModule = await compileEngine(msg.wasmUrl);
      await init({ module_or_path: wasmModule });
      session = new Session();
      // one worker per core beside this one, at most 4 (each holds a copy of the frozen layers)
      const cores = self.navigator.hardwareConcurrency || 1;
      poolSize = Math.max(0, Math.min(4, msg.prefix_workers ?? cores - 1));
      debugDigest = Boolean(msg.debug?.cache_digest);
      let backend = await chooseBackend(msg.backend || 'auto');
      const t0 = performance.now();
      await session.init(backend.kind);
      const init_ms = performance.now() - t0;
      if (backend.kind === 'webgpu') {
        // a shader bug gives silent garbage, not an error: compare one tiny step with the CPU's
        const check = await session.self_check();
        const diff = msg.debug?.corrupt_self_check ? Infinity : Number(check.max_diff); // test hook
        if (!(diff <= SELF_CHECK_TOLERANCE)) {
          session = new Session();
          await session.init('cpu');
          gpuDevice = null; // what happens to the abandoned device is no concern of the CPU session
          const measured = msg.debug?.corrupt_self_check ? 'forced by a test hook' : `largest difference ${check.max_diff}`;
          backend = { kind: 'cpu', adapter: CPU_ADAPTER,
            reason: `WebGPU (${backend.adapter}) computed a test training step differently from the CPU (${measured}), so the CPU backend runs` };
        }
        backend.self_check = { ...check, passed: diff <= SELF_CHECK_TOLERANCE };
      }
      backendKind = backend.kind;
      return { ...backend, init_ms, prefix_workers: backend.kind === 'cpu' ? poolSize : 0 };
    }
    case 'loadModel': idle('loading another model'); return loadModel(msg);
    case 'loadData': idle('loading other data'); return session.load_data(new Uint8Array(msg.bytes), msg.options);
    case 'loadTrained': idle('loading a saved model'); return session.load_trained(new Uint8Array(msg.bytes));
    case 'train': return train(msg, async () => {
      const config = withBudget(plain(msg.config));
      // an image run trains on the worker's image set, handed over now at the run's size
      return session.start_training(config?.task === 'image' ? await syncImages(session, config) : config);
    });
    case 'resume': return train(msg, async () => {
      const bytes = new Uint8Array(msg.bytes);
      const saved = checkpoint_info(bytes).config;
      // an image run resumes on the worker's images, at the size it trained at
      if (saved.task === 'image') await syncImages(session, { image_size: saved.image_size });
      return session.resume_training(bytes);
    });
    case 'search': return search(msg);
    case 'state': return session.state();
    case 'evaluate': return session.evaluate(new Uint8Array(msg.bytes), msg.options);
    case 'predict': return session.predict(msg.texts);
    case 'predictFile': return session.predict_file(new Uint8Array(msg.bytes), msg.options);
    case 'export': return session.export(msg.format);
    case 'defaults': return settings_defaults();
    case 'checkTrajectory': idle('checking the device'); return checkTrajectory(msg);
    case 'diagnostics': return { ctor_runs: ctor_runs() };
    case 'bench': idle('measuring speed'); return session.bench(msg.options);
    case 'attention': case 'mistakes': case 'teachingRows': return teachingCall(session, run, msg);
    // test hook: what a driver reset does to the device, on demand
    case 'debugLoseDevice': gpuDevice?.destroy(); return Boolean(gpuDevice);
    default: throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  // cancel names its run (or, without run_id, whatever runs); it never touches a later run
  if (msg.type === 'cancel') {
    if (!run || (msg.run_id != null && msg.run_id !== run.id)) return;
    // a search says when the cancel arrived: at most the step then in flight follows it
    if (run.search && !run.cancelled) post({ id: run.msgId, run_id: run.id, type: 'progress', phase: 'cancelling' });
    run.cancelled = true;
    run.control?.wake(); // a paused run sees it at once
    return;
  }
  // step mode: acts on the training run it names (or the one going); a search has none
  if (['pause', 'play', 'stepOnce', 'stepEpoch'].includes(msg.type)) {
    if (run?.control && (msg.run_id == null || msg.run_id === run.id)) run.control[msg.type]();
    return;
  }
  try {
    const value = await handle(msg);
    if (!['train', 'resume', 'search'].includes(msg.type)) post({ id: msg.id, type: 'result', value });
  } catch (e) {
    let state = null;
    try { state = session?.state(); } catch { /* the wasm instance itself failed */ }
    post({ id: msg.id, type: 'error', message: e && e.message ? e.message : String(e), state });
  }
};
