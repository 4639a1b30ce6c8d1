//! Inference with a loaded model: sentence embeddings, class probabilities, and scores on
//! labelled data, for a model of any kind. Texts run in batches sorted by length, so little
//! compute goes to padding (`text.rs`); images in batches of `BATCH` (`image.rs`), clips likewise (`audio.rs`). clips likewise (`audio.rs`).
use burn::prelude::*;
use serde::Serialize;

use crate::image::data::DecodedImage;
use crate::error::{Error, Result};
use crate::kind::{AnyModel, DataRef, Inputs, mismatch};
use crate::loss::sigmoid;
use crate::metrics::{Metrics, TaskMetrics};
use crate::task::{Targets, Task};

mod audio;
mod image;
mod rows;
pub use rows::{BATCH, read_rows};
/// The text kind's own inference, for what only text models do (embeddings, attention).
pub mod text;
pub use crate::text::default_max_len;
pub use text::embed;

#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    /// The class; multi-label: the predicted labels joined by '|'; regression: the value.
    pub label: String,
    /// One probability per class (softmax) or per label (sigmoid), in the model's label order;
    /// empty for regression.
    pub probs: Vec<f32>,
    /// Multi-label: the labels whose probability reaches the model's threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Regression: the predicted value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f32>,
}

impl Prediction {
    /// As the CLI prints it and the page receives it: `probs` keyed by label; multi-label adds
    /// `labels`, regression `value` (and no probabilities).
    pub fn to_json(&self, labels: &[String]) -> serde_json::Value {
        let mut v = serde_json::json!({ "label": self.label });
        if !self.probs.is_empty() {
            let probs: serde_json::Map<_, _> = labels.iter().zip(&self.probs).map(|(l, p)| (l.clone(), serde_json::json!(p))).collect();
            v["probs"] = probs.into();
        }
        if let Some(on) = &self.labels {
            v["labels"] = serde_json::json!(on);
        }
        if let Some(x) = self.value {
            v["value"] = serde_json::json!(x);
        }
        v
    }

    /// Reads a row of logits as the task's prediction.
    pub fn of(row: &[f32], task: Task, labels: &[String], threshold: f32) -> Prediction {
        match task {
            Task::Classification => {
                Prediction { label: labels.get(argmax(row)).cloned().unwrap_or_default(), probs: softmax(row), labels: None, value: None }
            }
            Task::MultiLabel => {
                let probs: Vec<f32> = row.iter().map(|&z| sigmoid(z)).collect();
                let on: Vec<String> = labels.iter().zip(&probs).filter(|(_, p)| **p >= threshold).map(|(l, _)| l.clone()).collect();
                Prediction { label: on.join("|"), probs, labels: Some(on), value: None }
            }
            Task::Regression => {
                let v = row.first().copied().unwrap_or(f32::NAN);
                Prediction { label: v.to_string(), probs: Vec::new(), labels: None, value: Some(v) }
            }
        }
    }
}

/// Raw outputs (logits; regression: the value) of a model of any kind, one row per input.
/// `max_len` cuts texts (None: what the model trained with, see `default_max_len`).
pub async fn logits(model: &AnyModel, inputs: Inputs<'_>, max_len: Option<usize>, device: &Device) -> Result<Vec<Vec<f32>>> {
    match (model, inputs) {
        (AnyModel::Text(m), Inputs::Texts(texts)) => text::logits(m, texts, max_len.unwrap_or_else(|| default_max_len(m)), device).await,
        (AnyModel::Image(m), Inputs::Images(images)) => image::logits(m, images, device).await,
        (AnyModel::Audio(m), Inputs::Clips(clips)) => audio::logits(m, clips, device).await,
        (m, i) => Err(mismatch(m.kind(), i.kind())),
    }
}

/// Each input's prediction for the model's task (class, labels or value, and probabilities).
pub async fn predict(model: &AnyModel, inputs: Inputs<'_>, max_len: Option<usize>, device: &Device) -> Result<Vec<Prediction>> {
    let labels = model.labels().unwrap_or_default();
    let (task, threshold) = (model.task(), model.threshold());
    Ok(logits(model, inputs, max_len, device).await?.iter().map(|row| Prediction::of(row, task, &labels, threshold)).collect())
}

/// The task's metrics on labelled data of the model's kind (accuracy, F1 and the confusion
/// matrix for classes).
pub async fn evaluate(model: &AnyModel, data: DataRef<'_>, max_len: Option<usize>, device: &Device) -> Result<TaskMetrics> {
    let logits = match (model, data) {
        (AnyModel::Text(m), DataRef::Text(d)) => {
            let texts: Vec<&str> = d.examples.iter().map(|e| e.text.as_str()).collect();
            let max_len = max_len.unwrap_or_else(|| default_max_len(m));
            text::logits(m, &texts, max_len, device).await?
        }
        (AnyModel::Image(m), DataRef::Image(d)) => {
            let images: Vec<&DecodedImage> = d.examples.iter().map(|e| &e.image).collect();
            image::logits(m, &images, device).await?
        }
        (AnyModel::Audio(m), DataRef::Audio(d)) => {
            let clips: Vec<&[f32]> = d.examples.iter().map(|e| e.clip.as_slice()).collect();
            audio::logits(m, &clips, device).await?
        }
        (m, d) => return Err(mismatch(m.kind(), d.kind())),
    };
    evaluate_logits(model, data, &logits)
}

/// `evaluate`'s metrics from the model's logits of `data`'s rows, computed elsewhere (a pool of
/// workers, each a share of the rows), one row of logits per example in `data`'s order.
pub fn evaluate_logits(model: &AnyModel, data: DataRef<'_>, logits: &[Vec<f32>]) -> Result<TaskMetrics> {
    let labels = model.labels().ok_or_else(|| {
        Error::Settings("this model has no classification head yet: fine-tune it first (tabtune train)".into())
    })?;
    let targets = match (model, data) {
        (AnyModel::Text(_), DataRef::Text(d)) => text::targets(&d.examples, model.task(), &labels)?,
        (AnyModel::Image(_), DataRef::Image(d)) => image::targets(d, &labels)?,
        (AnyModel::Audio(_), DataRef::Audio(d)) => audio::targets(d, &labels)?,
        (m, d) => return Err(mismatch(m.kind(), d.kind())),
    };
    if logits.len() != targets.len() {
        return Err(Error::Settings(format!("{} rows of logits for {} examples", logits.len(), targets.len())));
    }
    Ok(task_metrics(logits, &targets, &labels, model.threshold()))
}

/// The metrics of a task from rows of logits.
pub fn task_metrics(logits: &[Vec<f32>], targets: &Targets, labels: &[String], threshold: f32) -> TaskMetrics {
    match targets {
        Targets::Classes(gold) => TaskMetrics::Classification(metrics(logits, gold, labels)),
        Targets::Multi(gold) => {
            let probs: Vec<Vec<f32>> = logits.iter().map(|r| r.iter().map(|&z| sigmoid(z)).collect()).collect();
            TaskMetrics::MultiLabel(crate::metrics::multi_label(&probs, gold, labels, threshold))
        }
        Targets::Values(gold) => {
            let pred: Vec<f32> = logits.iter().map(|r| r.first().copied().unwrap_or(f32::NAN)).collect();
            TaskMetrics::Regression(crate::metrics::regression(&pred, gold))
        }
    }
}


pub fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
}

pub fn softmax(row: &[f32]) -> Vec<f32> {
    let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = row.iter().map(|&v| ((v - max) as f64).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| (e / sum) as f32).collect()
}

pub fn metrics(logits: &[Vec<f32>], gold: &[usize], labels: &[String]) -> Metrics {
    let preds: Vec<usize> = logits.iter().map(|r| argmax(r)).collect();
    Metrics::compute(&preds, gold, labels)
}
