//! Named weights on their way out of a module: one tensor type for every kind's file names
//! (HF's for text, PyTorch's for images), read back to the host (async) in the file's layout
//! and written as safetensors — what exports, checkpoints and the prefix pool share; and what
//! every kind's weight loader shares when reading a file.
use std::collections::HashMap;

use burn::prelude::*;
use safetensors::Dtype;
use safetensors::tensor::TensorView;

use crate::error::{Error, Result};
use crate::readback;

/// A weight read out of a module, with what its file layout needs.
pub enum NamedTensor {
    /// burn layout [in, out]; the files want [out, in].
    LinearWeight(Tensor<2>),
    Matrix(Tensor<2>),
    Vector(Tensor<1>),
    Conv(Tensor<4>),
}

/// (name, shape, f32 values) in the file's layout.
pub type Values = (String, Vec<usize>, Vec<f32>);

/// Named tensors read back (async) into (name, file shape, f32 values).
pub async fn read_named(named: Vec<(String, NamedTensor)>) -> Result<Vec<Values>> {
    let mut out = Vec::with_capacity(named.len());
    for (name, t) in named {
        let (shape, values) = match t {
            NamedTensor::LinearWeight(w) => {
                let [d_in, d_out] = w.dims();
                (vec![d_out, d_in], transpose(&readback::floats(w).await?, d_in, d_out))
            }
            NamedTensor::Matrix(m) => (m.dims().to_vec(), readback::floats(m).await?),
            NamedTensor::Vector(v) => (v.dims().to_vec(), readback::floats(v).await?),
            NamedTensor::Conv(c) => (c.dims().to_vec(), readback::floats(c).await?),
        };
        out.push((name, shape, values));
    }
    Ok(out)
}

/// [rows, cols] row-major → [cols, rows] row-major.
pub fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; v.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = v[r * cols + c];
        }
    }
    out
}

/// safetensors metadata `transformers` expects (`format: pt`).
pub fn pt_meta() -> HashMap<String, String> {
    HashMap::from([("format".to_string(), "pt".to_string())])
}

/// (name, shape, f32 values) → safetensors bytes with string metadata.
pub fn to_safetensors(named: Vec<Values>, meta: HashMap<String, String>) -> Result<Vec<u8>> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> =
        named.into_iter().map(|(n, s, v)| (n, s, v.iter().flat_map(|x| x.to_le_bytes()).collect())).collect();
    let views = bytes
        .iter()
        .map(|(n, s, b)| TensorView::new(Dtype::F32, s.clone(), b).map(|v| (n.clone(), v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Weights(format!("could not write the weights: {e}")))?;
    safetensors::serialize(views, Some(meta)).map_err(|e| Error::Weights(format!("could not write the weights: {e}")))
}

/// How many problems one error message lists before it says "and N more".
const LIST_AT_MOST: usize = 8;

/// Every problem a weights file had, in one error (the first LIST_AT_MOST, sorted); Ok when none.
pub fn weight_problems(mut problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort();
    let more = problems.len().saturating_sub(LIST_AT_MOST);
    let mut msg = problems.into_iter().take(LIST_AT_MOST).collect::<Vec<_>>().join("; ");
    if more > 0 {
        msg.push_str(&format!("; and {more} more"));
    }
    Err(Error::Weights(format!("{msg}. Check that config.json and model.safetensors come from the same model")))
}

/// A safetensors tensor's bytes as f32 (None for a dtype that is not a float).
pub fn to_f32(dtype: Dtype, bytes: &[u8]) -> Option<Vec<f32>> {
    let words = |n: usize| bytes.chunks_exact(n);
    Some(match dtype {
        Dtype::F32 => words(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
        Dtype::F16 => words(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        Dtype::BF16 => words(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        _ => return None,
    })
}
