// The data and the models: what loadData, loadModel, state() and predict() answer.
// tabtune.d.ts re-exports every type here.
import type { ImageState } from '../images';
import type { Task } from './config';

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

/** loadModel's answer for a text model (ImageModelInfo, kind 'image', for an image model). */
export interface ModelInfo {
  kind?: 'text';
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
  /** Every kind's slot by its name ('text', 'image', 'audio'): the loaded base, the model that
   *  predicts (null until a run of that kind finishes, or a loaded model has a head), and the
   *  data the core holds (`examples`: rows, images or clips handed over at a run's start). */
  kinds: Record<'text' | 'image' | 'audio', {
    base: Record<string, unknown> | null;
    model: { labels: string[]; fingerprint: string; fine_tuned: boolean } | null;
    data: { kind: string; examples: number } | null;
  }>;
  /** The training or search in the worker, and its kind; null when none. */
  run: { id: number; kind: 'text' | 'image' | 'audio' } | null;
  /** Where the run in the worker stands ('idle' when none): see RunState. */
  run_state: import('./run').RunState;
}

/** classification: the class and a softmax p per class; multi_label: label 'a|b', the labels
 *  at or above the threshold and a sigmoid p per label; regression: label '3.2' and the value. */
export type Prediction =
  | { label: string; probs: Record<string, number>; labels?: undefined; value?: undefined }
  | { label: string; labels: string[]; probs: Record<string, number>; value?: undefined }
  | { label: string; value: number; probs?: undefined; labels?: undefined };
export type DataInput = File | Blob | ArrayBuffer | ArrayBufferView | string;
