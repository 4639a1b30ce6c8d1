// Predictions of a batch of texts on every core (CPU backend): the pool's workers (prefix-pool.js)
// each hold the model that predicts — its folder, exported once per model (its fingerprint names
// it) — and take a contiguous share of the texts while this worker predicts the first; the
// answers come back in the texts' order. A text's prediction does not depend on the others in its
// batch beyond float rounding of the padding (tested against this worker alone).
import { modelPool } from './pool.js';
import { engine, slot, tick } from './state.js';

// Below this many texts the messages (and, once per model, its export) cost more than they save.
const MIN_POOL_TEXTS = 64;
// This worker predicts its share this many texts at a time, with a tick between: a Try-it that
// arrives meanwhile waits for one piece, not for the batch.
const PIECE = 8;

/** `texts` split into `n` contiguous parts of near-equal size. */
function split(texts, n) {
  const size = Math.ceil(texts.length / n);
  return Array.from({ length: n }, (_, i) => texts.slice(i * size, (i + 1) * size));
}

/** The predictions of `texts` across the pool — or with `logits`, each text's row of logits (for
 *  evaluate) — or null when the pool does not apply (another backend, no pool, a run holding the
 *  slot, a short batch, no text model, or `alone`: a test and bench hook): then this worker
 *  predicts them alone. Sets engine.predictWorkers to the workers that took part. */
export async function poolPredict(texts, { alone = false, logits = false } = {}) {
  const { session } = engine;
  engine.predictWorkers = 1;
  if (alone || engine.backendKind !== 'cpu' || !engine.poolSize || slot.run || slot.checking || texts.length < MIN_POOL_TEXTS) return null;
  const model = session.state().model;
  if (!model) return null;
  const pool = modelPool();
  if (!pool) return null;
  const [mine, ...theirs] = split(texts, 1 + pool.size);
  const files = async () => {
    const f = await session.export('hf', 'text');
    return { config: f['config.json'], weights: f['model.safetensors'], tokenizer: f['tokenizer.json'] };
  };
  const { predictions } = await pool.predict(model.fingerprint, files, theirs, { logits });
  const mineOf = logits ? async (t) => rows(await session.logits(t)) : (t) => session.predict(t);
  // this worker's share in pieces of texts of like length (as the engine sorts a whole batch, so
  // little is padded), put back in order after
  const order = mine.map((t, i) => i).sort((a, b) => mine[a].length - mine[b].length);
  const own = new Array(mine.length);
  for (let i = 0; i < order.length; i += PIECE) {
    const piece = order.slice(i, i + PIECE);
    const preds = await mineOf(piece.map((j) => mine[j]));
    piece.forEach((j, k) => { own[j] = preds[k]; });
    await tick();
    // other requests get in between pieces: one that changed the model must not leave a batch
    // predicted half by one model, half by another
    if (session.state().model?.fingerprint !== model.fingerprint) {
      throw new Error('the model changed while this batch was being predicted (another model was loaded, or a run ended): predict it again');
    }
  }
  engine.predictWorkers = 1 + pool.size;
  const theirsOut = (await predictions).map((p) => (logits ? rows(p) : p));
  return [...own, ...theirsOut.flat()];
}

/** `session.logits`' answer ({ logits: Float32Array, width }) as one array of floats per text. */
export function rows({ logits, width }) {
  return Array.from({ length: width ? logits.length / width : 0 }, (_, i) => logits.subarray(i * width, (i + 1) * width));
}
