// The sound types of the JS API (tt.addSounds and friends); tabtune.d.ts re-exports them.

/** What the worker holds after a change: the counts the page shows. */
export interface SoundDataInfo {
  clips: number;
  /** In class-index order (numeric when every class is an integer, else code-unit order). */
  classes: { name: string; count: number }[];
}

/** A file or recording left out, and why (the CLI's words for the clip rule): `name: message`. */
export interface SoundProblem { name: string; message: string }

export interface AddSoundsResult {
  /** `peaks`: the clip's outline for a thumbnail, 100 columns of [lowest, highest] sample
   *  (−1 to 1) across its one second; `id` is for removeSounds. */
  added: { id: number; name: string; label: string; peaks: Float32Array }[];
  problems: SoundProblem[];
  /** What was decided on the way (a wrapper folder looked through, labels from labels.csv, …). */
  notes: string[];
  data: SoundDataInfo;
}

/** A sound tt.predict takes: samples (mono, or interleaved `channels`) at any rate, or a decoded
 *  AudioBuffer. Any length from 0.1 s to 60 s: the model hears its loudest second. */
export type SoundInput = { samples: Float32Array; sample_rate: number; channels?: number } | AudioBuffer;

/** A file with the path that names its class ("words/yes/1.wav"). */
export interface SoundItem { path: string; file: Blob }

/** tt.loadModel's answer for a sound model (models/speech-embedding/). */
export interface SoundModelInfo {
  kind: 'audio';
  /** speech_embedding's blocks (9): a sound run's `layers` counts these. */
  blocks: number;
  fingerprint: string;
  [key: string]: unknown;
}

/** tt.predict(sound)'s answer: the top class, each class's probability, the time it took. */
export interface SoundPrediction { label: string; probs: Record<string, number>; ms: number }
