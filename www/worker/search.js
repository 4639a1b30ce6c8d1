// A grid search or cross-validation (spec: { base, grid, folds, metric }), in the run slot. It
// runs the frozen prefix in this worker only: the prefix pool serves one trainer's chunk plan,
// and the core's search shares one prefix cache between runs of the same depth instead.
import { Lifecycle } from './lifecycle.js';
import { searchLoop } from './search-loop.js';
import { engine, plain, post, runName, slot, tick, withBudget } from './state.js';

export async function search(msg) {
  const { session } = engine;
  if (slot.checking) throw new Error('the device check against PyTorch is running: wait for it to finish before searching');
  if (!session.start_search) throw new Error('this build of tabtune has no search: rebuild it (scripts/build-web)');
  if (slot.run && !slot.run.cancelled) throw new Error(`${runName(slot.run)} is in progress: cancel it (or wait for it to finish) before starting a search`);
  if (slot.run) await slot.run.done;
  const spec = plain(msg.spec) ?? {};
  // a base that is not an object goes as it is: the core says what it must be
  const base = spec.base == null ? withBudget({}) : typeof spec.base === 'object' && !Array.isArray(spec.base) ? withBudget(spec.base) : spec.base;
  const { run_id, plan } = session.start_search({ ...spec, base });
  let finish;
  const me = slot.run = { id: run_id, search: true, msgId: msg.id, cancelled: false, done: new Promise((resolve) => { finish = resolve; }) };
  const report = (m) => post({ id: msg.id, run_id, ...m });
  // a search's lifecycle (lifecycle.js): preparing until its first training starts; no pauses
  const lifecycle = me.lifecycle = new Lifecycle(report);
  const send = (m) => { if (m.type === 'training' && lifecycle.state === 'preparing') lifecycle.to('training'); report(m); };
  const started = performance.now();
  let out = null;
  let failure = null;
  try {
    send({ type: 'started', plan });
    lifecycle.to('preparing');
    await searchLoop(session, me, plan, send, tick);
    if (me.lost) throw new Error(`the GPU device was lost (${me.lost}) during the search: start it again`);
  } catch (e) {
    failure = { message: e?.message || String(e) };
    throw e;
  } finally {
    try { out = session.finish_search(run_id); } catch (e) { out = { error: e?.message || String(e) }; }
    if (out.error) failure ??= { message: `the search ended but its results could not be read back: ${out.error}` };
    slot.run = null;
    try { lifecycle.to(failure ? 'failed' : out.cancelled ? 'cancelled' : 'done', failure ?? {}); } finally { finish(); }
  }
  if (out.error) throw new Error(failure.message);
  const value = { run_id, plan, results: out.ranked, best: out.best, prefix_passes: out.prefix_passes,
                  cancelled: out.cancelled, seconds: (performance.now() - started) / 1000 };
  post({ id: msg.id, run_id, type: out.cancelled ? 'cancelled' : 'done', value });
}
