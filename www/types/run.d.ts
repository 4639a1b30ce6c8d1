// A training run: its info, its events (steps, epochs, progress, checkpoints), its metrics and
// its result. tabtune.d.ts re-exports every type here.
import type { Monitor, Optimizer, Schedule, Strategy, Task } from './config';
import type { SessionState } from './data';
import type { LayerActivity, MapFrame } from './teach';

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
  /** The workers that computed this step: 1, or on the CPU backend this worker and the prefix
   *  pool, each with a part of the batch (a contrastive run trains on one). */
  workers?: number;
}

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

/** A run's lifecycle: idle → preparing (the frozen layers run over the data) → training ⇄ paused
 *  (step mode) → done | failed | cancelled. The worker reports each change; a worker that died
 *  is reported `failed` by the client. */
export type RunState = 'idle' | 'preparing' | 'training' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface StateEvent {
  run_id: number; state: RunState; from: RunState;
  /** paused: after this many steps (0: before the first); done / cancelled: steps done. */
  step?: number;
  /** training in step mode: null (play on), 'step' (one step), 'epoch' (to the epoch end). */
  until?: null | 'step' | 'epoch';
  /** preparing: the run's steps in all. */
  total_steps?: number;
  /** failed: why. */
  message?: string;
}

export interface RunHandlers {
  on_start?: (e: { run_id: number; info: TrainInfo }) => void;
  /** Each change of the run's state (a search's too: preparing → training → its end). */
  on_state?: (e: StateEvent) => void;
  on_step?: (s: StepEvent) => void; on_epoch?: (e: EpochSummary) => void; on_progress?: (p: ProgressEvent) => void;
  on_checkpoint?: (c: CheckpointEvent) => void;
  /** Start in step mode: paused once the frozen layers are cached. */
  paused?: boolean;
  /** The run waits (after pause(), stepOnce(), stepEpoch(), or at the start with paused):
   *  on_state's `paused`, in step mode's words. */
  on_paused?: (e: { run_id: number; step: number }) => void;
  /** The run steps on: until null (play), 'step' (one step) or 'epoch' (to the epoch end):
   *  on_state's `training`, in step mode's words. */
  on_playing?: (e: { run_id: number; until: null | 'step' | 'epoch' }) => void;
  /** With `teaching`: epoch 0 before the first step, then each epoch end. */
  on_map?: (m: MapFrame & { run_id: number }) => void;
}
