// Types of tabtune's JS API (www/tabtune.js). Keys are the CLI's snake_case names.

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendInfo {
  kind: 'webgpu' | 'cpu';
  /** The WebGPU adapter's vendor / architecture / description, or the CPU backend's name. */
  adapter: string;
  /** Why this backend runs (e.g. 'auto' found only a software WebGPU adapter). */
  reason: string;
  init_ms: number;
  /** On WebGPU: one tiny training step compared with the CPU backend before any real one. */
  self_check?: { max_diff: number | string; ms: number; passed: boolean };
}

/** Settings of a run (RunConfig); a missing key takes the CLI's default. */
export interface TrainConfig {
  layers?: number; epochs?: number; lr?: number; batch_size?: number; max_len?: number;
  val_split?: number; seed?: number; weight_decay?: number; warmup?: number; dropout?: number;
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

export interface DataOptions { format?: 'csv' | 'tsv' | 'jsonl'; text_column?: string; label_column?: string }

export interface DataInfo {
  rows: number; format: 'csv' | 'tsv' | 'jsonl'; columns: string[]; text_column: string; label_column: string;
  inferred_columns: boolean; classes: Record<string, number>; labels: string[];
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
}

export interface TrainInfo {
  run_id: number; rows: number; train_rows: number; val_rows: number; labels: string[]; frozen_layers: number;
  trainable_layers: number; trainable_params: number; steps_per_epoch: number; total_steps: number; truncated: number;
  /** The frozen-prefix cache: its size, the budget, and whether it is kept (else recomputed per batch). */
  cache_mb: number; cache_budget_mb: number; cached: boolean;
  /** What the run decided on the user's behalf (a sample, no cache), in words. */
  notes: string[];
  /** Steps already done and the epochs before them (a resumed run). */
  step: number; history: EpochSummary[];
}

export interface ClassMetrics { label: string; precision: number; recall: number; f1: number; support: number }
export interface Metrics { acc: number; macro_f1: number; per_class: ClassMetrics[]; confusion: number[][]; n: number }

export interface EpochSummary {
  epoch: number; train_loss: number; val_loss: number | null; val_acc: number | null;
  val_macro_f1: number | null; samples_per_s: number; per_class?: ClassMetrics[]; confusion?: number[][];
}

export interface StepEvent {
  step: number; epoch: number; lr: number; loss: number | null; total_steps: number; seconds: number; eta_s: number;
}

export interface ProgressEvent {
  phase: 'download' | 'prepare';
  file?: string; loaded?: number; total?: number; cached?: boolean; done?: number; info?: TrainInfo;
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
}
export interface Prediction { label: string; probs: Record<string, number> }
export type DataInput = File | Blob | ArrayBuffer | ArrayBufferView | string;

export class Tabtune {
  static create(options?: { backend?: BackendChoice; workerUrl?: string | URL; debug?: Record<string, boolean> }): Promise<Tabtune>;
  readonly backend: BackendInfo;
  /** Called when the GPU device is lost; the run stops: resume it from its last checkpoint. */
  on_device_lost: ((e: { reason: string; message: string }) => void) | null;
  loadModel(source: string | URL | { config: ArrayBuffer; weights: ArrayBuffer; tokenizer: ArrayBuffer },
            handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ModelInfo>;
  loadData(input: DataInput, options?: DataOptions): Promise<DataInfo>;
  /** Errors carry `state` (what the worker holds after the failure). */
  train(config?: TrainConfig, handlers?: RunHandlers): Promise<TrainResult>;
  resume(checkpoint: ArrayBuffer | Uint8Array, handlers?: RunHandlers): Promise<TrainResult>;
  cancel(run_id?: number): void;
  loadTrained(checkpoint: ArrayBuffer | Uint8Array): Promise<SessionState>;
  state(): Promise<SessionState>;
  evaluate(input: DataInput, options?: DataOptions): Promise<Metrics>;
  predict(texts: Iterable<string>): Promise<Prediction[]>;
  predictFile(input: DataInput, options?: DataOptions): Promise<(Prediction & { text: string })[]>;
  exportModel(): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'tokenizer.json': Blob }>;
  /** How often the wasm's constructors ran: 1 means the start-up fix holds. */
  diagnostics(): Promise<{ ctor_runs: number }>;
  dispose(): void;
}
