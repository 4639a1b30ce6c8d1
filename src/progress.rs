//! What a run reports: the facts known before its first step, each step, and each epoch (the
//! CLI prints these as JSON lines; the worker posts them to the page).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::head::ParamGroup;
use crate::kind::DataSummary;
use crate::metrics::TaskMetrics;
use crate::run::{RunConfig, Strategy};
use crate::task::Task;

/// Facts about a run, known before the first step.
#[derive(Clone, Debug, Serialize)]
pub struct TrainInfo {
    pub task: Task,
    pub optimizer: String,
    pub schedule: String,
    /// What trains at which LR multiplier (bottom layer first, the head last).
    pub param_groups: Vec<ParamGroup>,
    /// Rows the run uses (after `sample`), split into train and validation.
    pub rows: usize,
    pub train_rows: usize,
    pub val_rows: usize,
    /// standard, or contrastive (few-shot pairs, then the head).
    pub strategy: Strategy,
    /// Contrastive: the pairs an epoch steps through (0 otherwise).
    pub pairs: usize,
    /// Altered copies of training rows that augmentation added (in `train_rows`).
    pub augmented_rows: usize,
    pub labels: Vec<String>,
    pub frozen_layers: usize,
    pub trainable_layers: usize,
    pub trainable_params: usize,
    pub steps_per_epoch: usize,
    pub total_steps: usize,
    /// Texts longer than max_len tokens, cut at max_len.
    pub truncated: usize,
    /// Megabytes the frozen-prefix cache needs (as f16 or f32), and whether it is kept.
    pub cache_mb: f64,
    pub cache_budget_mb: usize,
    pub cached: bool,
    /// What the run decided on the user's behalf (a sample, no cache), said in words.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepInfo {
    pub step: usize,
    pub epoch: usize,
    pub lr: f64,
    /// Present every `log_every` steps and at the end of each epoch.
    pub loss: Option<f32>,
    /// The global gradient norm before clipping (with `clip_norm`, when the loss is read).
    pub grad_norm: Option<f32>,
    /// With `teaching`: each trainable group's gradient norm and weight change this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<Vec<crate::teach::Activity>>,
    /// The epoch this step finished, evaluated on the validation rows.
    #[serde(skip)]
    pub epoch_end: Option<EpochSummary>,
}

/// One line per epoch, with the keys the CLI prints.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EpochSummary {
    pub epoch: usize,
    pub train_loss: f32,
    pub val_loss: Option<f32>,
    pub val_acc: Option<f64>,
    pub val_macro_f1: Option<f64>,
    /// Training rows per second (contrastive: pairs per second).
    pub samples_per_s: f64,
    /// Padded slots over all slots of the epoch's training batches (each padded to its longest
    /// row); 0 in checkpoints saved before it was reported.
    #[serde(default)]
    pub padding_share: f64,
    /// Every scalar validation metric of the task, by monitor name (`val_loss`, `val_r2`, …).
    #[serde(default)]
    pub val_scores: BTreeMap<String, f64>,
    /// Under early stopping: the best epoch so far.
    #[serde(default)]
    pub best_epoch: Option<usize>,
    /// Early stopping ended the run after this epoch.
    #[serde(default)]
    pub stopped_early: bool,
    #[serde(skip)]
    pub val_metrics: Option<TaskMetrics>,
}

/// What a finished run was, for its model card (`export::card`; `Trainer::facts` gathers it).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunFacts {
    /// The kind's name ("text", "image", "audio").
    pub kind: String,
    pub task: Task,
    pub labels: Vec<String>,
    pub data: DataSummary,
    pub train_rows: usize,
    pub val_rows: usize,
    /// Layers (or blocks) left as pretrained, trained, and what they are ("BERT layers").
    pub frozen: usize,
    pub trainable: usize,
    pub units: String,
    pub trainable_params: usize,
    pub settings: RunConfig,
    /// Every epoch's summary, as the CLI printed it.
    pub epochs: Vec<EpochSummary>,
    /// The epoch whose weights the model has (the best one under early stopping).
    pub kept_epoch: usize,
    /// That epoch's validation scores (None without a validation split).
    pub validation: Option<TaskMetrics>,
    /// The day the facts were taken, UTC, as YYYY-MM-DD.
    pub date: String,
}

#[cfg(test)]
mod tests {
    use super::EpochSummary;

    #[test]
    fn an_epoch_saved_before_the_padding_share_still_loads() {
        let old = r#"{"epoch":1,"train_loss":0.5,"val_loss":null,"val_acc":null,"val_macro_f1":null,"samples_per_s":10.0}"#;
        let e: EpochSummary = serde_json::from_str(old).expect("an old checkpoint's epoch loads");
        assert_eq!(e.padding_share, 0.0);
    }
}
