//! What every export shares: a model folder's files, the format names, the text model's weights
//! under their HF names, and JSON files written out.
use crate::error::{Error, Result};
use crate::model::{Model, Pooling};
use crate::model::weights::{embeddings_tensors, head_tensors, layer_tensors, pooler_tensors};
use crate::tensors::{NamedTensor, read_named};

/// A model folder's files: the three a model needs, then the others (path relative to the
/// folder, `/`-separated, e.g. `1_Pooling/config.json`).
pub struct ExportedFiles {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
    /// A text model's tokenizer.json (an image model has none).
    pub tokenizer: Option<Vec<u8>>,
    pub extra: Vec<(String, Vec<u8>)>,
}

impl ExportedFiles {
    /// Every file as (path, bytes), the model's own first.
    pub fn all(&self) -> Vec<(&str, &[u8])> {
        let main = [("config.json", Some(&self.config)), ("model.safetensors", Some(&self.weights)), ("tokenizer.json", self.tokenizer.as_ref())];
        let main = main.into_iter().filter_map(|(n, b)| b.map(|b| (n, b.as_slice())));
        main.chain(self.extra.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).collect()
    }
}

/// The supported export formats, as the CLI and the page name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Hf,
    SentenceTransformers,
    Onnx,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s {
            "hf" => Ok(Format::Hf),
            "sentence-transformers" => Ok(Format::SentenceTransformers),
            "onnx" => Ok(Format::Onnx),
            _ => Err(Error::Settings(format!("export format '{s}' is unknown: use hf, sentence-transformers or onnx"))),
        }
    }
}

/// Every weight of the model under its HF name, as (name, shape, f32 values) in HF layout:
/// the encoder, the head and, when it pools with it, the [CLS] pooler.
pub async fn named_weights(model: &Model) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let mut named = encoder_tensors(model);
    if let Some(head) = &model.head {
        named.extend(head_tensors(head));
    }
    if let Pooling::ClsPooler(pooler) = &model.pooling {
        named.extend(pooler_tensors(pooler));
    }
    read_named(named).await
}

/// The encoder's tensors (embeddings and every layer) under their HF names.
pub fn encoder_tensors(model: &Model) -> Vec<(String, NamedTensor)> {
    let mut named = embeddings_tensors(&model.encoder.embeddings);
    for (i, layer) in model.encoder.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    named
}

pub(crate) fn json(value: &serde_json::Value, what: &str) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| Error::Config(format!("could not write {what}: {e}")))
}
