// Types of tabtune's JS API (www/tabtune.js). Keys are the CLI's snake_case names.

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendInfo {
  kind: 'webgpu' | 'cpu';
  /** The WebGPU adapter's vendor / architecture / description, or the CPU backend's name. */
  adapter: string;
  /** Why this backend runs (e.g. 'auto' found only a software WebGPU adapter). */
  reason: string;
  init_ms: number;
  /** Workers that run the frozen layers' pass beside the main one (CPU backend; 0 on WebGPU). */
  prefix_workers: number;
  /** On WebGPU: one tiny training step compared with the CPU backend before any real one. */
  self_check?: { max_diff: number | string; ms: number; passed: boolean };
}

export type Task = 'classification' | 'multi_label' | 'regression';
export type Optimizer = 'sgd' | 'rmsprop' | 'adam' | 'adamw';
export type Schedule = 'constant' | 'linear' | 'cosine' | 'step' | 'exponential';
/** Validation metrics early stopping can watch; each task measures some of them
 *  (defaults().monitors): classification val_loss, val_acc, val_macro_f1; multi_label val_loss,
 *  val_micro_f1, val_macro_f1, val_subset_acc; regression val_loss, val_mse, val_mae, val_r2, val_pearson. */
export type Monitor = 'val_loss' | 'val_acc' | 'val_macro_f1' | 'val_micro_f1' | 'val_subset_acc'
  | 'val_mse' | 'val_mae' | 'val_r2' | 'val_pearson';

/** Settings of a run (RunConfig, the CLI's --config keys); a missing key takes the core's
 *  default (defaults().config). A bad value rejects train() with the message the CLI prints,
 *  which names the key. */
export interface TrainConfig {
  /** Trainable encoder layers from the top (0 = head only; 'all': every layer, contrastive's default). */
  layers?: number | 'all'; epochs?: number;
  /** 'standard' (default): cross-entropy through the head and the trained layers. 'contrastive'
   *  (few examples a class): the layers learn from pairs of rows (same class or not) with a
   *  cosine-similarity loss, then the head is fitted on the new embeddings. Classification only. */
  strategy?: Strategy;
  /** Contrastive: rounds of pairs; each gives every training row a same-class and an other-class partner (default 20). */
  pairs_per_row?: number;
  /** Altered copies of the training rows (validation rows are never altered); null: none. */
  augment?: Augment | null;
  /** The teaching view's data: StepEvent.activity each step and on_map frames (extra device reads). */
  teaching?: boolean;
  /** 'mean' (default) or 'cls': BERT's pooler, trained with the head, so the Hugging Face export is a
   *  BertForSequenceClassification (strategy standard only). */
  pooling?: PoolingKind;
  /** Peak learning rate, reached after the warm-up (0 < lr < 1). */
  lr?: number; batch_size?: number; max_len?: number;
  /** Share of each class held out for validation (0 to 0.9). */
  val_split?: number; seed?: number;
  /** 'auto' (default): read off the label column (numbers → regression, 'a|b' → multi_label). */
  task?: 'auto' | Task | 'image';
  /** Image runs (task 'image', on the worker's images and the loaded image model; `layers` then
   *  counts MBConv blocks, 0 to 16): the square input side, 32 to 512 (default in the page: the
   *  size the worker's images are at, setImageSize; smaller is faster). */
  image_size?: number;
  /** Default 'adamw'; torch.optim's semantics. */
  optimizer?: Optimizer;
  /** sgd and rmsprop only (0 ≤ momentum < 1). */
  momentum?: number;
  /** sgd with momentum > 0 only. */
  nesterov?: boolean;
  /** adam / adamw: [β1, β2], each in [0, 1). */
  betas?: [number, number];
  /** adam, adamw, rmsprop (0 < eps < 1). */
  eps?: number;
  /** rmsprop's smoothing constant (0 < alpha < 1). */
  alpha?: number;
  /** adamw: decoupled; sgd, rmsprop, adam: L2 added to the gradient. 0 to 1. */
  weight_decay?: number;
  /** Default 'linear'; every schedule starts after the warm-up. */
  schedule?: Schedule;
  /** Share of all steps spent warming up linearly from 0 (0 ≤ warmup < 1). */
  warmup?: number;
  /** schedule 'step': steps between decays (default: one epoch). */
  step_every?: number;
  /** schedule 'step' (default 0.5) or 'exponential' (default: 1 % of the peak at the last step); 0 < gamma ≤ 1. */
  gamma?: number;
  /** L1 penalty l1 · Σ|W| over the trainable weight matrices (0 to 1). */
  l1?: number;
  /** Clip the global L2 norm of all trainable gradients to this (> 0); none when absent. */
  clip_norm?: number;
  /** classification only (0 ≤ s < 1). */
  label_smoothing?: number;
  /** classification only: 'balanced', or weights by label (labels not named weigh 1; each > 0). */
  class_weights?: 'balanced' | Record<string, number>;
  /** Each trainable layer below the top one learns at the LR of the layer above × this (0 < d ≤ 1). */
  layer_lr_decay?: number;
  /** Dropout before the head (0 ≤ p < 1). */
  dropout?: number;
  /** Dropout inside the trainable encoder layers (default: the model's config.json). */
  encoder_dropout?: number;
  /** Stop when this metric has not improved for `patience` epochs; the best epoch's weights are kept. Needs val_split > 0. */
  early_stopping?: Monitor;
  /** Epochs without improvement before early stopping (≥ 1, default 2). */
  patience?: number;
  /** multi_label: a label is predicted when its probability is at least this (0 < t < 1, default 0.5). */
  threshold?: number;
  /** Read the loss back every this many steps (other steps report loss null). */
  log_every?: number;
  /** 'pretrained' (default): the loaded model's encoder and a fresh head; 'continue': the model
   *  fine-tuned so far (same classes only). */
  init?: 'pretrained' | 'continue';
  /** Train on this many rows drawn per class (seeded). */
  sample?: number;
  /** Host memory (MB) the frozen-prefix cache may take (default 1024); past it the prefix runs per batch. */
  cache_budget_mb?: number;
  cache_dtype?: 'f16' | 'f32';
}

export type Strategy = 'standard' | 'contrastive';
/** How the head reads the encoder: the mean over tokens, or BERT's [CLS] pooler (tanh(dense(h[CLS]))). */
export type PoolingKind = 'mean' | 'cls';
export type ExportFormat = 'hf' | 'sentence-transformers' | 'onnx';
/** `copies` altered copies of each training row (0 = none), each by one of `ops` (default all three):
 *  random word deletion, a swap of two words, a crop to a random span. Seeded. */
export interface Augment { copies: number; ops?: ('delete' | 'swap' | 'crop')[] }

export interface DataOptions { format?: 'csv' | 'tsv' | 'jsonl'; text_column?: string; label_column?: string }

export interface DataInfo {
  rows: number; format: 'csv' | 'tsv' | 'jsonl'; columns: string[]; text_column: string; label_column: string;
  inferred_columns: boolean;
  /** Rows per class; for multi_label, rows per label. */
  classes: Record<string, number>; labels: string[];
  /** The task the label column suggests, and why, in words (a run's `task` setting overrides it). */
  task?: Task; task_reason?: string;
  /** regression: the label values. */
  values?: { min: number; max: number; mean: number };
  /** rows = used + every dropped reason. */
  used?: number;
  dropped: { empty_text: number; duplicate: number };
  /** What the parser repaired, in words (e.g. a ';'-separated file). */
  notes?: string[];
  /** The first rows as they will be used. */
  preview: { text: string; label: string }[];
}

export interface ModelInfo {
  layers: number; hidden_size: number; intermediate_size: number; max_position_embeddings: number;
  labels: string[] | null; fingerprint: string;
}

/** What the worker holds; the page shows this, never what it assumed. */
export interface SessionState {
  base: { fingerprint: string; labels: string[] | null } | null;
  /** The model that predicts and exports (fine-tuned, or a loaded model with a head). */
  model: { labels: string[]; fingerprint: string; fine_tuned: boolean } | null;
  data: boolean;
  run_id: number | null;
  image: ImageState;
}

export interface TrainInfo {
  run_id: number; rows: number; train_rows: number; val_rows: number;
  task?: Task;
  /** Classes; label names (multi_label); [the label column] (regression). */
  labels: string[]; frozen_layers: number;
  /** What trains, and each group's learning rate as a multiple of lr (layer_lr_decay). */
  param_groups?: { name: string; params: number; lr_scale: number }[];
  /** The optimizer's and the schedule's names. */
  optimizer?: Optimizer; schedule?: Schedule;
  trainable_layers: number; trainable_params: number; steps_per_epoch: number; total_steps: number; truncated: number;
  /** The frozen-prefix cache: its size, the budget, and whether it is kept (else recomputed per batch). */
  cache_mb: number; cache_budget_mb: number; cached: boolean;
  /** What the run decided on the user's behalf (a sample, no cache), in words. */
  notes: string[];
  /** true for an image run (frozen_layers / trainable_layers then count MBConv blocks). */
  image?: boolean;
  strategy?: Strategy;
  /** Contrastive: the number of pairs the layers learn from (0 for standard). */
  pairs?: number;
  /** Rows augmentation added to the training rows. */
  augmented_rows?: number;
  /** Steps already done and the epochs before them (a resumed run). */
  step: number; history: EpochSummary[];
}

export interface ClassMetrics { label: string; precision: number; recall: number; f1: number; support: number }
export interface Metrics { acc: number; macro_f1: number; per_class: ClassMetrics[]; confusion: number[][]; n: number }

/** Full validation metrics, tagged by task. */
export type TaskMetrics =
  | ({ task: 'classification' } & Metrics)
  | { task: 'multi_label'; micro_f1: number; macro_f1: number; subset_acc: number; per_label: ClassMetrics[]; n: number }
  | { task: 'regression'; mse: number; mae: number; r2: number; pearson: number; n: number };

export interface EpochSummary {
  epoch: number; train_loss: number; val_loss: number | null; val_acc: number | null;
  val_macro_f1: number | null; samples_per_s: number;
  /** Padded slots over all slots of the epoch's training batches (0–1; batches are drawn from
   *  length buckets to keep it low). 0 in runs saved before it was reported. */
  padding_share: number;
  /** Every scalar validation metric of the task, keyed by its monitor name. */
  val_scores?: Partial<Record<Monitor, number>>;
  metrics?: TaskMetrics;
  /** Under early_stopping: the best epoch so far (its weights are what the run keeps). */
  best_epoch?: number | null;
  /** True on the epoch after which early stopping ended the run. */
  stopped_early?: boolean;
}

export interface StepEvent {
  step: number; epoch: number; lr: number; loss: number | null;
  /** The gradients' global norm before clipping; null unless clip_norm is set. */
  grad_norm?: number | null;
  /** With `teaching`: each trainable group (bottom layer first, then the head; frozen layers
   *  absent) this step. */
  activity?: LayerActivity[] | null;
  total_steps: number; seconds: number; eta_s: number;
}

/** One trainable group's step: its gradients' L2 norm before clipping (0 when it takes none:
 *  a contrastive run's head) and ‖w_after − w_before‖ / ‖w_before‖. */
export interface LayerActivity { name: string; grad_norm: number; rel_change: number }

/** The validation rows on the map's two PCA axes (fitted once, before the first step) after
 *  `epoch` epochs (0: before training); points[i] is teachingRows().texts[i]. */
export interface MapFrame { epoch: number; points: [number, number][] }

export interface TeachingRows {
  texts: string[];
  /** Class index per row (multi-label: its first label or null; regression: null). */
  labels: (number | null)[];
  label_names: string[];
  /** Regression: the target per row. */
  values?: number[];
}

/** start/end index the text (UTF-16, as JS strings); special tokens ([CLS], [SEP]) have start === end. */
export interface AttentionToken { token: string; start: number; end: number; weight: number }
export interface AttentionResult { tokens: AttentionToken[]; probs: { label: string; p: number }[] }

/** A validation row the model gets wrong; confidence: the predicted class's probability
 *  (multi-label: the mean over labels of max(p, 1 − p)). */
export interface Mistake { row: number; text: string; label: string; predicted: string; confidence: number }

export interface ProgressEvent {
  /** 'prepared' comes once the frozen layers have run over every row: `rows` in `seconds` on
   *  `workers` workers (absent when the cache is off). */
  phase: 'download' | 'prepare' | 'prepared';
  file?: string; loaded?: number; total?: number; cached?: boolean; done?: number; info?: TrainInfo;
  /** 'prepare' and 'prepared': seconds so far, the ETA, and the workers running the layers. */
  rows?: number; seconds?: number; eta_s?: number; workers?: number;
  /** Set when the Cache API failed (quota, private mode): the model loads anyway, uncached. */
  cache_error?: string;
}

export interface TrainResult {
  run_id: number; epochs: EpochSummary[]; cancelled: boolean; info: TrainInfo; state: SessionState; seconds: number;
}

/** A run's trained part (top layers, head, optimizer state, position) — for resume / loadTrained. */
export interface CheckpointEvent { run_id: number; bytes: Uint8Array; finished: boolean; step: number; epochs_done: number }

export interface RunHandlers {
  on_start?: (e: { run_id: number; info: TrainInfo }) => void;
  on_step?: (s: StepEvent) => void; on_epoch?: (e: EpochSummary) => void; on_progress?: (p: ProgressEvent) => void;
  on_checkpoint?: (c: CheckpointEvent) => void;
  /** Start in step mode: paused once the frozen layers are cached. */
  paused?: boolean;
  /** The run waits (after pause(), stepOnce(), stepEpoch(), or at the start with paused). */
  on_paused?: (e: { run_id: number; step: number }) => void;
  /** The run steps on: until null (play), 'step' (one step) or 'epoch' (to the epoch end). */
  on_playing?: (e: { run_id: number; until: null | 'step' | 'epoch' }) => void;
  /** With `teaching`: epoch 0 before the first step, then each epoch end. */
  on_map?: (m: MapFrame & { run_id: number }) => void;
}
import type { CrossValidateResult, SearchHandlers, SearchResult, SearchSpec } from './search';
export * from './search';
import type { AddImagesResult, ImageDataInfo, ImageItem, ImageModelInfo, ImagePrediction, ImageState } from './images';
export * from './images';

/** classification: the class and a softmax p per class; multi_label: label 'a|b', the labels
 *  at or above the threshold and a sigmoid p per label; regression: label '3.2' and the value. */
export type Prediction =
  | { label: string; probs: Record<string, number>; labels?: undefined; value?: undefined }
  | { label: string; labels: string[]; probs: Record<string, number>; value?: undefined }
  | { label: string; value: number; probs?: undefined; labels?: undefined };

/** Samples per second of `tabtune bench`'s workload: training with the frozen layers run every
 *  step, training from their cache, and inference through every layer. */
export interface BenchReport {
  backend: string; batch: number; seq: number; trainable_layers: number; steps: number;
  train_samples_per_s: number; train_cached_samples_per_s: number; infer_samples_per_s: number;
}

/** How far this device's replay of one PyTorch reference run is from it. */
export interface TrajectoryCase {
  steps: number; max_loss_rel: number; max_lr_rel: number; final_head_max_abs: number; final_loss_rel: number;
  /** The two trained encoder tensors the reference keeps, at the end. */
  final_tensors_max_abs?: number;
  /** Cases with clipping: the gradient norm before it. */
  max_grad_norm_rel?: number;
}
export interface TrajectoryReport { cases: Record<string, TrajectoryCase>; worst_loss_rel: number }
export type DataInput = File | Blob | ArrayBuffer | ArrayBufferView | string;

export class Tabtune {
  static create(options?: { backend?: BackendChoice; workerUrl?: string | URL; prefix_workers?: number; debug?: Record<string, boolean> }): Promise<Tabtune>;
  readonly backend: BackendInfo;
  /** Called when the GPU device is lost; the run stops: resume it from its last checkpoint. */
  on_device_lost: ((e: { reason: string; message: string }) => void) | null;
  loadModel(source: string | URL | { config: ArrayBuffer; weights: ArrayBuffer; tokenizer: ArrayBuffer },
            handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ModelInfo>;
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
  evaluate(input: DataInput, options?: DataOptions): Promise<TaskMetrics>;
  predict(texts: Iterable<string>): Promise<Prediction[]>;
  predictFile(input: DataInput, options?: DataOptions): Promise<(Prediction & { text: string })[]>;
  /** The model's files by path. 'hf' (default): the Hugging Face folder (a `pooling: 'cls'` model is a
   *  BertForSequenceClassification); 'sentence-transformers': a folder SentenceTransformer(dir)
   *  loads; 'onnx': { 'model.onnx' } (tokens in, probabilities out). */
  exportModel(options?: { format?: 'hf' | 'sentence-transformers' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'tokenizer.json': Blob } & Record<string, Blob>>;
  exportModel(options: { format: 'onnx' }): Promise<{ 'model.onnx': Blob }>;
  /** The core's defaults for every setting, and the metrics each task can stop early on. */
  defaults(): Promise<{ config: Required<Omit<TrainConfig, 'step_every' | 'gamma' | 'clip_norm' | 'class_weights' | 'encoder_dropout' | 'early_stopping' | 'sample'>> & Record<string, unknown>;
    monitors: Record<Task, Monitor[]>;
    /** The keys a contrastive run takes when its settings leave them out (SetFit's recipe). */
    contrastive?: Partial<TrainConfig> }>;
  /** Replays PyTorch's reference runs (the text of trajectories.json) with the loaded model. */
  checkTrajectory(reference: string, handlers?: { on_case?: (c: TrajectoryCase & { name: string }) => void }): Promise<TrajectoryReport>;
  /** How often the wasm's constructors ran: 1 means the start-up fix holds. */
  diagnostics(): Promise<{ ctor_runs: number }>;
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
  /** The image model every image run starts from: a base URL with config.json and
   *  model.safetensors (default: the app's models/efficientnet-lite0/), or the two files' bytes. */
  loadImageModel(source?: string | URL | { config: ArrayBuffer; weights: ArrayBuffer },
                 handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ImageModelInfo>;
  /** The fine-tuned image model's answer for a webcam frame (transferred) or an image file,
   *  cropped and scaled as it trained; rejects during a run and before one has finished. */
  predictImage(input: ImageBitmap | Blob | ArrayBuffer | ArrayBufferView): Promise<ImagePrediction>;
  /** The fine-tuned image model's folder, as the CLI reads it (`tabtune predict --model DIR`). */
  exportImageModel(options?: { format?: 'hf' | 'onnx' }): Promise<{ 'config.json': Blob; 'model.safetensors': Blob } | { 'model.onnx': Blob }>;
  /** `tabtune bench`'s workload on this device (random MiniLM-shaped weights, no data needed). */
  bench(options?: { layers?: number; batch_size?: number; seq_len?: number; steps?: number; warmup?: number }): Promise<BenchReport>;
  dispose(): void;
}
