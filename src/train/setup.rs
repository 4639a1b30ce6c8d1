//! What a run derives from its settings and data before it starts, and the run assembled from
//! what its constructor (text or image) prepared.
use burn::module::Module;
use burn::prelude::*;

use super::trainer::PREPARE_CHUNK;
use super::split::Split;
use crate::progress::TrainInfo;
use super::trainer::Trainer;
use crate::kind::Base;
use crate::kind::Top;
use crate::contrastive::Pair;
use crate::data::Example;
use crate::early_stop::EarlyStop;
use crate::loss::Objective;
use crate::optim::{Optimizer, Settings};
use crate::schedule::Schedule;
use crate::fingerprint::fingerprint;
use crate::run::{ClassWeights, RunConfig};
use crate::task::{Targets, Task};

/// `"balanced"`: n / (classes · count) on the training rows, as scikit-learn; explicit: by
/// label, 1 for labels not named; none: all 1.
fn class_weights(cfg: &RunConfig, labels: &[String], targets: &Targets) -> Vec<f32> {
    let Targets::Classes(y) = targets else { return Vec::new() };
    match &cfg.class_weights {
        None => vec![1.0; labels.len()],
        Some(ClassWeights::Explicit(w)) => labels.iter().map(|l| w.get(l).copied().unwrap_or(1.0) as f32).collect(),
        Some(ClassWeights::Named(_)) => {
            let mut count = vec![0usize; labels.len()];
            y.iter().for_each(|&c| count[c] += 1);
            let n = y.len() as f32;
            // a class absent from the training rows never weighs in: any finite value will do
            count.iter().map(|&c| if c == 0 { 1.0 } else { n / (labels.len() as f32 * c as f32) }).collect()
        }
    }
}

pub(super) fn data_fingerprint(train: &[Example], val: &[Example]) -> String {
    let mut bytes = Vec::new();
    for (tag, part) in [(b'T', train), (b'V', val)] {
        for e in part {
            bytes.push(tag);
            bytes.extend_from_slice(e.text.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(e.label.as_bytes());
            bytes.push(0);
        }
    }
    fingerprint(&[&bytes])
}

/// What a run's constructor (text in `text.rs`, images in `image.rs`) hands to `assemble`.
pub(crate) struct Parts {
    pub cfg: RunConfig,
    pub base: Base,
    pub top: Top,
    pub train: Split,
    pub val: Split,
    pub task: Task,
    pub labels: Vec<String>,
    /// Contrastive: the pairs of training rows (empty otherwise).
    pub pairs: Vec<Pair>,
    /// The rows the frozen part runs over, in the order it runs them; empty when the cache is off.
    pub pending: Vec<(bool, usize)>,
    /// Layers (text) or blocks (images) below the trainable ones.
    pub frozen_layers: usize,
    pub rows: usize,
    pub augmented_rows: usize,
    pub truncated: usize,
    pub cache_mb: f64,
    pub cached: bool,
    pub notes: Vec<String>,
    pub data_fingerprint: String,
}

impl Trainer {
    /// The run from its parts: the steps, the objective, the optimizer and the facts it reports.
    pub(crate) fn assemble(p: Parts, device: &Device) -> Trainer {
        let Parts { cfg, base, top, train, val, task, labels, pairs, pending, frozen_layers, .. } = p;
        let units = if pairs.is_empty() { train.len() } else { pairs.len() };
        let steps_per_epoch = units.div_ceil(cfg.batch_size);
        let total_steps = steps_per_epoch * cfg.epochs;
        let objective = Objective {
            task,
            class_weights: class_weights(&cfg, &labels, &train.targets),
            label_smoothing: cfg.label_smoothing,
            l1: cfg.l1,
        };
        let info = TrainInfo {
            task,
            schedule: cfg.schedule.name().into(),
            optimizer: cfg.optimizer.name().into(),
            param_groups: top.param_groups(frozen_layers, cfg.layer_lr_decay),
            rows: p.rows,
            strategy: cfg.strategy,
            pairs: pairs.len(),
            augmented_rows: p.augmented_rows,
            train_rows: train.len(),
            val_rows: val.len(),
            labels,
            frozen_layers,
            trainable_layers: cfg.layers,
            trainable_params: top.num_params(),
            steps_per_epoch,
            total_steps,
            truncated: p.truncated,
            cache_mb: p.cache_mb,
            cache_budget_mb: cfg.cache_budget_mb,
            cached: p.cached,
            notes: p.notes,
        };
        Trainer {
            schedule: Schedule::new(&cfg, total_steps, steps_per_epoch),
            optim: Optimizer::new(Settings::of(&cfg), top.lr_scales(cfg.layer_lr_decay)),
            objective,
            early: cfg.early_stopping.as_deref().map(|m| EarlyStop::new(m, cfg.patience)),
            cfg,
            base,
            top: Some(top),
            device: device.clone(),
            info,
            train,
            val,
            data_fingerprint: p.data_fingerprint,
            chunk_done: vec![false; pending.len().div_ceil(PREPARE_CHUNK)],
            pending,
            prepared: 0,
            step: 0,
            order: (0, Vec::new()),
            replay: None,
            pairs,
            head_fitted: None,
            epoch_loss: None,
            epoch_steps: 0,
            epoch_seconds: 0.0,
            history: Vec::new(),
            teach: Default::default(),
            parted: None,
            data_summary: Default::default(),
        }
    }
}
