//! One serde struct describes a training run. The CLI's flags fill it; the page sends it as
//! JSON with the same snake_case keys; a missing key takes the default below.
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::BertConfig;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Trainable encoder layers counted from the top: 0 = head only … N = every layer.
    pub layers: usize,
    pub epochs: usize,
    /// Peak learning rate, reached after warm-up.
    pub lr: f64,
    pub batch_size: usize,
    /// Tokens per text, [CLS] and [SEP] included; longer texts are truncated.
    pub max_len: usize,
    /// Share of each class held out for validation (0 = none).
    pub val_split: f64,
    pub seed: u64,
    pub weight_decay: f64,
    /// Share of all steps spent warming the learning rate up linearly; it then decays to 0.
    pub warmup: f64,
    /// Dropout before the head (the encoder layers use config.json's own).
    pub dropout: f64,
    /// Read the loss back every this many steps (each read waits for the device).
    pub log_every: usize,
    /// Start from the pretrained base model (a fresh head) or continue the fine-tuned one.
    pub init: Init,
    /// Train on this many rows drawn per class (seeded) instead of all of them.
    pub sample: Option<usize>,
    /// Host memory the frozen-prefix cache may take; past it the prefix runs again each step.
    pub cache_budget_mb: usize,
    /// Precision of the cached prefix states (f16 halves the memory).
    pub cache_dtype: CacheDtype,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// The loaded model's encoder and a freshly initialised head: runs never build on each other.
    #[default]
    Pretrained,
    /// The model as fine-tuned so far, head included (same classes only).
    Continue,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheDtype {
    #[default]
    F16,
    F32,
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
            val_split: 0.1,
            seed: 0,
            weight_decay: 0.01,
            warmup: 0.1,
            dropout: 0.1,
            log_every: 1,
            init: Init::Pretrained,
            sample: None,
            cache_budget_mb: CACHE_BUDGET_MB,
            cache_dtype: CacheDtype::F16,
        }
    }
}

impl RunConfig {
    /// Every setting checked against the model, with a message that says what would work.
    pub fn check(&self, model: &BertConfig) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        let n = model.num_hidden_layers;
        if self.layers > n {
            return bad(format!("layers = {} but the model has {n} encoder layers: choose 0 (head only) to {n}", self.layers));
        }
        if self.epochs == 0 {
            return bad("epochs must be at least 1".into());
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr < 1.0) {
            return bad(format!("lr = {} is not a usable learning rate: use a value like 1e-4 (between 0 and 1)", self.lr));
        }
        if self.batch_size == 0 || self.batch_size > 4096 {
            return bad(format!("batch_size = {} must be between 1 and 4096", self.batch_size));
        }
        check_max_len(self.max_len, model)?;
        if !(0.0..=0.9).contains(&self.val_split) {
            return bad(format!("val_split = {} must be between 0 and 0.9", self.val_split));
        }
        if !(0.0..=1.0).contains(&self.weight_decay) {
            return bad(format!("weight_decay = {} must be between 0 and 1", self.weight_decay));
        }
        if !(0.0..1.0).contains(&self.warmup) {
            return bad(format!("warmup = {} must be at least 0 and below 1", self.warmup));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return bad(format!("dropout = {} must be at least 0 and below 1", self.dropout));
        }
        if self.log_every == 0 {
            return bad("log_every must be at least 1".into());
        }
        if self.sample == Some(0) {
            return bad("sample = 0 leaves no rows: give a number of rows, or leave it out to use them all".into());
        }
        Ok(())
    }

    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| Error::Settings(format!("training settings: {e}")))
    }
}

/// Every path that tokenizes (train, eval, predict, embed) checks max_len here: past
/// max_position_embeddings the position lookup would read outside its table.
pub fn check_max_len(max_len: usize, model: &BertConfig) -> Result<()> {
    let max = model.max_position_embeddings;
    if max_len < 3 || max_len > max {
        return Err(Error::Settings(format!(
            "max_len = {max_len} must be between 3 and {max} (the model's max_position_embeddings)"
        )));
    }
    Ok(())
}
