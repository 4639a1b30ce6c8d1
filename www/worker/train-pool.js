// Every core trains (CPU backend): each step's batch is split across this worker and the prefix
// pool. The training worker begins the step (session.split_step) and keeps part 0; each pool
// worker gets the run's weights and one other part and computes its gradients while this worker
// computes part 0's (session.own_part); the training worker adds them in part order and takes
// the one optimizer step (session.join_step), then reads the new weights for the next step.
// A row drops out what it would in the whole batch, so the losses are one worker's (tested).
import { modelPool } from './pool.js';
import { engine } from './state.js';

/** A step function that trains run `runId` across the pool, or null where one worker trains
 *  (a GPU backend, no pool, a contrastive run: its loss is over the batch's pairs). The pool's
 *  workers are loaded with the run's trainable top first. */
export async function pooledSteps(session, runId, info) {
  if (engine.backendKind !== 'cpu' || !engine.poolSize || info.strategy === 'contrastive') return null;
  const pool = modelPool();
  if (!pool) return null;
  await pool.loadTop(`run:${runId}`, () => session.part_files(runId));
  let weights = await session.top_weights(runId);
  const step = async () => {
    const parts = await session.split_step(runId, 1 + pool.size);
    if (!parts) return session.step(runId);
    const grads = pool.grads(parts, weights);
    grads.catch(() => {}); // awaited below, after this worker's own part
    await session.own_part(runId);
    const s = await session.join_step(runId, await grads);
    weights = await session.top_weights(runId);
    engine.sharedWeights = pool.shared;
    return s;
  };
  return { step, workers: 1 + pool.size };
}
