//! Replays whole PyTorch training runs (`../shared/reference/trajectories.json`'s format)
//! through the production `Trainer` — given the reference's head initialisation and batch
//! order, dropout off — and measures how far every step's LR and loss, the final head and loss
//! land from PyTorch's. `tabtune check-trajectory` and `tt.checkTrajectory` print this, so
//! anyone can check their own device against PyTorch.
use std::collections::BTreeMap;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{self, DataOptions, Format};
use crate::error::{Error, Result};
use crate::tensors::read_named;
use crate::text::Model;
use crate::text::weights::layer_tensors;
use crate::run::{CacheDtype, ClassWeights, OptimizerKind, RunConfig, ScheduleKind};
use crate::task::TaskChoice;
use crate::train::{PartWorker, Trainer};

#[derive(Deserialize)]
struct Reference {
    max_len: usize,
    texts: Vec<String>,
    classes: Vec<String>,
    labels: Vec<usize>,
    regression_targets: Vec<f32>,
    multi_label_targets: Vec<Vec<f32>>,
    multi_label_names: Vec<String>,
    batches: Vec<Vec<usize>>,
    steps_per_epoch: usize,
    head_init_weight: BTreeMap<String, Vec<Vec<f32>>>,
    cases: BTreeMap<String, Case>,
}

#[derive(Deserialize)]
struct Case {
    config: CaseConfig,
    steps: Vec<RefStep>,
    final_loss_all_rows: f64,
    final_head_weight: Vec<Vec<f32>>,
    final_head_bias: Vec<f32>,
    final_tensors: BTreeMap<String, Vec<f32>>,
}

#[derive(Deserialize)]
struct CaseConfig {
    optimizer: OptimizerKind,
    lr: f64,
    #[serde(default)]
    weight_decay: f64,
    #[serde(default)]
    momentum: f64,
    #[serde(default)]
    nesterov: bool,
    schedule: ScheduleKind,
    #[serde(default)]
    warmup: f64,
    #[serde(default)]
    l1: f64,
    clip_norm: Option<f64>,
    #[serde(default = "one")]
    layer_lr_decay: f64,
    #[serde(default)]
    label_smoothing: f64,
    class_weights: Option<Vec<f64>>,
    #[serde(default)]
    task: TaskChoice,
}

fn one() -> f64 {
    1.0
}

#[derive(Deserialize)]
struct RefStep {
    lr: f64,
    loss: f64,
    grad_norm_before_clip: Option<f64>,
}

/// How far one case landed from PyTorch.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    pub steps: usize,
    pub max_loss_rel: f64,
    pub max_lr_rel: f64,
    pub final_head_max_abs: f64,
    pub final_loss_rel: f64,
    pub final_tensors_max_abs: f64,
    /// Every final tensor's own max |ours − PyTorch's| (`classifier.weight`, `classifier.bias`
    /// and each trained encoder tensor the reference holds), so a small tensor that never
    /// trained is not hidden by a large one that did.
    pub final_per_tensor: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_grad_norm_rel: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub cases: BTreeMap<String, CaseResult>,
    pub worst_loss_rel: f64,
}

/// Replays every case; `on_case` hears each result as it is ready.
pub async fn check(model: &Model, reference: &str, device: &Device, on_case: &mut dyn FnMut(&str, &CaseResult)) -> Result<Report> {
    check_in_parts(model, reference, device, 1, on_case).await
}

/// `check` with every step's batch split in `parts` parts (`Trainer::step_with`), the others'
/// gradients computed by `PartWorker`s as the tab's pool computes them.
pub async fn check_in_parts(model: &Model, reference: &str, device: &Device, parts: usize, on_case: &mut dyn FnMut(&str, &CaseResult)) -> Result<Report> {
    let r: Reference = serde_json::from_str(reference).map_err(|e| Error::Settings(format!("not a trajectories file: {e}")))?;
    let mut cases = BTreeMap::new();
    for (name, case) in &r.cases {
        let result = replay(model, &r, case, device, parts).await.map_err(|e| Error::Settings(format!("case {name}: {e}")))?;
        on_case(name, &result);
        cases.insert(name.clone(), result);
    }
    let worst_loss_rel = cases.values().map(|c| c.max_loss_rel).fold(0.0, f64::max);
    Ok(Report { cases, worst_loss_rel })
}

fn rel(ours: f64, theirs: f64) -> f64 {
    if theirs == 0.0 { ours.abs() } else { (ours - theirs).abs() / theirs.abs() }
}

/// The rows as a CSV in the case's task, so the data goes through the production loader.
fn csv_of(r: &Reference, task: TaskChoice) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut row = |text: &str, label: &str| w.write_record([text, label]).map_err(|e| Error::Settings(e.to_string()));
    row("text", "label")?;
    for (i, text) in r.texts.iter().enumerate() {
        let label = match task {
            TaskChoice::Regression => r.regression_targets[i].to_string(),
            // a row with no labels is written as the bare separator
            TaskChoice::MultiLabel => {
                let on: Vec<&str> = r.multi_label_names.iter().zip(&r.multi_label_targets[i]).filter(|(_, v)| **v > 0.5).map(|(n, _)| n.as_str()).collect();
                if on.is_empty() { "|".to_string() } else { on.join("|") }
            }
            _ => r.classes[r.labels[i]].clone(),
        };
        row(text, &label)?;
    }
    w.into_inner().map_err(|e| Error::Settings(e.to_string()))
}

async fn replay(model: &Model, r: &Reference, case: &Case, device: &Device, parts: usize) -> Result<CaseResult> {
    let c = &case.config;
    let data = data::load(&csv_of(r, c.task)?, &DataOptions { format: Some(Format::Csv), ..Default::default() })?;
    let names = match c.task {
        TaskChoice::MultiLabel => r.multi_label_names.clone(),
        TaskChoice::Regression => vec!["label".to_string()],
        _ => r.classes.clone(),
    };
    let epochs = r.batches.len() / r.steps_per_epoch.max(1);
    let cfg = RunConfig {
        layers: 2,
        epochs,
        lr: c.lr,
        batch_size: r.batches.first().map_or(1, Vec::len),
        max_len: r.max_len,
        val_split: 0.0,
        task: c.task,
        optimizer: c.optimizer,
        momentum: c.momentum,
        nesterov: c.nesterov,
        weight_decay: c.weight_decay,
        schedule: c.schedule,
        warmup: c.warmup,
        step_every: (c.schedule == ScheduleKind::Step).then_some(r.steps_per_epoch),
        gamma: match c.schedule {
            ScheduleKind::Step => Some(0.5),
            ScheduleKind::Exponential => Some(0.8),
            _ => None,
        },
        l1: c.l1,
        clip_norm: c.clip_norm,
        label_smoothing: c.label_smoothing,
        class_weights: c.class_weights.as_ref().map(|w| ClassWeights::Explicit(r.classes.iter().cloned().zip(w.iter().copied()).collect())),
        layer_lr_decay: c.layer_lr_decay,
        dropout: 0.0,
        encoder_dropout: Some(0.0),
        log_every: 1,
        cache_dtype: CacheDtype::F32,
        ..RunConfig::default()
    };
    let mut t = Trainer::new(model.clone(), &data, cfg, device)?;
    // our label order ↔ the reference's, and our training rows ↔ its rows (the loader trims
    // texts; BERT tokenizes them the same)
    let ours = t.info().labels.clone();
    let order: Vec<usize> = ours.iter().map(|l| names.iter().position(|n| n == l)).collect::<Option<_>>().ok_or_else(|| Error::Settings("the labels differ from the reference's".into()))?;
    let row_of: Vec<usize> = r.texts.iter().map(|text| t.train_texts().iter().position(|x| x == text.trim())).collect::<Option<_>>().ok_or_else(|| Error::Settings("a reference row was dropped while loading".into()))?;
    t.replay(r.batches.iter().map(|b| b.iter().map(|&i| row_of[i]).collect()).collect())?;
    let init = r.head_init_weight.get(&order.len().to_string()).ok_or_else(|| Error::Settings(format!("no head initialisation for {} outputs", order.len())))?;
    let init: Vec<Vec<f32>> = order.iter().map(|&k| init[k].clone()).collect();
    t.set_head(&init, &vec![0.0; order.len()])?;

    while t.prepare().await?.is_some() {}
    let mut workers = Vec::new();
    if parts > 1 {
        let files = t.part_files().await?;
        for _ in 1..parts {
            workers.push(PartWorker::load(&files, device)?);
        }
    }
    let (mut max_loss_rel, mut max_lr_rel, mut max_gn) = (0f64, 0f64, None::<f64>);
    for want in &case.steps {
        let s = if workers.is_empty() { t.step().await? } else { t.step_with(&mut workers).await? };
        max_lr_rel = max_lr_rel.max(rel(s.lr, want.lr));
        let loss = s.loss.ok_or_else(|| Error::Settings("a step did not report its loss".into()))?;
        // NaN compares false in max(): a non-finite loss is an error, not a pass
        if !loss.is_finite() {
            return Err(Error::Settings(format!("step {} has a non-finite loss", s.step)));
        }
        max_loss_rel = max_loss_rel.max(rel(loss as f64, want.loss));
        if let (Some(ours), Some(theirs)) = (s.grad_norm, want.grad_norm_before_clip) {
            max_gn = Some(max_gn.unwrap_or(0.0).max(rel(ours as f64, theirs)));
        }
    }
    let final_loss = t.train_loss_all().await? as f64;
    let (weight, bias) = t.head().await?;
    let mut per_tensor = BTreeMap::new();
    let (mut w_diff, mut b_diff) = (0f64, 0f64);
    for (j, &k) in order.iter().enumerate() {
        w_diff = weight[j].iter().zip(&case.final_head_weight[k]).map(|(a, b)| (a - b).abs() as f64).fold(w_diff, f64::max);
        b_diff = b_diff.max((bias[j] - case.final_head_bias[k]).abs() as f64);
    }
    per_tensor.insert("classifier.weight".to_string(), w_diff);
    per_tensor.insert("classifier.bias".to_string(), b_diff);
    let head = w_diff.max(b_diff);
    let mut tensors = 0f64;
    let first = t.info().frozen_layers;
    let named: Vec<_> = t.top_layers()?.iter().enumerate().flat_map(|(j, l)| layer_tensors(first + j, l)).collect();
    for (name, _, values) in read_named(named).await? {
        if let Some(want) = case.final_tensors.get(&name) {
            let diff = values.iter().zip(want).map(|(a, b)| (a - b).abs() as f64).fold(0f64, f64::max);
            tensors = tensors.max(diff);
            per_tensor.insert(name, diff);
        }
    }
    if let Some(missing) = case.final_tensors.keys().find(|n| !per_tensor.contains_key(*n)) {
        return Err(Error::Settings(format!("the reference's final tensor {missing} is not among the trained ones")));
    }
    Ok(CaseResult {
        steps: case.steps.len(),
        max_loss_rel,
        max_lr_rel,
        final_head_max_abs: head,
        final_loss_rel: rel(final_loss, case.final_loss_all_rows),
        final_tensors_max_abs: tensors,
        final_per_tensor: per_tensor,
        max_grad_norm_rel: max_gn,
    })
}
