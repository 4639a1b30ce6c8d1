//! `RunConfig`: every setting of a run with its default, read from JSON (the page) or the
//! CLI's flags with the same snake_case keys; a contrastive run's own defaults; `"all"` layers.
use serde::{Deserialize, Serialize};

use super::choices::{CacheDtype, ClassWeights, Init, OptimizerKind, PoolingKind, ScheduleKind, Strategy};
use crate::data::Augment;
use crate::error::{Error, Result};
use crate::task::TaskChoice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Trainable encoder layers (images: MBConv blocks) counted from the top: 0 = head only …
    /// N = every layer; `"all"`
    /// (LAYERS_ALL until the model is known) is every layer, contrastive's default.
    #[serde(with = "layers_key")]
    pub layers: usize,
    pub epochs: usize,
    /// Peak learning rate, reached after warm-up.
    pub lr: f64,
    pub batch_size: usize,
    /// Tokens per text, [CLS] and [SEP] included; longer texts are truncated.
    pub max_len: usize,
    /// Images: the side (pixels) every image is scaled and centre-cropped to before the
    /// network; 224 is what the ImageNet weights saw, smaller trains faster.
    pub image_size: usize,
    /// Share of each class held out for validation (0 = none).
    pub val_split: f64,
    pub seed: u64,
    /// Classification, multi-label or regression; `auto` reads it off the label column;
    /// `image` trains the image model on a folder or zip of images (a class per folder).
    pub task: TaskChoice,
    /// sgd | rmsprop | adam | adamw, with torch.optim's semantics.
    pub optimizer: OptimizerKind,
    /// SGD and RMSProp momentum (0 = none).
    pub momentum: f64,
    /// Nesterov momentum (SGD, needs momentum > 0).
    pub nesterov: bool,
    /// Adam(W)'s β1, β2.
    pub betas: [f64; 2],
    /// Adam(W)'s and RMSProp's epsilon (RMSProp adds it outside the square root, as torch).
    pub eps: f64,
    /// RMSProp's smoothing constant.
    pub alpha: f64,
    /// AdamW: decoupled; SGD, RMSProp, Adam: L2 added to the gradient (torch's conventions).
    pub weight_decay: f64,
    /// constant | linear | cosine | step | exponential, each after the warm-up.
    pub schedule: ScheduleKind,
    /// Share of all steps spent warming the learning rate up linearly from 0.
    pub warmup: f64,
    /// Step decay: multiply the LR by `gamma` every this many steps (default: one epoch).
    pub step_every: Option<usize>,
    /// Step decay factor (default 0.5), or exponential decay per step (default: reaching 1% of
    /// the peak at the last step).
    pub gamma: Option<f64>,
    /// L1 penalty: `l1 · Σ|W|` over the trainable weight matrices, added to the loss.
    pub l1: f64,
    /// Clip the global L2 norm of all trainable gradients to this (none when absent).
    pub clip_norm: Option<f64>,
    /// Classification: share of the target mass spread evenly over all classes.
    pub label_smoothing: f64,
    /// Classification: `"balanced"` or `{label: weight}` (labels not named weigh 1).
    pub class_weights: Option<ClassWeights>,
    /// Each trainable layer below the top one learns at the LR of the layer above × this.
    pub layer_lr_decay: f64,
    /// Dropout before the head.
    pub dropout: f64,
    /// Dropout inside the trainable encoder layers (default: the model's config.json).
    pub encoder_dropout: Option<f64>,
    /// Stop when this validation metric (e.g. `val_loss`, `val_acc`, `val_r2`) has not improved
    /// for `patience` epochs, and keep the best epoch's weights.
    pub early_stopping: Option<String>,
    pub patience: usize,
    /// Multi-label: a label is predicted when its probability is at least this.
    pub threshold: f64,
    /// Read the loss back every this many steps (each read waits for the device).
    pub log_every: usize,
    /// Start from the pretrained base model (a fresh head) or continue the fine-tuned one.
    pub init: Init,
    /// Train on a sample of this many rows in all, balanced over the classes (seeded).
    pub sample: Option<usize>,
    /// Host memory the frozen-prefix cache may take; past it the prefix runs again each step.
    pub cache_budget_mb: usize,
    /// Memory one training step may take (activations through the trainable layers, kept for
    /// the backward pass); a run whose estimate is past it is refused with the numbers and the
    /// largest batch that fits. None: not checked (the CLI's default; the tab sets what wasm32's
    /// 4 GB leaves beside the model and the cache).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_budget_mb: Option<usize>,
    /// Precision of the cached prefix states (f16 halves the memory).
    pub cache_dtype: CacheDtype,
    /// `standard`: cross-entropy through head and layers. `contrastive` (few examples): the
    /// layers learn from pairs of rows (same class or not), then the head is fitted on them.
    pub strategy: Strategy,
    /// Contrastive: rounds of pairs; each round gives every training row one same-class and
    /// one other-class partner.
    pub pairs_per_row: usize,
    /// Altered copies of the training rows (validation rows are never altered).
    pub augment: Option<Augment>,
    /// The teaching view: per-step layer activity and the embedding map each epoch (extra
    /// device reads, so off unless asked for).
    pub teaching: bool,
    /// How the head reads the encoder: `mean` over real tokens (sentence-transformers'), or
    /// `cls`, BERT's pooler (tanh(dense(h[CLS])), from the base model's `pooler.dense`, trained
    /// with the head) so the export is an exact `BertForSequenceClassification`.
    pub pooling: PoolingKind,
}

/// SetFit's recipe, where a contrastive run's settings leave a key out: every layer, one pass
/// over the pairs, 16 pairs a step; the LR 5e-5, not SetFit's 2e-5, which did less well on 64
/// SST-2 rows here and in a PyTorch sweep (README "Few examples").
pub fn contrastive_defaults() -> Vec<(&'static str, serde_json::Value)> {
    vec![("layers", "all".into()), ("epochs", 1.into()), ("batch_size", 16.into()), ("lr", 5e-5.into())]
}

/// `layers: "all"` before the model says how many that is.
pub const LAYERS_ALL: usize = usize::MAX;

/// `layers` as a number, or `"all"` (LAYERS_ALL).
mod layers_key {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::LAYERS_ALL;

    pub fn serialize<S: Serializer>(v: &usize, s: S) -> Result<S::Ok, S::Error> {
        if *v == LAYERS_ALL { s.serialize_str("all") } else { s.serialize_u64(*v as u64) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Layers {
            N(usize),
            Word(String),
        }
        match Layers::deserialize(d)? {
            Layers::N(n) => Ok(n),
            Layers::Word(w) if w == "all" => Ok(LAYERS_ALL),
            Layers::Word(w) => Err(D::Error::custom(format!("\"{w}\" is not a number of layers: use a number (0 = head only) or \"all\""))),
        }
    }
}

/// Default cache budget: well inside a wasm32 tab's 4 GB address space next to the model.
pub const CACHE_BUDGET_MB: usize = 1024;

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            layers: 2,
            epochs: 3,
            lr: 1e-4,
            batch_size: 32,
            max_len: 128,
            image_size: 224,
            val_split: 0.1,
            seed: 0,
            task: TaskChoice::Auto,
            optimizer: OptimizerKind::AdamW,
            momentum: 0.0,
            nesterov: false,
            betas: [0.9, 0.999],
            eps: 1e-8,
            alpha: 0.99,
            weight_decay: 0.01,
            schedule: ScheduleKind::Linear,
            warmup: 0.1,
            step_every: None,
            gamma: None,
            l1: 0.0,
            clip_norm: None,
            label_smoothing: 0.0,
            class_weights: None,
            layer_lr_decay: 1.0,
            dropout: 0.1,
            encoder_dropout: None,
            early_stopping: None,
            patience: 2,
            threshold: 0.5,
            log_every: 1,
            init: Init::Pretrained,
            sample: None,
            cache_budget_mb: CACHE_BUDGET_MB,
            step_budget_mb: None,
            cache_dtype: CacheDtype::F16,
            strategy: Strategy::Standard,
            pairs_per_row: 20,
            augment: None,
            teaching: false,
            pooling: PoolingKind::Mean,
        }
    }
}

impl RunConfig {
    /// Parses settings; a bad value's message names its key (`optimizer: unknown variant …`).
    pub fn from_json(json: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::Settings(format!("training settings: {e}")))?;
        Self::from_value(value)
    }

    /// As `from_json`, from a parsed JSON value (the CLI's flags, the page's message). A key left
    /// out of a contrastive run takes `contrastive_defaults()`, the others `Default`.
    pub fn from_value(mut value: serde_json::Value) -> Result<Self> {
        if let Some(m) = value.as_object_mut() {
            if m.get("strategy").and_then(|s| s.as_str()) == Some("contrastive") {
                for (key, v) in contrastive_defaults() {
                    if m.get(key).is_none_or(|old| old.is_null()) {
                        m.insert(key.into(), v);
                    }
                }
            }
        }
        serde_path_to_error::deserialize(value).map_err(settings_error)
    }

    /// `layers: "all"` made `n`, the model's layers (text) or blocks (images).
    pub fn resolve_layers(&mut self, n: usize) {
        if self.layers == LAYERS_ALL {
            self.layers = n;
        }
    }
}

fn settings_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    // serde_json appends " at line 1 column 27", which means nothing to someone who set a flag.
    let inner = inner.split(" at line ").next().unwrap_or(&inner);
    if path == "." || inner.starts_with("unknown field") {
        Error::Settings(format!("training settings: {inner}"))
    } else {
        Error::Settings(format!("training settings: {path}: {inner}"))
    }
}
