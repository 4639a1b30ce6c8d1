//! The named choices among a run's settings (pooling, strategy, init, optimizer, schedule,
//! class weights, cache precision), with the names the settings spell them by.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolingKind {
    #[default]
    Mean,
    Cls,
}

impl PoolingKind {
    pub fn name(self) -> &'static str {
        match self {
            PoolingKind::Mean => "mean",
            PoolingKind::Cls => "cls",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    #[default]
    Standard,
    Contrastive,
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheDtype {
    #[default]
    F16,
    F32,
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
