// The module worker that owns the wasm and all heavy work; the page only posts messages.
// In:  { id, type: 'init'|'loadModel'|'loadData'|'loadTrained'|'train'|'resume'|'state'|'evaluate'|
//      'predict'|'predictFile'|'export'|'defaults'|'checkTrajectory'|'diagnostics'|'bench'|'search'|
//      'attention'|'mistakes'|'teachingRows'|'images*'|'loadImageModel'|'predictImage'|'exportImage'
//      (images/engine.js), 'sounds*' (sounds/store.js), ... } and { type: 'cancel'|
//      'pause'|'play'|'stepOnce'|'stepEpoch', run_id } (no id: they act on the run, which answers
//      through its train request). Out: { id, type: 'result'|'error'|'progress', ... }; a run's
//      messages also carry run_id: 'started'|'state' (its lifecycle: lifecycle.js)|'step'|'epoch'|
//      'checkpoint'|'done'|'cancelled'|'map'; a search's also 'training'|'fold'|'run_result'; a
//      trajectory check's 'case'.
//      { type: 'device-lost' } has no id.
// The handlers by topic: start.js (init, the backend), models.js (load, predict, export: any kind), train.js (a run),
// search.js, trajectory.js, run-control.js (step mode, the teaching view's calls),
// images/engine.js; state.js holds what they share (the session, the run slot).
import { checkpoint_info, ctor_runs, settings_defaults } from '../pkg/tabtune.js';
import { startEngine } from './start.js';
import { evaluate, exportModel, loadModel, predict, predictFile } from './models.js';
import { train } from './train.js';
import { search } from './search.js';
import { checkTrajectory } from './trajectory.js';
import { teachingCall } from './run-control.js';
import { IMAGE_ENGINE_REQUESTS, imageEngineCall, syncImages } from './images/engine.js';
import { SOUND_REQUESTS, soundsCall, syncSounds } from './sounds/store.js';
import { engine, idle, modelReserveMb, plain, post, slot, withBudget } from './state.js';

async function handle(msg) {
  const { session } = engine;
  if (IMAGE_ENGINE_REQUESTS.includes(msg.type)) return imageEngineCall(session, msg, { post, idle });
  if (SOUND_REQUESTS.includes(msg.type)) return soundsCall(msg);
  switch (msg.type) {
    case 'init': return startEngine(msg);
    case 'loadModel': idle('loading another model'); return loadModel(msg);
    case 'loadData': idle('loading other data'); return session.load_data(new Uint8Array(msg.bytes), msg.options);
    case 'loadTrained': idle('loading a saved model'); return session.load_trained(new Uint8Array(msg.bytes));
    case 'train': return train(msg, async () => {
      const config = withBudget(plain(msg.config));
      // an image run trains on the worker's image set, handed over now at the run's size; a
      // sound run on its clips
      if (config?.task === 'audio') syncSounds(session);
      return session.start_training(config?.task === 'image' ? await syncImages(session, config) : config);
    });
    case 'resume': return train(msg, async () => {
      const bytes = new Uint8Array(msg.bytes);
      const saved = checkpoint_info(bytes).config;
      // an image run resumes on the worker's images, at the size it trained at
      if (saved.task === 'image') await syncImages(session, { image_size: saved.image_size });
      if (saved.task === 'audio') syncSounds(session);
      return session.resume_training(bytes);
    });
    case 'search': return search(msg);
    // what the session holds, and where the run in the slot stands (idle: none)
    case 'state': return { ...session.state(), run_state: slot.run?.lifecycle?.state ?? 'idle' };
    case 'evaluate': return evaluate(msg);
    case 'predict': return predict(msg);
    case 'predictFile': return predictFile(msg);
    case 'export': return exportModel(msg);
    case 'defaults': return settings_defaults();
    case 'checkTrajectory': idle('checking the device'); return checkTrajectory(msg);
    // predict_workers: the workers that predicted the last batch of texts (predict-pool.js);
    // engine_mb: what this engine's memory has grown to; model_reserve_mb: what withBudget sets
    // aside for the model loaded
    case 'diagnostics': return { ctor_runs: ctor_runs(), predict_workers: engine.predictWorkers ?? 1, train_workers: engine.trainWorkers, shared_weights: engine.sharedWeights,
      engine_mb: (engine.memory?.buffer.byteLength ?? 0) / 1e6, model_reserve_mb: modelReserveMb() };
    case 'bench': idle('measuring speed'); return session.bench(msg.options);
    case 'attention': case 'mistakes': case 'teachingRows': return teachingCall(session, slot.run, msg);
    // test hook: what a driver reset does to the device, on demand
    case 'debugLoseDevice': engine.gpuDevice?.destroy(); return Boolean(engine.gpuDevice);
    // test hook: a pool worker's wasm traps in its next request (train-pool.js goes on alone)
    case 'debugTrapPoolWorker': return engine.pool ? engine.pool.debugTrapNext() : false;
    // test hook: what a trap inside the engine's next step does (seen when memory runs out): that
    // call never settles, and the RuntimeError reaches no catch
    case 'debugTrapNextStep': {
      // the engine's part of the next step, whole or split across the pool (train-pool.js)
      const trap = () => { setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }); return new Promise(() => {}); };
      session.step = session.own_part = trap;
      return true;
    }
    default: throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  const { run } = slot;
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
    try { state = engine.session?.state(); } catch { /* the wasm instance itself failed */ }
    post({ id: msg.id, type: 'error', message: e && e.message ? e.message : String(e), state });
  }
};
