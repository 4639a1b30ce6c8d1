//! The fine-tuned classifier as one ONNX file: token ids and attention mask in, probabilities
//! out, with the whole encoder, the pooling it was trained with and the head inside the graph.
//!
//! Inputs `input_ids` and `attention_mask`: int64 [batch, sequence] (right-padded, mask 1 for a
//! token and 0 for padding; tokenize with the model's tokenizer.json, truncated at `max_len`
//! from the metadata). Output, [batch, classes]: `probabilities` (softmax over the classes; for
//! multi-label each label's sigmoid), or `value` for regression (the raw prediction).
//! Metadata (`metadata_props`): `labels` (JSON array, output column order), `task`, `max_len`,
//! `threshold` (multi-label), `pooling`. See docs/onnx.md.
//!
//! Image models (`image/onnx.rs`): pixels in [0, 1] in, probabilities out. Sound models
//! (`audio/onnx.rs`): each clip's log-mel windows in, probabilities out. The graphs are each
//! kind's (`text/onnx.rs`, `image/onnx.rs`, `audio/onnx.rs`); this is the one entry.
use super::Card;
use crate::error::Result;
use crate::kind::AnyModel;
use crate::onnx::encode;
pub use crate::onnx::{OPSET, proto};

/// ONNX model bytes for a model of any kind (a text model must have a head): each kind's graph
/// (text/onnx.rs, image/onnx.rs, audio/onnx.rs).
pub async fn to_onnx(model: &AnyModel) -> Result<Vec<u8>> {
    to_onnx_with_card(model, None).await
}

/// `to_onnx`, with the model card's facts (its front matter's keys, each value as JSON text)
/// added to the metadata.
pub async fn to_onnx_with_card(model: &AnyModel, card: Option<&Card>) -> Result<Vec<u8>> {
    let (graph, mut meta) = match model {
        AnyModel::Text(m) => crate::text::onnx::text_graph(m).await?,
        AnyModel::Image(m) => crate::image::onnx::image_graph(m).await?,
        AnyModel::Audio(m) => crate::audio::onnx::speech_graph(m).await?,
    };
    for (key, value) in card.map(Card::onnx_metadata).unwrap_or_default() {
        meta.retain(|m| m.key != key);
        meta.push(proto::StringStringEntryProto { key, value });
    }
    Ok(encode(graph, meta))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod image_tests;
#[cfg(test)]
mod audio_tests;
