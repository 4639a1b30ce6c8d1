//! Inference with a loaded model: sentence embeddings, class probabilities, and scores on
//! labelled data. Texts run in batches sorted by length, so little compute goes to padding;
//! images (`image_logits`, `predict_images`, `evaluate_images`) in batches of `BATCH`.
use burn::prelude::*;
use serde::Serialize;

use crate::data::Example;
use crate::data::images::{DecodedImage, ImageDataset};
use crate::error::{Error, Result};
use crate::loss::sigmoid;
use crate::metrics::{Metrics, TaskMetrics};
use crate::model::Model;
use crate::task::{Targets, Task};
use crate::model::bert::{l2_normalize, mean_pool};
use crate::readback;
use crate::run::check_max_len;
use crate::tokenize::pad;
use crate::vision::ImageModel;

/// Rows per inference batch.
pub const BATCH: usize = 64;

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

/// The max_len a fine-tuned model was trained with (from its config.json), else 128 (or the
/// model's max_position_embeddings when that is shorter).
pub fn default_max_len(model: &Model) -> usize {
    let trained = model.config.extra.get("tabtune").and_then(|t| t.get("max_len")).and_then(|v| v.as_u64());
    trained.map_or(128.min(model.config.max_position_embeddings), |v| v as usize)
}

/// Runs `f` over batches of tokenized texts (shortest first) and returns rows in input order.
async fn batched<F>(model: &Model, texts: &[&str], max_len: usize, device: &Device, f: F) -> Result<Vec<Vec<f32>>>
where
    F: Fn(Tensor<3>, Tensor<2>) -> Tensor<2>,
{
    check_max_len(max_len, &model.config)?;
    let enc = model.tokenizer.encode(texts, max_len)?;
    let mut order: Vec<usize> = (0..enc.len()).collect();
    order.sort_by_key(|&i| enc[i].ids.len());
    let mut out = vec![Vec::new(); enc.len()];
    for chunk in order.chunks(BATCH) {
        let rows: Vec<&[u32]> = chunk.iter().map(|&i| &enc[i].ids[..]).collect();
        let (ids, mask) = pad(&rows).tensors(device);
        let hidden = model.encoder.forward(ids, mask.clone());
        for (&i, row) in chunk.iter().zip(read_rows(f(hidden, mask)).await?) {
            out[i] = row;
        }
    }
    Ok(out)
}

/// L2-normalised mean-pooled sentence embeddings.
pub async fn embed(model: &Model, texts: &[&str], max_len: usize, device: &Device) -> Result<Vec<Vec<f32>>> {
    batched(model, texts, max_len, device, |h, m| l2_normalize(mean_pool(h, m))).await
}

/// Class logits; the model needs a head (train it first).
pub async fn logits(model: &Model, texts: &[&str], max_len: usize, device: &Device) -> Result<Vec<Vec<f32>>> {
    let head = model.head.as_ref().ok_or_else(|| {
        Error::Settings("this model has no classification head yet: fine-tune it first (tabtune train)".into())
    })?;
    batched(model, texts, max_len, device, |h, m| head.forward(model.pool(h, m))).await
}

pub async fn predict(model: &Model, texts: &[&str], max_len: usize, device: &Device) -> Result<Vec<Prediction>> {
    let labels = model.labels().unwrap_or_default();
    let (task, threshold) = (model.task(), model.threshold());
    Ok(logits(model, texts, max_len, device).await?.iter().map(|row| Prediction::of(row, task, &labels, threshold)).collect())
}

/// The task's metrics on labelled rows (accuracy, F1 and the confusion matrix for classes).
pub async fn evaluate(model: &Model, examples: &[Example], max_len: usize, device: &Device) -> Result<TaskMetrics> {
    let labels = model.labels().ok_or_else(|| {
        Error::Settings("this model has no classification head yet: fine-tune it first (tabtune train)".into())
    })?;
    let task = model.task();
    let targets = match task {
        Task::Classification => Targets::Classes(
            examples
                .iter()
                .map(|e| {
                    labels.iter().position(|l| *l == e.label).ok_or_else(|| {
                        Error::Settings(format!("label '{}' in the data is not one the model knows ({})", e.label, labels.join(", ")))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        _ => crate::data::targets(examples, task, &labels)?,
    };
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    Ok(task_metrics(&logits(model, &texts, max_len, device).await?, &targets, &labels, model.threshold()))
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

pub async fn read_rows(t: Tensor<2>) -> Result<Vec<Vec<f32>>> {
    let [_, cols] = t.dims();
    Ok(readback::floats(t).await?.chunks(cols.max(1)).map(|c| c.to_vec()).collect())
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

/// Class logits of decoded images through an image model, `BATCH` at a time, each preprocessed
/// as the model says (a fine-tuned model: scaled and centre-cropped to the size it trained at).
pub async fn image_logits(model: &ImageModel, images: &[&DecodedImage], device: &Device) -> Result<Vec<Vec<f32>>> {
    let s = model.config.image_size;
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH) {
        let pixels: Vec<f32> = chunk.iter().flat_map(|img| model.eval_input(&img.rgb, img.width, img.height)).collect();
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [chunk.len(), 3, s, s]), device);
        out.extend(read_rows(model.net.forward(x)).await?);
    }
    Ok(out)
}

/// Each image's class and the probabilities of every class (the model's `labels`).
pub async fn predict_images(model: &ImageModel, images: &[&DecodedImage], device: &Device) -> Result<Vec<Prediction>> {
    let labels = &model.config.labels;
    Ok(image_logits(model, images, device).await?.iter().map(|row| Prediction::of(row, Task::Classification, labels, 0.5)).collect())
}

/// Accuracy, per-class metrics and the confusion matrix of an image model on labelled images.
pub async fn evaluate_images(model: &ImageModel, data: &ImageDataset, device: &Device) -> Result<TaskMetrics> {
    let labels = &model.config.labels;
    let gold = data
        .examples
        .iter()
        .map(|e| {
            labels.iter().position(|l| *l == e.label).ok_or_else(|| {
                let known = if labels.len() > 20 { format!("{} classes", labels.len()) } else { labels.join(", ") };
                Error::Settings(format!("class '{}' ({}) is not one the model knows ({known})", e.label, e.name))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let images: Vec<&DecodedImage> = data.examples.iter().map(|e| &e.image).collect();
    Ok(task_metrics(&image_logits(model, &images, device).await?, &Targets::Classes(gold), labels, 0.5))
}
