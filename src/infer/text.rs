//! Text inference: tokenized texts through BERT in batches sorted by length.
use burn::prelude::*;

use super::rows::{BATCH, read_rows};
use crate::data::Example;
use crate::error::{Error, Result};
use crate::text::Model;
use crate::text::bert::{l2_normalize, mean_pool};
use crate::run::check_max_len;
use crate::task::{Targets, Task};
use crate::text::tokenize::pad;

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


/// The rows' targets in the model's label order (a class it does not know is refused).
pub(super) fn targets(examples: &[Example], task: Task, labels: &[String]) -> Result<Targets> {
    Ok(match task {
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
        _ => crate::data::targets(examples, task, labels)?,
    })
}
