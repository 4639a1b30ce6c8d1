//! `tabtune train`'s settings flags. Each is a RunConfig key in kebab-case; the flags are written
//! over `--config FILE`'s JSON object and the result goes through `RunConfig::from_value`, the
//! parser the page's `tt.train({...})` uses, so a bad value gets the same message either way.
//! Enum-like flags are plain strings for that reason: serde names the key and the choices.
use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value};
use tabtune::{Error, Result, RunConfig};

use super::files;

#[derive(Args)]
// `--lr -1` reaches RunConfig's check (which says what would work) instead of clap's usage text
#[command(allow_negative_numbers = true)]
pub struct SettingsArgs {
    /// Settings as one JSON object with RunConfig's keys (README "Settings"); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Trainable encoder layers (images: MBConv blocks; sounds: speech_embedding blocks) from the top: 0 = head only … all of them (or `all`).
    #[arg(long, value_name = "N|all")]
    layers: Option<String>,
    /// Passes over the training rows.
    #[arg(long)]
    epochs: Option<usize>,
    /// Peak learning rate, reached after warm-up.
    #[arg(long)]
    lr: Option<f64>,
    /// Rows per step.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Tokens per text, [CLS] and [SEP] included; longer texts are truncated.
    #[arg(long)]
    max_len: Option<usize>,
    /// Images: the side (pixels) each image is scaled and centre-cropped to (32 to 512).
    #[arg(long)]
    image_size: Option<usize>,
    /// Share of each class held out for validation (0 = none).
    #[arg(long)]
    val_split: Option<f64>,
    /// Seeds the split, the sample, the epoch order, dropout and the new head.
    #[arg(long)]
    seed: Option<u64>,
    /// auto, classification, multi_label, regression, image (a folder or zip of class folders, on an image model) or audio (class folders of clips, on a sound model).
    #[arg(long)]
    task: Option<String>,
    /// sgd, rmsprop, adam or adamw.
    #[arg(long)]
    optimizer: Option<String>,
    /// SGD / RMSProp momentum.
    #[arg(long)]
    momentum: Option<f64>,
    /// Nesterov momentum (sgd with --momentum above 0); `--nesterov false` turns it off.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    nesterov: Option<bool>,
    /// Adam(W)'s β1,β2, e.g. 0.9,0.999.
    #[arg(long, value_delimiter = ',', value_name = "B1,B2")]
    betas: Option<Vec<f64>>,
    /// Adam(W) / RMSProp epsilon.
    #[arg(long)]
    eps: Option<f64>,
    /// RMSProp smoothing constant.
    #[arg(long)]
    alpha: Option<f64>,
    /// Decoupled for adamw, L2 added to the gradient for the others (as torch).
    #[arg(long)]
    weight_decay: Option<f64>,
    /// constant, linear, cosine, step or exponential (after the warm-up).
    #[arg(long)]
    schedule: Option<String>,
    /// Share of all steps spent warming the LR up from 0.
    #[arg(long)]
    warmup: Option<f64>,
    /// Step schedule: decay every N steps (default: one epoch).
    #[arg(long, value_name = "N")]
    step_every: Option<usize>,
    /// Step / exponential schedule: the decay factor.
    #[arg(long)]
    gamma: Option<f64>,
    /// L1 penalty on the trainable weight matrices.
    #[arg(long)]
    l1: Option<f64>,
    /// Clip the global gradient norm to this.
    #[arg(long)]
    clip_norm: Option<f64>,
    /// Classification: share of the target spread over all classes.
    #[arg(long)]
    label_smoothing: Option<f64>,
    /// Classification: `balanced` or label=weight pairs, e.g. pos=2,neg=1.
    #[arg(long, value_name = "balanced|LABEL=W,...")]
    class_weights: Option<String>,
    /// Each lower trainable layer learns at the LR of the one above × this.
    #[arg(long)]
    layer_lr_decay: Option<f64>,
    /// Dropout before the head.
    #[arg(long)]
    dropout: Option<f64>,
    /// Dropout inside the trainable layers (default: the model's config.json).
    #[arg(long)]
    encoder_dropout: Option<f64>,
    /// Stop when this validation metric stops improving, e.g. val_loss, val_acc, val_r2.
    #[arg(long, value_name = "METRIC")]
    early_stopping: Option<String>,
    /// Epochs without improvement before early stopping.
    #[arg(long)]
    patience: Option<usize>,
    /// Multi-label: predict a label at this probability or above.
    #[arg(long)]
    threshold: Option<f64>,
    /// Read the loss back every N steps.
    #[arg(long, value_name = "N")]
    log_every: Option<usize>,
    /// pretrained (the model's encoder, a fresh head) or continue (a fine-tuned model's head too).
    #[arg(long)]
    init: Option<String>,
    /// Train on a sample of N rows, balanced over the classes and seeded (a quick run on a big file).
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
    /// Host memory (MB) the frozen-prefix cache may take; past it the prefix runs per batch.
    #[arg(long)]
    cache_budget_mb: Option<usize>,
    /// f16 or f32: precision of the cached prefix states.
    #[arg(long)]
    cache_dtype: Option<String>,
    /// standard, or contrastive: few examples per class (pairs of rows, then the head is fitted).
    #[arg(long)]
    strategy: Option<String>,
    /// Contrastive: rounds of pairs (each gives every row a same-class and an other-class pair).
    #[arg(long, value_name = "N")]
    pairs_per_row: Option<usize>,
    /// mean (default; sentence-transformers' pooling) or cls (BERT's pooler: exports as
    /// BertForSequenceClassification, loads in transformers' pipeline).
    #[arg(long)]
    pooling: Option<String>,
    /// Add N altered copies of each training row or clip (validation rows are never altered).
    #[arg(long, value_name = "N")]
    augment: Option<usize>,
    /// The alterations augmentation draws from (default all of the kind): texts delete,swap,crop;
    /// sounds shift,speed,gain,noise.
    #[arg(long, value_delimiter = ',', value_name = "OPS")]
    augment_ops: Option<Vec<String>>,
    /// The teaching view's data: per-step layer activity and the validation rows' 2-D map each
    /// epoch, printed as JSON lines ({"type":"activity"…}, {"type":"map"…}); costs extra reads.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    teaching: Option<bool>,
}

impl SettingsArgs {
    /// `--config`'s object with the flags written over it, parsed as the page's settings are.
    pub fn run_config(&self) -> Result<RunConfig> {
        let mut obj = match &self.config {
            Some(path) => read_object(path)?,
            None => Map::new(),
        };
        macro_rules! put {
            ($($key:ident),*) => { $(if let Some(v) = &self.$key {
                obj.insert(stringify!($key).to_string(), to_json(stringify!($key), v)?);
            })* };
        }
        if let Some(l) = &self.layers {
            // a number stays a number; "all" (or a mistake, which the parser names) a string
            obj.insert("layers".into(), l.parse::<usize>().map_or_else(|_| Value::String(l.clone()), Value::from));
        }
        put!(epochs, lr, batch_size, max_len, image_size, val_split, seed, task, optimizer, momentum, nesterov, betas,
             eps, alpha, weight_decay, schedule, warmup, step_every, gamma, l1, clip_norm, label_smoothing,
             layer_lr_decay, dropout, encoder_dropout, early_stopping, patience, threshold, log_every, init,
             sample, cache_budget_mb, cache_dtype, strategy, pairs_per_row, pooling);
        put!(teaching);
        if self.augment.is_some() || self.augment_ops.is_some() {
            let mut aug = Map::new();
            aug.insert("copies".into(), Value::from(self.augment.unwrap_or(1)));
            if let Some(ops) = &self.augment_ops {
                aug.insert("ops".into(), Value::from(ops.clone()));
            }
            obj.insert("augment".into(), Value::Object(aug));
        }
        if let Some(w) = &self.class_weights {
            obj.insert("class_weights".into(), class_weights(w)?);
        }
        RunConfig::from_value(Value::Object(obj))
    }
}

fn to_json<T: serde::Serialize>(key: &str, v: &T) -> Result<Value> {
    let flag = key.replace('_', "-");
    let v = serde_json::to_value(v).map_err(|e| Error::Settings(format!("--{flag}: {e}")))?;
    // serde_json turns NaN and ±inf into null, which would read as "key missing" downstream
    if v.is_null() {
        return Err(Error::Settings(format!("--{flag} must be a finite number")));
    }
    Ok(v)
}

/// `balanced` stays a string (RunConfig's check names what else works); `a=2,b=1` becomes the
/// `{label: weight}` object the JSON form takes.
fn class_weights(s: &str) -> Result<Value> {
    if !s.contains('=') {
        return Ok(Value::String(s.to_string()));
    }
    let mut weights = Map::new();
    for pair in s.split(',') {
        let parsed = pair.split_once('=').and_then(|(label, w)| Some((label.trim(), w.trim().parse::<f64>().ok()?)));
        let Some((label, w)) = parsed else {
            return Err(Error::Settings(format!(
                "--class-weights: '{pair}' is not label=weight: write balanced or pairs like pos=2,neg=1 (labels with ',' or '=' go in --config)"
            )));
        };
        weights.insert(label.to_string(), to_json("class_weights", &w)?);
    }
    Ok(Value::Object(weights))
}

fn read_object(path: &std::path::Path) -> Result<Map<String, Value>> {
    let bytes = files::read(path)?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Settings(format!("{} is not JSON ({e}): write one object of settings, e.g. {{\"epochs\": 3}}", path.display())))?;
    match value {
        Value::Object(obj) => Ok(obj),
        _ => Err(Error::Settings(format!("{} must hold one JSON object of settings, e.g. {{\"epochs\": 3}}", path.display()))),
    }
}
