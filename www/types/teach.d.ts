// The teaching view's data: per-layer activity, the map, attention and mistakes.
// tabtune.d.ts re-exports every type here.

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
