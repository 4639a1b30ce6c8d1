//! Inference with a loaded model: sentence embeddings, class probabilities, and scores on
//! labelled data. Texts run in batches sorted by length, so little compute goes to padding.
use burn::prelude::*;
use serde::Serialize;

use crate::data::Example;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::model::Model;
use crate::model::bert::{l2_normalize, mean_pool};
use crate::readback;
use crate::run::check_max_len;
use crate::tokenize::pad;

/// Rows per inference batch.
pub const BATCH: usize = 64;

#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    pub label: String,
    /// One probability per class, in the model's class order.
    pub probs: Vec<f32>,
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
    Ok(logits(model, texts, max_len, device)
        .await?
        .iter()
        .map(|row| Prediction { label: labels.get(argmax(row)).cloned().unwrap_or_default(), probs: softmax(row) })
        .collect())
}

/// Accuracy, F1 and the confusion matrix on labelled rows.
pub async fn evaluate(model: &Model, examples: &[Example], max_len: usize, device: &Device) -> Result<Metrics> {
    let labels = model.labels().ok_or_else(|| {
        Error::Settings("this model has no classification head yet: fine-tune it first (tabtune train)".into())
    })?;
    let gold = examples
        .iter()
        .map(|e| {
            labels.iter().position(|l| *l == e.label).ok_or_else(|| {
                Error::Settings(format!("label '{}' in the data is not one the model knows ({})", e.label, labels.join(", ")))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    Ok(metrics(&logits(model, &texts, max_len, device).await?, &gold, &labels))
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

/// Mean cross-entropy of rows of logits against class indices.
pub fn cross_entropy(logits: &[Vec<f32>], gold: &[usize]) -> f32 {
    let total: f64 = logits
        .iter()
        .zip(gold)
        .map(|(row, &g)| {
            let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
            let lse = row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
            lse - row[g] as f64
        })
        .sum();
    (total / logits.len().max(1) as f64) as f32
}

pub fn metrics(logits: &[Vec<f32>], gold: &[usize], labels: &[String]) -> Metrics {
    let preds: Vec<usize> = logits.iter().map(|r| argmax(r)).collect();
    Metrics::compute(&preds, gold, labels)
}
