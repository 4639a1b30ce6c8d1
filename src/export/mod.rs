//! A model into other libraries' formats, as bytes: the Hugging Face layout (`hf.rs`: what
//! `train` writes, `transformers` loads and `Model::load` reads back), a sentence-transformers
//! folder (`sentence.rs`) and ONNX (`onnx.rs`). Shared here: reading the weights back under
//! their HF names and writing safetensors.
use std::collections::HashMap;

use safetensors::Dtype;
use safetensors::tensor::TensorView;

use crate::error::{Error, Result};
use crate::model::{Model, Pooling};
use crate::model::weights::{NamedTensor, embeddings_tensors, head_tensors, layer_tensors, pooler_tensors, transpose};
use crate::readback;

pub mod hf;
pub mod onnx;
pub mod sentence;

pub use hf::export;
pub use sentence::sentence_transformers;

/// A model folder's files: the three a model needs, then the others (path relative to the
/// folder, `/`-separated, e.g. `1_Pooling/config.json`).
pub struct ExportedFiles {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
    pub tokenizer: Vec<u8>,
    pub extra: Vec<(String, Vec<u8>)>,
}

impl ExportedFiles {
    /// Every file as (path, bytes), the model's three first.
    pub fn all(&self) -> Vec<(&str, &[u8])> {
        let main = [("config.json", &self.config), ("model.safetensors", &self.weights), ("tokenizer.json", &self.tokenizer)];
        main.into_iter().map(|(n, b)| (n, b.as_slice())).chain(self.extra.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).collect()
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

/// safetensors metadata `transformers` expects (`format: pt`).
pub fn pt_meta() -> HashMap<String, String> {
    HashMap::from([("format".to_string(), "pt".to_string())])
}

pub(crate) fn json(value: &serde_json::Value, what: &str) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| Error::Config(format!("could not write {what}: {e}")))
}

/// Named tensors read back (async) into (name, HF shape, f32 values).
pub async fn read_named(named: Vec<(String, NamedTensor)>) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let mut out = Vec::with_capacity(named.len());
    for (name, t) in named {
        let (shape, values) = match t {
            NamedTensor::LinearWeight(w) => {
                let [d_in, d_out] = w.dims();
                (vec![d_out, d_in], transpose(&readback::floats(w).await?, d_in, d_out))
            }
            NamedTensor::Matrix(m) => (m.dims().to_vec(), readback::floats(m).await?),
            NamedTensor::Vector(v) => (v.dims().to_vec(), readback::floats(v).await?),
        };
        out.push((name, shape, values));
    }
    Ok(out)
}

/// (name, shape, f32 values) → safetensors bytes with string metadata.
pub fn to_safetensors(named: Vec<(String, Vec<usize>, Vec<f32>)>, meta: HashMap<String, String>) -> Result<Vec<u8>> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> =
        named.into_iter().map(|(n, s, v)| (n, s, v.iter().flat_map(|x| x.to_le_bytes()).collect())).collect();
    let views = bytes
        .iter()
        .map(|(n, s, b)| TensorView::new(Dtype::F32, s.clone(), b).map(|v| (n.clone(), v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Weights(format!("could not write the weights: {e}")))?;
    safetensors::serialize(views, Some(meta)).map_err(|e| Error::Weights(format!("could not write the weights: {e}")))
}
