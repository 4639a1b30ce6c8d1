// The settings of a run: TrainConfig (RunConfig's keys, as the CLI's --config takes them) and
// the names its values use. tabtune.d.ts re-exports every type here.

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
  task?: 'auto' | Task | 'image' | 'audio';
  /** Sound runs: task 'audio', on the worker's clips (addSounds, addRecording) and the loaded
   *  sound model (models/speech-embedding/); `layers` counts its 9 blocks.
   *  Image runs (task 'image', on the worker's images and the loaded image model; `layers` then
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
  /** Memory (MB) one training step may take; a run whose estimate is past it is refused with
   *  the largest batch that fits (the tab's default: what 4 GB leaves beside the cache and the
   *  model). */
  step_budget_mb?: number;
  cache_dtype?: 'f16' | 'f32';
}

export type Strategy = 'standard' | 'contrastive';
/** How the head reads the encoder: the mean over tokens, or BERT's [CLS] pooler (tanh(dense(h[CLS]))). */
export type PoolingKind = 'mean' | 'cls';
export type ExportFormat = 'hf' | 'sentence-transformers' | 'onnx';
/** `copies` altered copies of each training row (0 = none), each by one of `ops` (left out: all of
 *  the run's kind). Texts: 'delete' (drop each word with p 0.1), 'swap' (two words, once per ten),
 *  'crop' (a contiguous 70–99 % span). Sounds (task 'audio'): 'shift' (the word 10–150 ms earlier
 *  or later), 'speed' (0.9–1.1× as fast, and as high), 'gain' (−12 to +6 dB), 'noise' (white
 *  noise 10–30 dB below the clip). Validation rows are never altered. */
export interface Augment { copies: number; ops?: ('delete' | 'swap' | 'crop' | 'shift' | 'speed' | 'gain' | 'noise')[] }
