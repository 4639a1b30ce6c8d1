//! The sound model as ONNX nodes: not written yet (being built).
use super::SpeechModel;
use crate::error::{Error, Result};
use crate::onnx::proto::{GraphProto, StringStringEntryProto};

/// The graph and its metadata for `model`.
pub async fn speech_graph(_model: &SpeechModel) -> Result<(GraphProto, Vec<StringStringEntryProto>)> {
    Err(Error::Settings("a sound model exports as its folder for now (format hf), not ONNX".into()))
}
