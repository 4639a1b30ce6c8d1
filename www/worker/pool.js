// The prefix pool sized for the model loaded: each pool worker holds its own copy of the model,
// so a large one (multilingual-e5-small: 470 MB of weights) gets fewer workers than the cores.
import { PrefixPool } from './prefix-pool.js';
import { engine } from './state.js';

/** Pool workers (at most `cores`, the pool's size at start) that copies of a model whose weights
 *  file is `modelBytes` leave room for: a worker holds ~3× the file at its peak (the bytes it is
 *  sent, their copy in its engine, the tensors made from them) and ~64 MB of engine, and the
 *  pool takes at most half of the device's memory (`gb`: navigator.deviceMemory, at most 8). */
export function poolWorkersFor(modelBytes, cores, gb) {
  const each = (3 * modelBytes) / 1e6 + 64;
  return Math.max(0, Math.min(cores, Math.floor((gb * 1024) / 2 / each)));
}

/** The pool for the model loaded (null: none fits, or the engine has no pool): a failed pool,
 *  or one sized for another model, is replaced. */
export function modelPool() {
  const n = poolWorkersFor(engine.modelBytes, engine.poolSize, self.navigator.deviceMemory || 8);
  if (engine.pool && (engine.pool.failed || engine.pool.size !== n)) { engine.pool.terminate(); engine.pool = null; }
  if (!n) return null;
  engine.pool ??= new PrefixPool(engine.wasmModule, n);
  return engine.pool;
}
