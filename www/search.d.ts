// The search and cross-validation types of the JS API (tt.search, tt.crossValidate); tabtune.d.ts re-exports them.
import type { EpochSummary, Monitor, StateEvent, TrainConfig, TrainInfo } from './tabtune';

/** A grid search (tt.search) or cross-validation: `grid` values override `base` (both RunConfig keys). */
export interface SearchSpec {
  grid?: Partial<Record<keyof TrainConfig, unknown[]>>;
  base?: TrainConfig;
  /** 0 or absent: each run validates on base's val_split; K ≥ 2: stratified K-fold cross-validation. */
  folds?: number;
  /** The monitor that ranks the runs (default by task). */
  metric?: Monitor;
}

/** What the search will do: each run's grid values, the folds, the metric and its direction. */
export interface SearchPlan {
  runs: Record<string, unknown>[]; folds: number; metric: Monitor; higher_is_better: boolean;
  /** runs × max(folds, 1). */
  trainings: number;
}

/** One fold's (or, without folds, the run's) validation scores, keyed by monitor. */
export interface FoldResult { fold: number | null; scores: Partial<Record<Monitor, number>> }

/** A finished run of a search: its grid values, full config, per-fold scores, and the mean and
 *  standard deviation of every metric over the folds; `score` is the chosen metric's mean. */
export interface RunResult {
  run: number; values: Record<string, unknown>; config: TrainConfig; folds: FoldResult[];
  mean: Partial<Record<Monitor, number>>; std: Partial<Record<Monitor, number>>; score: number; seconds: number;
}

/** The core's search events as the worker reports them. */
export type SearchEvent =
  | { type: 'started'; run: number; fold: number | null; info: TrainInfo }
  | { type: 'prepare'; run: number; fold: number | null; done: number; total: number }
  | { type: 'step'; run: number; fold: number | null; step: number; total_steps: number; epoch: number; lr: number; loss: number | null }
  | { type: 'epoch'; run: number; fold: number | null; summary: EpochSummary }
  | { type: 'fold'; run: number; fold: number | null; scores: Partial<Record<Monitor, number>> }
  | { type: 'result'; result: RunResult }
  | { type: 'done'; cancelled: boolean; prefix_passes: number };

/** A search's progress: the phase, the training (run × fold) it is in of all, and an ETA from
 *  the time so far and the steps done over all trainings. 'cancelling': the cancel arrived; at
 *  most the step then in flight follows. */
export interface SearchProgress {
  phase: 'training' | 'prepare' | 'step' | 'cancelling';
  run?: number; fold?: number | null; done?: number; total?: number; step?: number; total_steps?: number;
  training?: number; trainings?: number; seconds?: number; steps_done?: number; steps_total?: number; eta_s?: number | null;
}

export interface SearchHandlers {
  on_start?: (e: { run_id: number; plan: SearchPlan }) => void;
  /** The search's state: preparing → training (its first training starts) → done | failed | cancelled. */
  on_state?: (e: StateEvent) => void;
  on_training?: (e: { run_id: number; run: number; fold: number | null; info: TrainInfo }) => void;
  on_progress?: (p: SearchProgress & { run_id: number }) => void;
  on_step?: (s: { run_id: number; run: number; fold: number | null; step: number; total_steps: number; epoch: number; lr: number; loss: number | null }) => void;
  on_epoch?: (e: EpochSummary & { run_id: number; run: number; fold: number | null }) => void;
  on_fold?: (f: { run_id: number; run: number; fold: number | null; scores: Partial<Record<Monitor, number>> }) => void;
  on_result?: (r: { run_id: number; result: RunResult }) => void;
}

export interface SearchResult {
  run_id: number; plan: SearchPlan;
  /** Finished runs, best first by the plan's metric (those finished before a cancel are kept). */
  results: RunResult[];
  /** The best run's full config (train(best) trains it), or null when none finished. */
  best: TrainConfig | null;
  /** Trainings that had to run the frozen prefix (runs of the same frozen depth share one). */
  prefix_passes: number; cancelled: boolean; seconds: number;
}

export interface CrossValidateResult {
  run_id: number; folds: FoldResult[];
  mean: Partial<Record<Monitor, number>>; std: Partial<Record<Monitor, number>>; cancelled: boolean; seconds: number;
}
