// The worker's loop over a search (grid search or cross-validation): one core event per call of
// session.search_advance — a prepare chunk or one optimizer step — with a tick between, so a
// 'cancel' gets through within one step. Each event goes to the page as it comes; progress
// carries an ETA over all the search's trainings.

/** Steps done and an estimate of all steps: trainings not started yet are assumed to take as
 *  many steps as the mean of those started (grids over epochs or layers make them differ). */
export function etaOf(trainings, plan, seconds) {
  const started = trainings.filter(Boolean);
  const done = started.reduce((n, t) => n + t.step, 0);
  const seen = started.reduce((n, t) => n + t.total, 0);
  const total = seen + (plan.trainings - started.length) * (started.length ? seen / started.length : 0);
  return { steps_done: done, steps_total: Math.round(total), eta_s: done > 0 ? (seconds / done) * (total - done) : null };
}

/** Runs search `me.id` until the core says done; `send(msg)` posts to the page. */
export async function searchLoop(session, me, plan, send, tick) {
  const t0 = performance.now();
  // one entry per training (run × fold), in the order they start: { step, total }
  const trainings = [];
  let current = null;
  let cancelSent = false;
  const progress = (m) => {
    const seconds = (performance.now() - t0) / 1000;
    send({ type: 'progress', ...m, training: trainings.length, trainings: plan.trainings, seconds, ...etaOf(trainings, plan, seconds) });
  };
  for (;;) {
    if (me.cancelled && !cancelSent) { session.cancel_search(me.id); cancelSent = true; }
    const ev = await session.search_advance(me.id);
    const where = { run: ev.run, fold: ev.fold ?? null };
    switch (ev.type) {
      case 'started':
        current = { step: 0, total: ev.info.total_steps };
        trainings.push(current);
        send({ type: 'training', ...where, info: ev.info });
        progress({ phase: 'training', ...where });
        break;
      case 'prepare':
        progress({ phase: 'prepare', ...where, done: ev.done, total: ev.total });
        break;
      case 'step': {
        if (current) current.step = ev.step;
        const { type, ...step } = ev;
        send({ type: 'step', ...step, fold: where.fold });
        progress({ phase: 'step', ...where, step: ev.step, total_steps: ev.total_steps });
        break;
      }
      case 'epoch': send({ type: 'epoch', ...where, ...ev.summary }); break;
      case 'fold': send({ type: 'fold', ...where, scores: ev.scores }); break;
      // 'result' is the name of a request's answer: a finished run's result is 'run_result'
      case 'result': send({ type: 'run_result', result: ev.result }); break;
      case 'done': return ev;
      default: break; // an event this page does not know yet: the search goes on
    }
    await tick();
  }
}
