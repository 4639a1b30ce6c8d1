// The frozen prefix on every core (CPU backend): before training, the prefix runs once over every
// row, pure inference over independent rows. The training worker runs chunks of rows itself and
// hands the others to a pool of module workers (prefix-worker.js), each with its own wasm instance
// holding only the frozen layers. A chunk's rows and padding are fixed, so every worker computes
// the same bytes for it as the training worker would (tested). Between runs the same workers
// predict: each holds the model that predicts and takes a share of a batch of texts (predict).

// Chunks each pool worker holds at once: its next one is queued while the training worker is
// busy with its own, so no pool worker waits for work.
const IN_FLIGHT = 2;

/** An error of a pool worker (`poolWorker` set), which the training worker outlives. */
function poolError(message) {
  return Object.assign(new Error(message), { poolWorker: true });
}

class PoolWorker {
  #worker;
  #pending = new Map();
  #next = 1;
  busy = 0;

  constructor() {
    this.#worker = new Worker(new URL('./prefix-worker.js', import.meta.url), { type: 'module' });
    this.#worker.onmessage = ({ data }) => {
      const p = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (data.type === 'error') p?.reject(poolError(`a prefix worker failed: ${data.message}`));
      else p?.resolve(data.value);
    };
    this.#worker.onerror = (e) => {
      this.failed = true; // its engine is gone: the pool is rebuilt for the next run
      for (const p of this.#pending.values()) p.reject(poolError(`a prefix worker failed: ${e.message || 'could not start'}`));
      this.#pending.clear();
    };
  }

  call(msg, transfer = []) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...msg, id }, transfer);
    });
  }

  terminate() { this.#worker.terminate(); }
}

export class PrefixPool {
  #workers;
  #started;
  #key = null;
  #loaded = null;
  #modelKey = null; // the model the workers hold to predict (predict), else null
  #model = null;
  #topKey = null; // the run whose trainable top the workers hold (grads), else null
  #top = null;
  #shared = null; // the weights each step, shared by every worker where the page is isolated

  /** `module`: the compiled WebAssembly.Module the training worker runs; `size` workers. */
  constructor(module, size) {
    this.size = size;
    this.#workers = Array.from({ length: size }, () => new PoolWorker());
    this.#started = Promise.all(this.#workers.map((w) => w.call({ type: 'init', module })));
  }

  /** Loads a run's frozen layers into every pool worker unless they hold them (same `key`);
   *  `files()` gives them ({ config, weights }) and is only called when they are needed.
   *  Resolves, once the files are read, to { loaded }: a promise of the workers holding them. */
  async #load(key, files) {
    if (this.#key !== key || !this.#loaded) {
      const { config, weights } = await files();
      this.#key = key;
      this.#topKey = null; // so does a run's trainable top
      this.#modelKey = null; // the model that predicts goes: a worker holds one at a time
      this.#model = null;
      this.#loaded = this.#started.then(() => Promise.all(this.#workers.map((w) => w.call({ type: 'load', config, weights }))));
      this.#loaded.catch(() => { this.#loaded = null; });
    }
    return { loaded: this.#loaded };
  }

  /** Caches every chunk of `plan` ({ chunks, key, f16 }) through `session` for run `runId`;
   *  `progress({ done, total })` after each, and it stops early when `cancelled()`. Every call on
   *  the session is made from this one loop, never while another is in flight. Resolves to the
   *  number of chunks the pool ran (the rest ran in the training worker). */
  async prepare(session, runId, plan, { cancelled, progress, tick }) {
    const results = [];
    let next = 0, stored = 0, pooled = 0, failure = null, wake = null;
    const notify = () => { wake?.(); wake = null; };
    // the training worker reads its frozen layers out first (both that and its own chunks need
    // the run's trainer); the pool loads them in the background and joins when it is ready
    let ready = false;
    const { loaded } = await this.#load(plan.key, () => session.prefix_files(runId));
    loaded.then(() => { ready = true; notify(); }, (e) => { failure ??= e; notify(); });
    const dispatch = () => {
      if (!ready) return;
      for (const w of this.#workers) {
        while (w.busy < IN_FLIGHT && next < plan.chunks) {
          const j = next++;
          const { ids, lens } = session.chunk_rows(runId, j);
          w.busy++;
          w.call({ type: 'cache', ids, lens, f16: plan.f16 }, [ids.buffer, lens.buffer]).then(
            (bytes) => { w.busy--; results.push([j, bytes]); notify(); },
            (e) => { w.busy--; failure ??= e; notify(); });
        }
      }
    };
    while (stored < plan.chunks && !cancelled()) {
      if (failure) throw failure;
      dispatch();
      for (const [j, bytes] of results.splice(0)) { progress(session.put_chunk(runId, j, bytes)); stored++; pooled++; }
      if (next < plan.chunks) {
        progress(await session.prepare_chunk(runId, next++));
        stored++;
      } else if (stored < plan.chunks && !results.length && !failure) {
        await new Promise((r) => { wake = r; });
      }
      await tick();
    }
    return pooled;
  }

  /** Predicts `parts` (an array of text arrays, one per pool worker) with the model `key` names
   *  (with `logits`: each part's logits, as `session.logits` gives them);
   *  `files()` gives its folder ({ config, weights, tokenizer }), read only when the workers do
   *  not hold it (their frozen layers, if any, are dropped for it). Resolves, once every worker
   *  holds the model and has its part, to { predictions }: a promise of one array per part. */
  async predict(key, files, parts, { logits = false } = {}) {
    if (this.#modelKey !== key || !this.#model) {
      const f = await files();
      this.#key = null; // the frozen layers go: a worker holds one model at a time
      this.#loaded = null;
      this.#modelKey = key;
      this.#topKey = null;
      this.#model = this.#started.then(() => Promise.all(this.#workers.map((w) => w.call({ type: 'loadModel', ...f }))));
      this.#model.catch(() => { this.#model = null; });
    }
    await this.#model;
    return { predictions: Promise.all(parts.map((texts, i) => this.#workers[i].call({ type: logits ? 'logits' : 'predict', texts }))) };
  }

  /** Loads run `key`'s trainable top into every pool worker unless they hold it; `files()`
   *  gives `session.part_files` ({ kind, config, checkpoint, first, outputs }). */
  async loadTop(key, files) {
    if (this.#topKey !== key || !this.#top) {
      const f = await files();
      this.#topKey = key;
      this.#modelKey = null; // a worker's model that predicts is rebuilt when it predicts again
      this.#model = null;
      this.#top = this.#started.then(() => Promise.all(this.#workers.map((w) => w.call({ type: 'loadTop', ...f }))));
      this.#top.catch(() => { this.#top = null; });
    }
    await this.#top;
  }

  /** One step's gradients: part i of `parts` (bytes from `session.split_step`) on worker i, each
   *  first given `weights` (the run's, from `session.top_weights`). Resolves to one Float32Array
   *  per part, in order. Where the page is cross-origin isolated the weights go in one
   *  SharedArrayBuffer every worker reads; elsewhere each worker gets a copy. */
  grads(parts, weights) {
    let w = weights;
    if (globalThis.crossOriginIsolated) {
      if (this.#shared?.length !== weights.length) this.#shared = new Float32Array(new SharedArrayBuffer(weights.byteLength));
      this.#shared.set(weights);
      w = this.#shared;
    }
    return Promise.all(parts.map((part, i) => this.#workers[i].call({ type: 'grads', part, weights: w }, [part.buffer])));
  }

  /** Whether the last step's weights went to the workers through shared memory. */
  get shared() { return this.#shared !== null; }

  /** Test hook: the first pool worker's next request fails as a trap in its wasm would. */
  debugTrapNext() { return this.#workers[0].call({ type: 'debugTrapNext' }); }

  terminate() { this.#workers.forEach((w) => w.terminate()); }

  /** Whether a worker of the pool failed (its engine is gone). */
  get failed() { return this.#workers.some((w) => w.failed); }
}
