// Types of tabtune's JS API (www/tabtune.js). Keys are the CLI's snake_case names.
// The types live by topic in types/ (config, backend, data, run, teach), search.d.ts and
// images.d.ts; this file re-exports them all and declares the Tabtune class.
export * from './types/config';
export * from './types/backend';
export * from './types/data';
export * from './types/run';
export * from './types/teach';
export * from './search';
export * from './images';
export * from './sounds';
import type { BackendChoice, BackendInfo, BenchReport, TrajectoryCase, TrajectoryReport } from './types/backend';
import type { Monitor, Task, TrainConfig } from './types/config';
import type { DataInfo, DataInput, DataOptions, ModelInfo, Prediction, SessionState } from './types/data';
import type { ProgressEvent, RunHandlers, TaskMetrics, TrainResult } from './types/run';
import type { AttentionResult, Mistake, TeachingRows } from './types/teach';
import type { CrossValidateResult, SearchHandlers, SearchResult, SearchSpec } from './search';
import type { AddImagesResult, ImageDataInfo, ImageInput, ImageItem, ImageModelInfo, ImagePrediction } from './images';
import type { AddSoundsResult, SoundDataInfo, SoundInput, SoundItem, SoundModelInfo, SoundPrediction } from './sounds';

export class Tabtune {
  static create(options?: { backend?: BackendChoice; workerUrl?: string | URL; prefix_workers?: number; debug?: Record<string, boolean> }): Promise<Tabtune>;
  readonly backend: BackendInfo;
  /** Called when the GPU device is lost; the run stops: resume it from its last checkpoint. */
  on_device_lost: ((e: { reason: string; message: string }) => void) | null;
  /** Called when the worker itself failed (a trap in the engine: out of memory, a panic): every
   *  request in flight rejects, and this Tabtune refuses every later call; create a new one and
   *  resume the run from its last checkpoint. */
  on_failed: ((e: { message: string }) => void) | null;
  /** Why the worker failed, or null while it works. */
  readonly failed: string | null;
  /** A model of any kind: a base URL in the Hugging Face layout (config.json says the kind: an
   *  image model's names an `architecture`; a text model also has tokenizer.json), or the files'
   *  bytes (tokenizer for a text model; melspectrogram, its melspectrogram.onnx, for a sound
   *  model, whose weights may be its package's embedding_model.onnx). The answer's `kind` says
   *  which it was. A folder's README.md (fetched from a base URL when there is one; `readme`
   *  bytes) gives the id and licence that the fine-tuned model's card names. */
  loadModel(source: string | URL | { config: ArrayBuffer; weights: ArrayBuffer; tokenizer?: ArrayBuffer; melspectrogram?: ArrayBuffer; readme?: ArrayBuffer },
            handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ModelInfo | ImageModelInfo | SoundModelInfo>;
  loadData(input: DataInput, options?: DataOptions): Promise<DataInfo>;
  /** Errors carry `state` (what the worker holds after the failure). */
  train(config?: TrainConfig, handlers?: RunHandlers): Promise<TrainResult>;
  resume(checkpoint: ArrayBuffer | Uint8Array, handlers?: RunHandlers): Promise<TrainResult>;
  /** Grid search over RunConfig keys (see SearchSpec); holds the run slot like train(). */
  search(spec: SearchSpec, handlers?: SearchHandlers): Promise<SearchResult>;
  /** K-fold cross-validation of one config (folds ≥ 2 required). */
  crossValidate(config: TrainConfig, options: { folds: number; metric?: Monitor } & Omit<SearchHandlers, 'on_result'>): Promise<CrossValidateResult>;
  cancel(run_id?: number): void;
  /** Step mode (acts on the training run going, or run_id; it answers through on_paused / on_playing). */
  pause(run_id?: number): void;
  play(run_id?: number): void;
  stepOnce(run_id?: number): void;
  stepEpoch(run_id?: number): void;
  /** The last layer's attention from [CLS] and the class probabilities, on the run's current
   *  weights while one trains (between steps), else on the fine-tuned or loaded model. */
  attention(text: string): Promise<AttentionResult>;
  /** The validation rows the model gets wrong, most confident first (regression rejects). */
  mistakes(): Promise<Mistake[]>;
  /** The rows behind the map's points (the run's validation rows). */
  teachingRows(): Promise<TeachingRows>;
  loadTrained(checkpoint: ArrayBuffer | Uint8Array): Promise<SessionState>;
  state(): Promise<SessionState>;
  /** The text model's metrics on labelled data (the CLI's `eval`); 64 texts or more are run
   *  across the prefix pool on the CPU backend, each worker a share of the logits. */
  evaluate(input: DataInput, options?: DataOptions): Promise<TaskMetrics>;
  /** Texts: a prediction per text. One image (a webcam frame is transferred): the fine-tuned
   *  image model's answer, cropped and scaled as it trained; an array of images: one per image.
   *  Rejects during a run and, for images, before an image run has finished. */
  predict(texts: Iterable<string>): Promise<Prediction[]>;
  predict(image: ImageInput): Promise<ImagePrediction>;
  predict(images: ImageInput[]): Promise<Omit<ImagePrediction, 'ms'>[]>;
  /** One sound: the fine-tuned sound model's answer for its loudest second; an array: one each. */
  predict(sound: SoundInput): Promise<SoundPrediction>;
  predict(sounds: SoundInput[]): Promise<Omit<SoundPrediction, 'ms'>[]>;
  predictFile(input: DataInput, options?: DataOptions): Promise<(Prediction & { text: string })[]>;
  /** The model's files by path. 'hf' (default): the Hugging Face folder (a `pooling: 'cls'` model is a
   *  BertForSequenceClassification); 'sentence-transformers': a folder SentenceTransformer(dir)
   *  loads; 'onnx': { 'model.onnx' } (tokens in, probabilities out). kind: which model, 'text' or
   *  'image' (its folder as the CLI reads it, or ONNX: pixels in); left out, the text model,
   *  unless only an image model predicts. A fine-tuned model's folder also holds its model card,
   *  'README.md' (Hugging Face's format: the data, the settings, every epoch, the validation
   *  scores per class); its ONNX file carries the card's front matter in its metadata. */
  exportModel(options?: { format?: 'hf' | 'sentence-transformers'; kind?: 'text' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'tokenizer.json': Blob } & Record<string, Blob>>;
  exportModel(options: { format?: 'hf'; kind: 'image' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'README.md'?: Blob }>;
  /** A sound model's folder: config.json, model.safetensors, melspectrogram.onnx. */
  exportModel(options: { format?: 'hf'; kind: 'audio' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'melspectrogram.onnx': Blob; 'README.md'?: Blob }>;
  /** ONNX of a sound model: log-mel windows in (docs/onnx.md), probabilities out. */
  exportModel(options: { format: 'onnx'; kind?: 'text' | 'image' | 'audio' }): Promise<{ 'model.onnx': Blob }>;
  /** The core's defaults for every setting, and the metrics each task can stop early on. */
  defaults(): Promise<{ config: Required<Omit<TrainConfig, 'step_every' | 'gamma' | 'clip_norm' | 'class_weights' | 'encoder_dropout' | 'early_stopping' | 'sample'>> & Record<string, unknown>;
    monitors: Record<Task, Monitor[]>;
    /** The keys a contrastive run takes when its settings leave them out (SetFit's recipe). */
    contrastive?: Partial<TrainConfig> }>;
  /** Replays PyTorch's reference runs (the text of trajectories.json) with the loaded model. */
  checkTrajectory(reference: string, handlers?: { on_case?: (c: TrajectoryCase & { name: string }) => void }): Promise<TrajectoryReport>;
  /** ctor_runs: how often the wasm's constructors ran (1); predict_workers: the workers that
   *  predicted the last batch of texts (1 + the pool for 64 texts or more on the CPU backend: as
   *  many pool workers as the model's size leaves room for);
   *  train_workers: the workers that trained the last run (1 + the pool on the CPU backend, 1
   *  for contrastive runs); shared_weights: whether its weights reached them through a
   *  SharedArrayBuffer (the page is cross-origin isolated) rather than copies. */
  diagnostics(): Promise<{ ctor_runs: number; predict_workers: number; train_workers: number; shared_weights: boolean;
    /** What the engine's memory has grown to, and what is set aside in its 4 GB for the model loaded (MB). */
    engine_mb: number; model_reserve_mb: number }>;
  /** Images and zips into the worker (decoded, centre-cropped, resized there). The class is the
   *  file's first folder below a shared top folder, a zip's labels.csv, or options.label. */
  addImages(files: Iterable<File | ImageItem>, options?: { label?: string; on_progress?: (p: { phase: 'images'; done: number; total: number }) => void }): Promise<AddImagesResult>;
  /** Webcam frames (transferred) into class `label`. */
  addFrames(frames: ImageBitmap[], label: string): Promise<AddImagesResult>;
  removeImages(ids: Iterable<number>): Promise<{ data: ImageDataInfo }>;
  /** To an existing class: merges the two. */
  renameClass(from: string, to: string): Promise<{ data: ImageDataInfo }>;
  removeClass(label: string): Promise<{ removed: number[]; data: ImageDataInfo }>;
  /** 16–224 (the page offers 96, 128, 160, 224); rejects anything else. */
  setImageSize(image_size: number): Promise<{ data: ImageDataInfo }>;
  clearImages(): Promise<{ data: ImageDataInfo }>;
  /** @deprecated use loadModel(url | { config, weights }), which loads any kind. The image
   *  model every image run starts from (default: the app's models/efficientnet-lite0/). */
  loadImageModel(source?: string | URL | { config: ArrayBuffer; weights: ArrayBuffer },
                 handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ImageModelInfo>;
  /** @deprecated use predict(image): the same answer. */
  predictImage(input: ImageInput): Promise<ImagePrediction>;
  /** @deprecated use exportModel({ format, kind: 'image' }): the same files. */
  exportImageModel(options?: { format?: 'hf' | 'onnx' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob } | { 'model.onnx': Blob }>;
  /** Audio files and zips (decoded by the browser on the page's thread; made clips by the core's
   *  one rule in the worker: mono, 16 kHz, the loudest second). The class is the file's first
   *  folder below a shared top folder, a zip's labels.csv, or options.label. */
  addSounds(files: Iterable<File | SoundItem>, options?: { label?: string; on_progress?: (p: { done: number; total: number }) => void }): Promise<AddSoundsResult>;
  /** A microphone recording (mono, at the AudioContext's rate) into class `label`. */
  addRecording(samples: Float32Array, sample_rate: number, label: string): Promise<AddSoundsResult>;
  removeSounds(ids: Iterable<number>): Promise<{ data: SoundDataInfo }>;
  /** To an existing class: merges the two. */
  renameSoundClass(from: string, to: string): Promise<{ data: SoundDataInfo }>;
  removeSoundClass(label: string): Promise<{ removed: number[]; data: SoundDataInfo }>;
  clearSounds(): Promise<{ data: SoundDataInfo }>;
  /** `tabtune bench`'s workload on this device (random MiniLM-shaped weights, no data needed). */
  bench(options?: { layers?: number; batch_size?: number; seq_len?: number; steps?: number; warmup?: number }): Promise<BenchReport>;
  dispose(): void;
}
