//! A model back to the three files of the Hugging Face layout, as bytes: config.json (with
//! id2label/label2id once fine-tuned), model.safetensors (F32, HF names and layouts, plus
//! `classifier.*` for the head) and the tokenizer.json it came with. The result is itself a
//! model that `Model::load`, the CLI's `--model`, and `transformers` load.
use std::collections::HashMap;

use safetensors::Dtype;
use safetensors::tensor::TensorView;

use crate::error::{Error, Result};
use crate::model::{Model, Pooling};
use crate::model::weights::{NamedTensor, embeddings_tensors, head_tensors, layer_tensors, pooler_tensors, transpose};
use crate::readback;

pub mod onnx;

pub struct ExportedFiles {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
    pub tokenizer: Vec<u8>,
}

/// Every weight of the model under its HF name, as (name, shape, f32 values) in HF layout.
pub async fn named_weights(model: &Model) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let mut named = embeddings_tensors(&model.encoder.embeddings);
    for (i, layer) in model.encoder.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    if let Some(head) = &model.head {
        named.extend(head_tensors(head));
    }
    if let Pooling::ClsPooler(pooler) = &model.pooling {
        named.extend(pooler_tensors(pooler));
    }
    read_named(named).await
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

pub async fn export(model: &Model) -> Result<ExportedFiles> {
    let meta = HashMap::from([("format".to_string(), "pt".to_string())]);
    let weights = to_safetensors(named_weights(model).await?, meta)?;
    let config = serde_json::to_vec_pretty(&model.config)
        .map_err(|e| Error::Config(format!("could not write config.json: {e}")))?;
    Ok(ExportedFiles { config, weights, tokenizer: model.tokenizer.json().to_vec() })
}
