//! "What it looks at": the last encoder layer's attention from [CLS] over a sentence's tokens,
//! averaged over heads, with each token's byte span in the text so a page can highlight it,
//! and the model's probabilities for the sentence. On a model here; on a run's current weights
//! in `train/teach.rs` (`Trainer::attention`), from the same pieces.
use burn::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::infer::{self, Prediction};
use crate::text::Model;
use crate::text::bert::{Embeddings, Layer, mask_bias};
use crate::readback;
use crate::text::tokenize::pad;

#[derive(Clone, Debug, Serialize)]
pub struct TokenWeight {
    pub token: String,
    /// Byte offsets into the text (special tokens: 0, 0); the wasm edge turns them into
    /// UTF-16 indices, which is what a JS string is indexed by.
    pub start: usize,
    pub end: usize,
    /// Attention from [CLS] to this token, averaged over heads (the weights sum to 1).
    pub weight: f32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Attention {
    pub tokens: Vec<TokenWeight>,
    /// One per class; empty without a head or for regression.
    pub probs: Vec<LabelP>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LabelP {
    pub label: String,
    pub p: f32,
}

/// The last layer's [CLS] attention after `emb` and `layers` (the whole stack, bottom first).
pub(crate) async fn cls_weights(emb: &Embeddings, layers: &[&Layer], ids: &[u32], device: &Device) -> Result<Vec<f32>> {
    let (last, below) = layers.split_last().ok_or_else(|| Error::Settings("the model has no encoder layers to look at".into()))?;
    let (ids, mask) = pad(&[ids]).tensors(device);
    let bias = mask_bias(mask);
    let mut x = emb.forward(ids);
    for layer in below {
        x = layer.forward(x, bias.clone(), None);
    }
    readback::floats(last.cls_attention(x, bias)).await
}

pub(crate) fn assemble(weights: Vec<f32>, tokens: Vec<String>, offsets: Vec<(usize, usize)>, probs: Vec<LabelP>) -> Attention {
    let tokens = tokens.into_iter().zip(offsets).zip(weights).map(|((token, (start, end)), weight)| TokenWeight { token, start, end, weight }).collect();
    Attention { tokens, probs }
}

pub(crate) fn label_probs(p: &Prediction, labels: &[String]) -> Vec<LabelP> {
    labels.iter().zip(&p.probs).map(|(l, &p)| LabelP { label: l.clone(), p }).collect()
}

/// On a whole model (fine-tuned or not: probabilities only with a head).
pub async fn of_model(model: &Model, text: &str, device: &Device) -> Result<Attention> {
    let max_len = infer::default_max_len(model);
    let crate::text::tokenize::Spans { ids, tokens, offsets } = model.tokenizer.encode_with_offsets(text, max_len)?;
    let layers: Vec<&Layer> = model.encoder.layers.iter().collect();
    let weights = cls_weights(&model.encoder.embeddings, &layers, &ids, device).await?;
    let probs = match (&model.head, model.labels()) {
        (Some(_), Some(labels)) => {
            let rows = infer::text::logits(model, &[text], max_len, device).await?;
            let p = rows.first().map(|row| infer::Prediction::of(row, model.task(), &labels, model.threshold()));
            p.map(|p| label_probs(&p, &labels)).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    Ok(assemble(weights, tokens, offsets, probs))
}
