//! One serde struct describes a training run. The CLI's flags fill it; the page sends it as
//! JSON with the same snake_case keys; a missing key takes the default below.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::BertConfig;
use crate::task::{Task, TaskChoice};

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
    /// Classification, multi-label or regression; `auto` reads it off the label column.
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
pub enum OptimizerKind {
    Sgd,
    #[serde(rename = "rmsprop")]
    RmsProp,
    Adam,
    #[default]
    #[serde(rename = "adamw")]
    AdamW,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleKind {
    Constant,
    #[default]
    Linear,
    Cosine,
    Step,
    Exponential,
}

/// `"balanced"` (n_rows / (n_classes · count), as scikit-learn) or explicit weights by label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassWeights {
    Named(String),
    Explicit(BTreeMap<String, f64>),
}

/// Validation metrics early stopping can watch, and whether lower is better.
pub const MONITORS: &[(&str, bool)] = &[
    ("val_loss", true),
    ("val_acc", false),
    ("val_macro_f1", false),
    ("val_micro_f1", false),
    ("val_subset_acc", false),
    ("val_mse", true),
    ("val_mae", true),
    ("val_r2", false),
    ("val_pearson", false),
];

/// The monitors that exist for a task.
pub fn monitors_for(task: Task) -> &'static [&'static str] {
    match task {
        Task::Classification => &["val_loss", "val_acc", "val_macro_f1"],
        Task::MultiLabel => &["val_loss", "val_micro_f1", "val_macro_f1", "val_subset_acc"],
        Task::Regression => &["val_loss", "val_mse", "val_mae", "val_r2", "val_pearson"],
    }
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
        if !(0.0..1.0).contains(&self.dropout) {
            return bad(format!("dropout = {} must be at least 0 and below 1", self.dropout));
        }
        if let Some(d) = self.encoder_dropout {
            if !(0.0..1.0).contains(&d) {
                return bad(format!("encoder_dropout = {d} must be at least 0 and below 1 (leave it out to keep the model's own)"));
            }
        }
        self.check_optimizer()?;
        self.check_schedule()?;
        self.check_regularizers()?;
        if let Some(m) = &self.early_stopping {
            if !MONITORS.iter().any(|(name, _)| name == m) {
                let names: Vec<&str> = MONITORS.iter().map(|(n, _)| *n).collect();
                return bad(format!("early_stopping = \"{m}\" is not a validation metric: use one of {}", names.join(", ")));
            }
            if self.val_split == 0.0 {
                return bad("early_stopping needs validation rows: set val_split above 0 (e.g. 0.1)".into());
            }
        }
        if self.patience == 0 {
            return bad("patience = 0 would stop before any epoch could improve: use 1 or more".into());
        }
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return bad(format!("threshold = {} must be between 0 and 1 (exclusive), e.g. 0.5", self.threshold));
        }
        if self.log_every == 0 {
            return bad("log_every must be at least 1".into());
        }
        if self.sample == Some(0) {
            return bad("sample = 0 leaves no rows: give a number of rows, or leave it out to use them all".into());
        }
        Ok(())
    }

    fn check_optimizer(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return bad(format!("momentum = {} must be at least 0 and below 1 (0.9 is usual)", self.momentum));
        }
        if self.momentum > 0.0 && !matches!(self.optimizer, OptimizerKind::Sgd | OptimizerKind::RmsProp) {
            return bad(format!("momentum applies to optimizer sgd or rmsprop, not {}: set momentum = 0 or change the optimizer", self.optimizer.name()));
        }
        if self.nesterov && (self.optimizer != OptimizerKind::Sgd || self.momentum == 0.0) {
            return bad("nesterov needs optimizer = sgd with momentum above 0 (e.g. momentum = 0.9)".into());
        }
        if !self.betas.iter().all(|b| b.is_finite() && (0.0..1.0).contains(b)) {
            return bad(format!("betas = {:?} must each be at least 0 and below 1, e.g. [0.9, 0.999]", self.betas));
        }
        if !(self.eps.is_finite() && self.eps > 0.0 && self.eps < 1.0) {
            return bad(format!("eps = {} must be above 0 and below 1, e.g. 1e-8", self.eps));
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha < 1.0) {
            return bad(format!("alpha = {} must be above 0 and below 1, e.g. 0.99", self.alpha));
        }
        if !(0.0..=1.0).contains(&self.weight_decay) {
            return bad(format!("weight_decay = {} must be between 0 and 1", self.weight_decay));
        }
        Ok(())
    }

    fn check_schedule(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(0.0..1.0).contains(&self.warmup) {
            return bad(format!("warmup = {} must be at least 0 and below 1", self.warmup));
        }
        if self.step_every == Some(0) {
            return bad("step_every = 0: give the number of steps between decays (1 or more), or leave it out for one epoch".into());
        }
        if let Some(g) = self.gamma {
            if !(g.is_finite() && g > 0.0 && g <= 1.0) {
                return bad(format!("gamma = {g} must be above 0 and at most 1 (the LR is multiplied by it), e.g. 0.5"));
            }
        }
        if (self.step_every.is_some() && self.schedule != ScheduleKind::Step)
            || (self.gamma.is_some() && !matches!(self.schedule, ScheduleKind::Step | ScheduleKind::Exponential))
        {
            return bad(format!("step_every and gamma apply to schedule step (gamma also to exponential), not {}: remove them or change the schedule", self.schedule.name()));
        }
        Ok(())
    }

    fn check_regularizers(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(self.l1.is_finite() && self.l1 >= 0.0 && self.l1 <= 1.0) {
            return bad(format!("l1 = {} must be between 0 and 1 (e.g. 1e-6)", self.l1));
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return bad(format!("clip_norm = {c} must be above 0 (e.g. 1.0), or left out for no clipping"));
            }
        }
        if !(0.0..1.0).contains(&self.label_smoothing) {
            return bad(format!("label_smoothing = {} must be at least 0 and below 1 (e.g. 0.1)", self.label_smoothing));
        }
        if !(self.layer_lr_decay.is_finite() && self.layer_lr_decay > 0.0 && self.layer_lr_decay <= 1.0) {
            return bad(format!("layer_lr_decay = {} must be above 0 and at most 1 (1 = the same LR for every layer, 0.8 is usual)", self.layer_lr_decay));
        }
        match &self.class_weights {
            Some(ClassWeights::Named(n)) if n != "balanced" => {
                return bad(format!("class_weights = \"{n}\": use \"balanced\" or an object of weights by label, e.g. {{\"pos\": 2}}"));
            }
            Some(ClassWeights::Explicit(w)) => {
                if let Some((label, v)) = w.iter().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
                    return bad(format!("class_weights: the weight of '{label}' is {v}; weights must be above 0"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The checks that need the data: the task and its labels (the trainer calls this).
    pub fn check_task(&self, task: Task, labels: &[String]) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if task != Task::Classification {
            if self.label_smoothing > 0.0 {
                return bad(format!("label_smoothing applies to classification, but this run's task is {}: set it to 0", task.name()));
            }
            if self.class_weights.is_some() {
                return bad(format!("class_weights apply to classification, but this run's task is {}: remove them", task.name()));
            }
        }
        if let Some(ClassWeights::Explicit(w)) = &self.class_weights {
            if let Some(unknown) = w.keys().find(|k| !labels.contains(k)) {
                return bad(format!("class_weights names '{unknown}', which is not a class of this data ({})", labels.join(", ")));
            }
        }
        if let Some(m) = &self.early_stopping {
            let allowed = monitors_for(task);
            if !allowed.contains(&m.as_str()) {
                return bad(format!("early_stopping = \"{m}\" is not measured for {}: use one of {}", task.name(), allowed.join(", ")));
            }
        }
        Ok(())
    }

    /// Parses settings; a bad value's message names its key (`optimizer: unknown variant …`).
    pub fn from_json(json: &str) -> Result<Self> {
        let de = &mut serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(de).map_err(settings_error)
    }

    /// As `from_json`, from a parsed JSON value (the CLI's flags, the page's message).
    pub fn from_value(value: serde_json::Value) -> Result<Self> {
        serde_path_to_error::deserialize(value).map_err(settings_error)
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

impl OptimizerKind {
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::RmsProp => "rmsprop",
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
        }
    }
}

impl ScheduleKind {
    pub fn name(self) -> &'static str {
        match self {
            ScheduleKind::Constant => "constant",
            ScheduleKind::Linear => "linear",
            ScheduleKind::Cosine => "cosine",
            ScheduleKind::Step => "step",
            ScheduleKind::Exponential => "exponential",
        }
    }
}
