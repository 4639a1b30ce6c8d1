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

export class Tabtune {
  #worker;
  #pending = new Map();
  #nextId = 1;
  /** { kind: 'webgpu' | 'cpu', adapter, reason, init_ms, prefix_workers } */
  backend = null;
  /** Called with { reason, message } when the GPU device is lost: the run stops; resume it from
   *  its last checkpoint in a new Tabtune. */
  on_device_lost = null;

  /** Spawns the worker and starts a backend: 'auto' | 'webgpu' | 'cpu'. On the CPU backend the
   *  frozen layers' pass before training also runs in `prefix_workers` more workers (default:
   *  one per core beside the worker, at most 4; 0 runs it in the worker alone). */
  /** `debug` holds test hooks only (see worker/worker.js). */
  static async create({ backend = 'auto', workerUrl, prefix_workers, debug } = {}) {
    const url = workerUrl ?? new URL('./worker/worker.js', import.meta.url);
    const tt = new Tabtune(new Worker(url, { type: 'module' }));
    tt.backend = await tt.#call({ type: 'init', backend, prefix_workers, debug });
    return tt;
  }

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => this.#receive(data);
    worker.onerror = (e) => this.#failAll(new Error(`the tabtune worker failed: ${e.message || 'could not start'}`));
  }

  #receive(msg) {
    if (msg.type === 'device-lost') { this.on_device_lost?.({ reason: msg.reason, message: msg.message }); return; }
    const p = this.#pending.get(msg.id);
    if (!p) return;
    const hook = { progress: 'on_progress', started: 'on_start', step: 'on_step', epoch: 'on_epoch', checkpoint: 'on_checkpoint', case: 'on_case',
      training: 'on_training', fold: 'on_fold', run_result: 'on_result', paused: 'on_paused', playing: 'on_playing', map: 'on_map' }[msg.type];
    if (hook) {
      const { id, type, ...rest } = msg;
      p.handlers[hook]?.(rest);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.type === 'error') p.reject(Object.assign(new Error(msg.message), { state: msg.state }));
    else p.resolve(msg.value);
  }

  #failAll(err) {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #call(msg, handlers = {}, transfer = []) {
    if (!this.#worker) return Promise.reject(new Error('this Tabtune was disposed: create a new one'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, handlers });
      this.#worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** A base URL in the HF layout, or { config, weights, tokenizer } as ArrayBuffers. */
  loadModel(source, { on_progress } = {}) {
    if (typeof source === 'string' || source instanceof URL) {
      return this.#call({ type: 'loadModel', base: new URL(String(source), globalThis.location?.href).href }, { on_progress });
    }
    const { config, weights, tokenizer } = source || {};
    if (!config || !weights || !tokenizer) {
      return Promise.reject(new Error('loadModel needs a base URL or { config, weights, tokenizer } ArrayBuffers'));
    }
    return this.#call({ type: 'loadModel', files: { config, weights, tokenizer } }, { on_progress });
  }

  /** A File, Blob, ArrayBuffer, typed array or string; options { format, text_column, label_column }. */
  async loadData(input, options = {}) {
    const bytes = await toBytes(input);
    return this.#call({ type: 'loadData', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** Trains on the loaded data; resolves { run_id, epochs, cancelled, info, state, seconds }.
   *  config: RunConfig's keys (see tabtune.d.ts TrainConfig); a key left out takes the core's
   *  default (defaults()), and a bad value rejects with the message the CLI prints for it.
   *  config.init: 'pretrained' (default: the loaded model's encoder, a fresh head) or 'continue'.
   *  on_start({ info }) gives the run_id first; on_checkpoint({ bytes, finished, step }) at each
   *  epoch end, on cancel and (finished: true, the model to keep) at the end. A train while
   *  another run is going is refused, unless that run was cancelled: then it starts after it.
   *  hooks.paused: true starts in step mode, paused once the frozen layers are cached (see
   *  stepOnce); on_paused({ step }) / on_playing({ until }) say where the run stands. With
   *  config.teaching, on_step's argument carries `activity` and on_map({ epoch, points }) comes
   *  before the first step (epoch 0) and at each epoch end. */
  train(config = {}, hooks = {}) {
    return this.#call({ type: 'train', config, paused: Boolean(hooks.paused) }, hooks);
  }

  /** Continues a run from checkpoint bytes (from on_checkpoint) on the same model and data. */
  resume(checkpoint, hooks = {}) {
    const bytes = ArrayBuffer.isView(checkpoint) ? checkpoint.slice().buffer : checkpoint.slice(0);
    return this.#call({ type: 'resume', bytes, paused: Boolean(hooks.paused) }, hooks, [bytes]);
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
    this.#worker?.postMessage({ type, run_id });
  }

  /** The last layer's attention from [CLS] over `text`'s tokens, averaged over heads, and the
   *  class probabilities: { tokens: [{ token, start, end, weight }], probs: [{ label, p }] }
   *  (start/end index `text`; special tokens have start === end). On the run's weights between
   *  steps while one trains, else on the fine-tuned (or loaded) model. */
  attention(text) {
    return this.#call({ type: 'attention', text: String(text) });
  }

  /** The validation rows the model gets wrong, most confident first: [{ row, text, label,
   *  predicted, confidence }] (during a run or after it; regression rejects). */
  mistakes() {
    return this.#call({ type: 'mistakes' });
  }

  /** The map's rows (the run's validation rows, in the order of on_map's points): { texts,
   *  labels (class index per row), label_names, values (regression only) }. */
  teachingRows() {
    return this.#call({ type: 'teachingRows' });
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
    return this.#call({ type: 'search', spec: spec.folds === 0 ? { ...spec, folds: undefined } : spec }, hooks);
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
    this.#worker?.postMessage({ type: 'cancel', run_id });
  }

  /** A fine-tuned model saved as a finished checkpoint, applied to the loaded base model. */
  loadTrained(checkpoint) {
    const bytes = ArrayBuffer.isView(checkpoint) ? checkpoint.slice().buffer : checkpoint.slice(0);
    return this.#call({ type: 'loadTrained', bytes }, {}, [bytes]);
  }

  /** What the worker holds: { base, model: { labels, fingerprint, fine_tuned } | null, data, run_id }. */
  state() {
    return this.#call({ type: 'state' });
  }

  /** Scores labelled data with the model's task: { acc, macro_f1, per_class, confusion, n } for
   *  classification (see TaskMetrics in tabtune.d.ts for the others). */
  async evaluate(input, options = {}) {
    const bytes = await toBytes(input);
    return this.#call({ type: 'evaluate', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** A prediction per text: { label, probs } (classification), { label: 'a|b', labels, probs }
   *  (multi-label, sigmoid p per label) or { label: '3.2', value } (regression). */
  predict(texts) {
    return this.#call({ type: 'predict', texts: Array.from(texts, String) });
  }

  /** Predicts every text of a file (one per line, or a CSV / TSV / JSONL's text column):
   *  each prediction (as predict()) with its text. */
  async predictFile(input, options = {}) {
    const bytes = await toBytes(input);
    return this.#call({ type: 'predictFile', bytes, options: withFormat(input, options) }, {}, [bytes]);
  }

  /** The model's files by path, as Blobs. format 'hf' (default): { 'config.json',
   *  'model.safetensors', 'tokenizer.json', 'tokenizer_config.json' }; 'sentence-transformers':
   *  those and modules.json, 1_Pooling/config.json, …; 'onnx': { 'model.onnx' }. */
  async exportModel({ format = 'hf' } = {}) {
    return blobs(await this.#call({ type: 'export', format: String(format) }));
  }

  /** The core's settings: { config: every key's default, monitors: { task: [metrics that
   *  early_stopping can watch] } }. */
  defaults() {
    return this.#call({ type: 'defaults' });
  }

  /** Replays PyTorch's reference runs (the text of trajectories.json) on this device with the
   *  loaded model: { cases: { name: { steps, max_loss_rel, max_lr_rel, final_head_max_abs,
   *  final_loss_rel } }, worst_loss_rel }; on_case({ name, ... }) as each run finishes. */
  checkTrajectory(reference, { on_case } = {}) {
    return this.#call({ type: 'checkTrajectory', reference: String(reference) }, { on_case });
  }

  /** Measures this device on `tabtune bench`'s workload (random MiniLM-shaped weights):
   *  { train_samples_per_s, train_cached_samples_per_s, infer_samples_per_s, … }; options
   *  { layers: 2, batch_size: 32, seq_len: 128, steps: 5, warmup: 1 }. */
  bench(options = {}) {
    return this.#call({ type: 'bench', options });
  }

  // Images: the worker decodes, resizes and keeps them (www/worker/images/). Every call resolves with
  // `data`, what the worker then holds: { images, classes: [{ name, count }], image_size }.
  /** Files and zips: File objects (a folder pick's webkitRelativePath is the path) or { path,
   *  file }. The class is each file's parent folder, a zip's labels.csv, or options.label for all.
   *  Resolves { added: [{ id, name, label, thumb (a JPEG Blob) }], problems: [{ name, message }],
   *  data }; a file that fails is a problem, the others are kept. on_progress({ done, total }). */
  addImages(files, { label, on_progress } = {}) {
    const items = Array.from(files, (f) => (f instanceof Blob ? { name: f.webkitRelativePath || f.name, file: f } : { name: String(f.path), file: f.file }));
    return this.#call({ type: 'imagesAdd', items, label }, { on_progress });
  }

  /** Webcam frames (ImageBitmaps, handed over to the worker) into class `label`; as addImages. */
  addFrames(frames, label) {
    return this.#call({ type: 'imagesAdd', frames, label }, {}, frames);
  }

  /** Removes images by the ids addImages gave. */
  removeImages(ids) { return this.#call({ type: 'imagesRemove', ids: Array.from(ids) }); }

  /** Renames class `from` (to an existing class: merges them). */
  renameClass(from, to) { return this.#call({ type: 'imagesRenameClass', from, to }); }

  /** Removes every image of class `label`; resolves { removed (ids), data }. */
  removeClass(label) { return this.#call({ type: 'imagesRemoveClass', label }); }

  /** The side of the square RGB images the worker assembles (16–224; the page offers 96–224). */
  setImageSize(image_size) { return this.#call({ type: 'imagesSize', image_size }); }

  /** Removes every image. */
  clearImages() { return this.#call({ type: 'imagesClear' }); }

  /** The image model every image run starts from: a base URL holding config.json and
   *  model.safetensors (default: the app's EfficientNet-Lite0) or { config, weights }
   *  ArrayBuffers. Resolves { blocks, image_size, classes, fingerprint }. */
  loadImageModel(source, { on_progress } = {}) {
    if (source == null || typeof source === 'string' || source instanceof URL) {
      const base = source == null ? undefined : new URL(String(source), globalThis.location?.href).href;
      return this.#call({ type: 'loadImageModel', base }, { on_progress });
    }
    const { config, weights } = source;
    if (!config || !weights) return Promise.reject(new Error('loadImageModel needs a base URL or { config, weights } ArrayBuffers'));
    return this.#call({ type: 'loadImageModel', files: { config, weights } }, { on_progress });
  }

  /** The fine-tuned image model's answer for a webcam frame (an ImageBitmap, handed over) or an
   *  image file (File, Blob, bytes), cropped and scaled as it trained: { label, probs, ms }. */
  async predictImage(input) {
    if (globalThis.ImageBitmap && input instanceof ImageBitmap) return this.#call({ type: 'predictImage', frame: input }, {}, [input]);
    const bytes = await toBytes(input);
    return this.#call({ type: 'predictImage', bytes, name: input?.name }, {}, [bytes]);
  }

  /** The fine-tuned image model's files as Blobs. format 'hf' (default): its folder,
   *  { 'config.json', 'model.safetensors' }; 'onnx': { 'model.onnx' } (docs/onnx.md). */
  async exportImageModel({ format = 'hf' } = {}) {
    return blobs(await this.#call({ type: 'exportImage', format: String(format) }));
  }

  /** Test hook: destroys the GPU device, as a driver reset would (false when not on WebGPU). */
  debugLoseDevice() {
    return this.#call({ type: 'debugLoseDevice' });
  }

  /** { ctor_runs }: how often the wasm's constructors ran; 1 means the start-up fix holds. */
  diagnostics() {
    return this.#call({ type: 'diagnostics' });
  }

  dispose() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(new Error('this Tabtune was disposed'));
  }
}

// A model's files (name → bytes) as Blobs.
const blobs = (files) => Object.fromEntries(Object.entries(files).map(([name, bytes]) =>
  [name, new Blob([bytes], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' })]));

async function toBytes(input) {
  if (typeof input === 'string') return new TextEncoder().encode(input).buffer;
  if (input instanceof Blob) return input.arrayBuffer();
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength);
  throw new Error('data must be a File, Blob, ArrayBuffer, typed array or string');
}

// A File's extension says its format unless the caller did.
function withFormat(input, options) {
  if (options.format || !(input instanceof File)) return options;
  const ext = input.name.split('.').pop().toLowerCase();
  const format = { csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', json: 'jsonl' }[ext];
  return format ? { ...options, format } : options;
}
