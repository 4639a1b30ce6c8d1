// Types of tabtune's JS API (www/tabtune.js). Keys are the CLI's snake_case names.

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendInfo {
  kind: 'webgpu' | 'cpu';
  /** The WebGPU adapter's vendor / architecture / description, or the CPU backend's name. */
  adapter: string;
  /** Why this backend runs (e.g. 'auto' found only a software WebGPU adapter). */
  reason: string;
  init_ms: number;
}

/** Settings of a run (RunConfig); a missing key takes the CLI's default. */
export interface TrainConfig {
  layers?: number; epochs?: number; lr?: number; batch_size?: number; max_len?: number;
  val_split?: number; seed?: number; weight_decay?: number; warmup?: number; dropout?: number;
  log_every?: number;
}

export interface DataOptions { format?: 'csv' | 'tsv' | 'jsonl'; text_column?: string; label_column?: string }

export interface DataInfo {
  rows: number; format: 'csv' | 'tsv' | 'jsonl'; columns: string[]; text_column: string; label_column: string;
  inferred_columns: boolean; classes: Record<string, number>; labels: string[];
  dropped: { empty_text: number; duplicate: number };
  /** The first rows as they will be used. */
  preview: { text: string; label: string }[];
}

export interface ModelInfo { layers: number; hidden_size: number; intermediate_size: number; labels: string[] | null }

export interface TrainInfo {
  train_rows: number; val_rows: number; labels: string[]; frozen_layers: number; trainable_layers: number;
  trainable_params: number; steps_per_epoch: number; total_steps: number; truncated: number;
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
}

export interface TrainResult { epochs: EpochSummary[]; cancelled: boolean; info: TrainInfo; seconds: number }
export interface Prediction { label: string; probs: Record<string, number> }
export type DataInput = File | Blob | ArrayBuffer | ArrayBufferView | string;

export class Tabtune {
  static create(options?: { backend?: BackendChoice; workerUrl?: string | URL }): Promise<Tabtune>;
  readonly backend: BackendInfo;
  loadModel(source: string | URL | { config: ArrayBuffer; weights: ArrayBuffer; tokenizer: ArrayBuffer },
            handlers?: { on_progress?: (p: ProgressEvent) => void }): Promise<ModelInfo>;
  loadData(input: DataInput, options?: DataOptions): Promise<DataInfo>;
  train(config?: TrainConfig, handlers?: {
    on_step?: (s: StepEvent) => void; on_epoch?: (e: EpochSummary) => void; on_progress?: (p: ProgressEvent) => void;
  }): Promise<TrainResult>;
  cancel(): void;
  evaluate(input: DataInput, options?: DataOptions): Promise<Metrics>;
  predict(texts: Iterable<string>): Promise<Prediction[]>;
  predictFile(input: DataInput, options?: DataOptions): Promise<(Prediction & { text: string })[]>;
  exportModel(): Promise<{ 'config.json': Blob; 'model.safetensors': Blob; 'tokenizer.json': Blob }>;
  /** How often the wasm's constructors ran: 1 means the start-up fix holds. */
  diagnostics(): Promise<{ ctor_runs: number }>;
  dispose(): void;
}
