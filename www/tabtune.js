// tabtune's public JS API: fine-tune a pretrained BERT in a Web Worker, with promises.
// Object keys are the CLI's snake_case names, so one vocabulary serves the CLI, config files
// and JS. Nothing here does heavy work: the worker owns the wasm; this side posts messages.
//
//   const tt = await Tabtune.create({ backend: 'auto' });
//   await tt.loadModel('models/all-MiniLM-L6-v2/');
//   await tt.loadData(file);
//   const { epochs } = await tt.train({ layers: 2, epochs: 3 }, { on_step, on_epoch });
//   const { results, best } = await tt.search({ grid: { lr: [1e-4, 3e-4], layers: [1, 2] } }, { on_result });
//   const { mean, std } = await tt.crossValidate({ strategy: 'contrastive' }, { folds: 5 });
//
// Its parts: api/worker-client.js (the requests and their promises; on_device_lost, dispose),
// api/images.js and api/sounds.js (the image and sound calls), api/bytes.js (inputs as bytes, files as Blobs).
import { blobs, copyBuffer, toBytes, withFormat } from './api/bytes.js';
import { imageItem, isImage } from './api/images.js';
import { SoundCalls, isSound, soundItem } from './api/sounds.js';
import { CALL, POST } from './api/worker-client.js';

export class Tabtune extends SoundCalls {
  /** { kind: 'webgpu' | 'cpu', adapter, reason, init_ms, prefix_workers } */
  backend = null;

  /** Spawns the worker and starts a backend: 'auto' | 'webgpu' | 'cpu'. On the CPU backend the
   *  frozen layers' pass before training, each training step and long batches to predict also
   *  run in `prefix_workers` more workers (default: one per core beside the worker, at most 4; 0
   *  runs everything in the worker alone). */
  /** `debug` holds test hooks only (see worker/worker.js). */
  static async create({ backend = 'auto', workerUrl, prefix_workers, debug } = {}) {
    const url = workerUrl ?? new URL('./worker/worker.js', import.meta.url);
    const tt = new Tabtune(new Worker(url, { type: 'module' }));
    tt.backend = await tt[CALL]({ type: 'init', backend, prefix_workers, debug });
    return tt;
  }

  /** A model of any kind: a base URL in the HF layout (config.json says the kind: an image
   *  model's names an `architecture`; a text model also needs tokenizer.json), or { config,
   *  weights, tokenizer? } as ArrayBuffers (tokenizer for text; a sound model's { config,
   *  weights, melspectrogram }). Resolves its description, whose `kind` is 'text', 'image' or
   *  'audio'. */
  loadModel(source, { on_progress } = {}) {
    if (typeof source === 'string' || source instanceof URL) {
      return this[CALL]({ type: 'loadModel', base: new URL(String(source), globalThis.location?.href).href }, { on_progress });
    }
    const { config, weights, tokenizer, melspectrogram } = source || {};
    if (!config || !weights) {
      return Promise.reject(new Error('loadModel needs a base URL or { config, weights, tokenizer } ArrayBuffers (tokenizer for a text model, melspectrogram for a sound model)'));
    }
    const third = tokenizer ?? melspectrogram;
    return this[CALL]({ type: 'loadModel', files: third ? { config, weights, third } : { config, weights } }, { on_progress });
  }

  /** A File, Blob, ArrayBuffer, typed array or string; options { format, text_column, label_column }. */
  async loadData(input, options = {}) {
    const bytes = await toBytes(input);
    return this[CALL]({ type: 'loadData', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** Trains on the loaded data; resolves { run_id, epochs, cancelled, info, state, seconds }.
   *  config: RunConfig's keys (see tabtune.d.ts TrainConfig); a key left out takes the core's
   *  default (defaults()), and a bad value rejects with the message the CLI prints for it.
   *  config.init: 'pretrained' (default: the loaded model's encoder, a fresh head) or 'continue'.
   *  on_start({ info }) gives the run_id first; on_checkpoint({ bytes, finished, step }) at each
   *  epoch end, on cancel and (finished: true, the model to keep) at the end. A train while
   *  another run is going is refused, unless that run was cancelled: then it starts after it.
   *  on_state({ state, from, ... }) at each change of the run's lifecycle: preparing → training
   *  ⇄ paused → done | failed | cancelled (types/run.d.ts RunState; state() says it too).
   *  hooks.paused: true starts in step mode, paused once the frozen layers are cached (see
   *  stepOnce); on_paused({ step }) / on_playing({ until }) say the same in step mode's words. With
   *  config.teaching, on_step's argument carries `activity` and on_map({ epoch, points }) comes
   *  before the first step (epoch 0) and at each epoch end. */
  train(config = {}, hooks = {}) {
    return this[CALL]({ type: 'train', config, paused: Boolean(hooks.paused) }, hooks);
  }

  /** Continues a run from checkpoint bytes (from on_checkpoint) on the same model and data. */
  resume(checkpoint, hooks = {}) {
    const bytes = copyBuffer(checkpoint);
    return this[CALL]({ type: 'resume', bytes, paused: Boolean(hooks.paused) }, hooks, [bytes]);
  }

  // Step mode: each acts on run `run_id` (or the training going), between steps; the run
  // answers through its train() hooks (on_paused after the step in flight, on_playing).
  /** Pauses after the step in flight. */
  pause(run_id) { this.#control('pause', run_id); }
  /** Runs on (from a pause). */
  play(run_id) { this.#control('play', run_id); }
  /** Exactly one step, then paused again. */
  stepOnce(run_id) { this.#control('stepOnce', run_id); }
  /** Steps to the next epoch end (its validation included), then paused again. */
  stepEpoch(run_id) { this.#control('stepEpoch', run_id); }

  #control(type, run_id) {
    this[POST]({ type, run_id });
  }

  /** The last layer's attention from [CLS] over `text`'s tokens, averaged over heads, and the
   *  class probabilities: { tokens: [{ token, start, end, weight }], probs: [{ label, p }] }
   *  (start/end index `text`; special tokens have start === end). On the run's weights between
   *  steps while one trains, else on the fine-tuned (or loaded) model. */
  attention(text) {
    return this[CALL]({ type: 'attention', text: String(text) });
  }

  /** The validation rows the model gets wrong, most confident first: [{ row, text, label,
   *  predicted, confidence }] (during a run or after it; regression rejects). */
  mistakes() {
    return this[CALL]({ type: 'mistakes' });
  }

  /** The map's rows (the run's validation rows, in the order of on_map's points): { texts,
   *  labels (class index per row), label_names, values (regression only) }. */
  teachingRows() {
    return this[CALL]({ type: 'teachingRows' });
  }

  /** Grid search over RunConfig keys: spec { grid: { key: [values] }, base: RunConfig, folds
   *  (0 or absent: each run validates on base's val_split; K ≥ 2: K-fold cross-validation),
   *  metric (a monitor; default by task) }. Resolves { run_id, plan, results (ranked best first),
   *  best (its full config), prefix_passes, cancelled, seconds }. Hooks: on_start({ run_id, plan }),
   *  on_training({ run, fold, info }) as each training starts, on_progress (with eta_s over all
   *  trainings), on_step, on_epoch, on_fold({ run, fold, scores }), on_result({ result }) as each
   *  run (all its folds) finishes. It holds the run slot: cancel(run_id) stops it within a step,
   *  keeping finished results. */
  search(spec = {}, hooks = {}) {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      return Promise.reject(new Error('search needs a spec object: { grid: { lr: [1e-4, 3e-4] }, base: {...}, folds, metric }'));
    }
    // folds 0 means "no folds" here, as in the plan the search reports; the core takes it absent
    return this[CALL]({ type: 'search', spec: spec.folds === 0 ? { ...spec, folds: undefined } : spec }, hooks);
  }

  /** K-fold cross-validation of one config: hooks { folds (K ≥ 2, required), metric, on_start,
   *  on_progress, on_step, on_fold }. Resolves { run_id, folds: [{ fold, scores }], mean, std,
   *  cancelled, seconds } (mean and std of every metric; folds done so far when cancelled). */
  async crossValidate(config = {}, { folds, metric, ...hooks } = {}) {
    if (!Number.isInteger(folds) || folds < 2) {
      throw new Error(`crossValidate needs folds: a whole number of at least 2 (got ${folds}), e.g. crossValidate(config, { folds: 5 })`);
    }
    const done = [];
    const on_fold = (f) => { done.push({ fold: f.fold, scores: f.scores }); hooks.on_fold?.(f); };
    const r = await this.search({ base: config, grid: {}, folds, metric }, { ...hooks, on_fold });
    const run = r.results[0];
    return { run_id: r.run_id, folds: run?.folds ?? done, mean: run?.mean ?? {}, std: run?.std ?? {}, cancelled: r.cancelled, seconds: r.seconds };
  }

  /** Stops run `run_id` (or whatever run is going) between steps; its train() (or search())
   *  then resolves with cancelled: true. A later run is never touched. */
  cancel(run_id) {
    this[POST]({ type: 'cancel', run_id });
  }

  /** A fine-tuned model saved as a finished checkpoint, applied to the loaded base model. */
  loadTrained(checkpoint) {
    const bytes = copyBuffer(checkpoint);
    return this[CALL]({ type: 'loadTrained', bytes }, {}, [bytes]);
  }

  /** What the worker holds: { base, model: { labels, fingerprint, fine_tuned } | null, data, run_id,
   *  run_state } (run_state: where the run in the worker stands, 'idle' when none). */
  state() {
    return this[CALL]({ type: 'state' });
  }

  /** Scores labelled data with the model's task: { acc, macro_f1, per_class, confusion, n } for
   *  classification (see TaskMetrics in tabtune.d.ts for the others). */
  async evaluate(input, options = {}) {
    const bytes = await toBytes(input);
    return this[CALL]({ type: 'evaluate', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** Texts (an array of strings): a prediction per text, { label, probs } (classification),
   *  { label: 'a|b', labels, probs } (multi-label, sigmoid p per label) or { label: '3.2', value }
   *  (regression). One image (ImageBitmap, ImageData, File, Blob, bytes): the fine-tuned image
   *  model's { label, probs, ms }, cropped and scaled as it trained; an array of images: an
   *  array of { label, probs }. One sound ({ samples: Float32Array, sample_rate, channels? } or
   *  an AudioBuffer): the fine-tuned sound model's { label, probs, ms } of its loudest second;
   *  an array of sounds: an array. */
  async predict(inputs) {
    if (isSound(inputs)) {
      const [item, transfer] = soundItem(inputs);
      return this[CALL]({ type: 'predict', sounds: [item], one: true }, {}, transfer);
    }
    if (Array.isArray(inputs) && inputs.length && inputs.every(isSound)) {
      const items = inputs.map(soundItem);
      return this[CALL]({ type: 'predict', sounds: items.map(([i]) => i) }, {}, items.flatMap(([, t]) => t));
    }
    if (isImage(inputs)) {
      const [item, transfer] = await imageItem(inputs);
      return this[CALL]({ type: 'predict', images: [item], one: true }, {}, transfer);
    }
    const list = Array.from(inputs);
    if (list.length && list.some(isImage)) {
      if (!list.every(isImage)) throw new Error('predict takes texts or images, not both in one call');
      const items = await Promise.all(list.map(imageItem));
      return this[CALL]({ type: 'predict', images: items.map(([i]) => i) }, {}, items.flatMap(([, t]) => t));
    }
    return this[CALL]({ type: 'predict', texts: list.map(String) });
  }

  /** Predicts every text of a file (one per line, or a CSV / TSV / JSONL's text column):
   *  each prediction (as predict()) with its text. */
  async predictFile(input, options = {}) {
    const bytes = await toBytes(input);
    return this[CALL]({ type: 'predictFile', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** The model's files by path, as Blobs. format 'hf' (default): { 'config.json',
   *  'model.safetensors', 'tokenizer.json', 'tokenizer_config.json' } (an image model: its
   *  config.json and model.safetensors); 'sentence-transformers' (text): those and modules.json,
   *  1_Pooling/config.json, …; 'onnx': { 'model.onnx' }. kind 'text' | 'image' | 'audio': which model;
   *  left out, the text model, unless only an image model predicts. */
  async exportModel({ format = 'hf', kind } = {}) {
    return blobs(await this[CALL]({ type: 'export', format: String(format), kind: kind == null ? undefined : String(kind) }));
  }

  /** The core's settings: { config: every key's default, monitors: { task: [metrics that
   *  early_stopping can watch] } }. */
  defaults() {
    return this[CALL]({ type: 'defaults' });
  }

  /** Replays PyTorch's reference runs (the text of trajectories.json) on this device with the
   *  loaded model: { cases: { name: { steps, max_loss_rel, max_lr_rel, final_head_max_abs,
   *  final_loss_rel } }, worst_loss_rel }; on_case({ name, ... }) as each run finishes. */
  checkTrajectory(reference, { on_case } = {}) {
    return this[CALL]({ type: 'checkTrajectory', reference: String(reference) }, { on_case });
  }

  /** Measures this device on `tabtune bench`'s workload (random MiniLM-shaped weights):
   *  { train_samples_per_s, train_cached_samples_per_s, infer_samples_per_s, … }; options
   *  { layers: 2, batch_size: 32, seq_len: 128, steps: 5, warmup: 1 }. */
  bench(options = {}) {
    return this[CALL]({ type: 'bench', options });
  }

  /** Test hook: destroys the GPU device, as a driver reset would (false when not on WebGPU). */
  debugLoseDevice() {
    return this[CALL]({ type: 'debugLoseDevice' });
  }

  /** { ctor_runs, predict_workers, train_workers, shared_weights }: how often the wasm's
   *  constructors ran (1 means the start-up fix holds), how many workers predicted the last batch
   *  of texts and trained the last run, and whether that run's weights reached its workers through
   *  shared memory (the page is cross-origin isolated). */
  diagnostics() {
    return this[CALL]({ type: 'diagnostics' });
  }
}
