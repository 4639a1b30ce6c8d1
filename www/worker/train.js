// A training run in the worker: the frozen prefix's pass (on the CPU backend with the prefix
// pool beside this worker), then step after step with a tick between (so 'cancel' and step-mode
// messages get through), a checkpoint at every epoch end, on cancel and at the end.
import { Lifecycle } from './lifecycle.js';
import { modelPool } from './pool.js';
import { RunControl, postMaps } from './run-control.js';
import { pooledSteps } from './train-pool.js';
import { engine, post, runName, slot, tick } from './state.js';

// The prefix pass before training: on the CPU backend with the pool beside this worker, else
// here, chunk by chunk. Reports { phase: 'prepared', rows, seconds, workers } when all is cached.
async function prepare(me, info, send) {
  const { session } = engine;
  const t0 = performance.now();
  const plan = session.prefix_plan(me.id);
  const pool = plan?.pool && engine.backendKind === 'cpu' ? modelPool() : null;
  const workers = 1 + (pool?.size ?? 0);
  const progress = (p) => {
    const seconds = (performance.now() - t0) / 1000;
    send({ type: 'progress', phase: 'prepare', ...p, seconds, eta_s: (seconds / p.done) * (p.total - p.done), workers, info });
  };
  let pooled = 0;
  // (a pool with a failed worker is not reused: modelPool makes a new one, which loads this run)
  if (pool) {
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
           cache_digest: engine.debugDigest ? session.cache_digest(me.id) : undefined, info });
  }
}

/** Trains (start: () => session.start_training(config)) or resumes (() => session.resume_training(bytes)).
 *  Every message of the run carries its run_id. A train that arrives while a run is going is
 *  refused, unless that run was cancelled: then it waits for the run to wind down, so
 *  "cancel, then train at once" does what it says. */
export async function train(msg, start) {
  if (slot.checking) throw new Error('the device check against PyTorch is running: wait for it to finish before training');
  if (slot.run && !slot.run.cancelled) throw new Error(`${runName(slot.run)} is in progress: cancel it (or wait for it to finish) before starting another`);
  if (slot.run) await slot.run.done;
  const { session } = engine;
  const info = await start();
  const started = performance.now();
  let finish;
  const me = slot.run = { id: info.run_id, cancelled: false, done: new Promise((resolve) => { finish = resolve; }) };
  const send = (m, transfer) => post({ id: msg.id, run_id: me.id, ...m }, transfer);
  // where the run stands, reported to the page at each change (lifecycle.js)
  const lifecycle = me.lifecycle = new Lifecycle(send);
  // step mode; every trainer call goes through control.exclusive (run-control.js)
  const control = me.control = new RunControl(lifecycle, { paused: Boolean(msg.paused) });
  const epochs = [...info.history];
  const saveCheckpoint = async (finished) => {
    const bytes = await control.exclusive(() => session.checkpoint(me.id, finished));
    send({ type: 'checkpoint', bytes, finished, step: stepsDone, epochs_done: epochs.length }, [bytes.buffer]);
  };
  let stepsDone = info.step;
  let keep = false;
  let state;
  let failure = null; // what ended the run, when it failed
  try {
    send({ type: 'started', info });
    lifecycle.to('preparing', { step: info.step, total_steps: info.total_steps });
    send({ type: 'progress', phase: 'prepare', done: 0, total: info.train_rows + info.val_rows, info });
    await control.exclusive(() => prepare(me, info, send));
    // the teaching map's epoch-0 frame (its axes are fitted now, before the first step)
    if (!me.cancelled) await postMaps(session, me, control, send);
    // every core trains where it can (train-pool.js); a pool worker that fails leaves this one
    let pooled = null;
    engine.sharedWeights = false;
    if (!me.cancelled && stepsDone < info.total_steps) {
      pooled = await control.exclusive(() => pooledSteps(session, me.id, info)).catch((e) => { console.warn(`training on one worker: ${e?.message || e}`); return null; });
    }
    engine.trainWorkers = pooled?.workers ?? 1;
    const stepOnce = async () => {
      if (!pooled) return session.step(me.id);
      try {
        return await pooled.step();
      } catch (e) {
        if (!e?.poolWorker) throw e;
        console.warn(`a pool worker failed; training goes on in this one: ${e.message}`);
        // the step begins again here (the split one changed nothing); a pool whose worker failed
        // is not trusted again: the next run, or batch to predict, starts a new one
        pooled = null;
        engine.trainWorkers = 1;
        engine.pool?.terminate();
        engine.pool = null;
        return session.step(me.id);
      }
    };
    let trainStart = performance.now();
    let first = stepsDone;
    while (!me.cancelled && stepsDone < info.total_steps) {
      const wasPaused = control.paused;
      await control.gate(me, stepsDone);
      // time spent paused is not training time: the ETA counts from here
      if (wasPaused) [trainStart, first] = [performance.now(), stepsDone];
      if (me.cancelled) break;
      const s = await control.exclusive(stepOnce);
      if (!s) break;
      control.after(s);
      stepsDone = s.step;
      const { epoch_end, ...step } = s;
      const seconds = (performance.now() - trainStart) / 1000;
      send({ type: 'step', ...step, total_steps: info.total_steps, seconds, workers: pooled?.workers ?? 1,
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
    if (!me.lost && engine.gpuDevice) await Promise.race([engine.gpuDevice.lost, new Promise((r) => setTimeout(r, 1000))]);
    const err = me.lost && !/GPU device was lost/.test(e?.message) ? new Error(`the GPU device was lost (${me.lost}): resume the run from its last checkpoint`) : e;
    failure = { message: err?.message || String(err) };
    throw err;
  } finally {
    // a failed run leaves the session's model as it was; the page learns what it holds from `state`
    try { state = await session.finish_training(me.id, keep); } catch { try { state = session.state(); } catch { state = null; } }
    slot.run = null;
    // the run's end, once the slot is free: a Train the page sends on it is taken
    try { lifecycle.to(failure ? 'failed' : me.cancelled ? 'cancelled' : 'done', failure ?? { step: stepsDone }); } finally { finish(); }
  }
  const value = { run_id: me.id, epochs, cancelled: me.cancelled, info, state, seconds: (performance.now() - started) / 1000 };
  post({ id: msg.id, run_id: me.id, type: me.cancelled ? 'cancelled' : 'done', value });
}
