//! Named weights on their way out of a module: one tensor type for every kind's file names
//! (HF's for text, PyTorch's for images), read back to the host (async) in the file's layout
//! and written as safetensors — what exports, checkpoints and the prefix pool share; and what
//! every kind's weight loader shares when reading a file.
use std::collections::HashMap;

use burn::prelude::*;
use safetensors::Dtype;

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
    // the values are written as they are, not first copied into bytes: a model's file is built
    // beside one copy of its values (multilingual-e5-small: 470 MB each), not two
    let views = named.iter().map(|(n, s, v)| (n.as_str(), F32View { shape: s, values: v }));
    safetensors::serialize(views, Some(meta)).map_err(|e| Error::Weights(format!("could not write the weights: {e}")))
}

#[cfg(target_endian = "big")]
compile_error!("safetensors are little-endian: F32View hands the values' own bytes over");

/// f32 values as a safetensors tensor, their bytes borrowed.
struct F32View<'a> {
    shape: &'a [usize],
    values: &'a [f32],
}

impl safetensors::View for F32View<'_> {
    fn dtype(&self) -> Dtype {
        Dtype::F32
    }
    fn shape(&self) -> &[usize] {
        self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Borrowed(bytemuck::cast_slice(self.values))
    }
    fn data_len(&self) -> usize {
        4 * self.values.len()
    }
}

/// How many problems one error message lists before it says "and N more".
const LIST_AT_MOST: usize = 8;

/// Every problem a weights file had, in one error (the first LIST_AT_MOST, sorted); Ok when none.
pub fn weight_problems(problems: Vec<String>) -> Result<()> {
    match problem_list(problems) {
        None => Ok(()),
        Some(msg) => Err(Error::Weights(format!("{msg}. Check that config.json and model.safetensors come from the same model"))),
    }
}

/// The problems in one line: the first LIST_AT_MOST, sorted, then "and N more"; None when none.
pub fn problem_list(mut problems: Vec<String>) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    problems.sort();
    let more = problems.len().saturating_sub(LIST_AT_MOST);
    let mut msg = problems.into_iter().take(LIST_AT_MOST).collect::<Vec<_>>().join("; ");
    if more > 0 {
        msg.push_str(&format!("; and {more} more"));
    }
    Some(msg)
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
