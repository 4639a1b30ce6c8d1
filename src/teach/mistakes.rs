//! The validation rows a model gets wrong, most confident first: the table a class reads to
//! see what the model confuses. Classification: the predicted class differs from the true
//! one, `confidence` = the predicted class's probability. Multi-label: the predicted label set
//! differs (labels joined by '|'), `confidence` = the mean over labels of max(p, 1 − p).
//! Regression has no wrong rows, only distances: it is refused with a message. On a run's
//! current weights: `Trainer::mistakes` (`train/teach.rs`).
use serde::Serialize;

use crate::error::{Error, Result};
use crate::infer::{self, Prediction};
use crate::text::Model;
use crate::task::{Targets, Task};

pub(crate) fn regression() -> Error {
    Error::Settings("a regression model has no wrong rows, only distances: see the validation R² and MAE instead".into())
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mistake {
    /// The row's index among the validation rows (the map's dot).
    pub row: usize,
    pub text: String,
    pub label: String,
    pub predicted: String,
    pub confidence: f32,
}

/// `logits` per row against `targets`; sorted by confidence, highest first.
pub fn find(logits: &[Vec<f32>], targets: &Targets, texts: &[String], labels: &[String], threshold: f32) -> Result<Vec<Mistake>> {
    let mut out = Vec::new();
    for (row, z) in logits.iter().enumerate() {
        let text = texts.get(row).cloned().unwrap_or_default();
        match targets {
            Targets::Classes(y) => {
                let p = infer::softmax(z);
                let (pred, gold) = (infer::argmax(z), y[row]);
                if pred != gold {
                    let name = |i: usize| labels.get(i).cloned().unwrap_or_default();
                    out.push(Mistake { row, text, label: name(gold), predicted: name(pred), confidence: p[pred] });
                }
            }
            Targets::Multi(y) => {
                let pred = Prediction::of(z, Task::MultiLabel, labels, threshold);
                let gold: Vec<String> = labels.iter().zip(&y[row]).filter(|(_, v)| **v > 0.5).map(|(l, _)| l.clone()).collect();
                if pred.labels.as_deref().unwrap_or_default() != gold.as_slice() {
                    let confidence = pred.probs.iter().map(|&p| p.max(1.0 - p)).sum::<f32>() / pred.probs.len().max(1) as f32;
                    out.push(Mistake { row, text, label: gold.join("|"), predicted: pred.label, confidence });
                }
            }
            Targets::Values(_) => return Err(regression()),
        }
    }
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    Ok(out)
}

/// On a finished model, over the validation rows its run kept (`Trainer::val_rows`).
pub async fn of_model(model: &Model, texts: &[String], targets: &Targets, device: &burn::prelude::Device) -> Result<Vec<Mistake>> {
    if let Targets::Values(_) = targets {
        return Err(regression());
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let logits = infer::text::logits(model, &refs, infer::default_max_len(model), device).await?;
    find(&logits, targets, texts, &model.labels().unwrap_or_default(), model.threshold())
}
