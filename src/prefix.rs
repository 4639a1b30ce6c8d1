//! The frozen prefix: embeddings + the lower N−k layers. It never trains, so each example goes
//! through it once, without autodiff, and its output is kept on the host (as f16 by default:
//! half the memory); every epoch after that runs only the top k layers. When the cache would not
//! fit its memory budget, the trainer runs the prefix again for every batch instead.
use burn::prelude::*;
use half::f16;

use crate::error::Result;
use crate::model::Encoder;
use crate::readback;
use crate::run::CacheDtype;
use crate::tokenize::pad;

/// One example's hidden states after the prefix: `len` rows of `hidden` values.
#[derive(Clone, Debug)]
pub struct Cached {
    pub hidden: Hidden,
    pub len: usize,
}

#[derive(Clone, Debug)]
pub enum Hidden {
    F32(Vec<f32>),
    F16(Vec<f16>),
}

impl Cached {
    pub fn empty() -> Self {
        Cached { hidden: Hidden::F32(Vec::new()), len: 0 }
    }

    fn write_into(&self, out: &mut [f32]) {
        match &self.hidden {
            Hidden::F32(v) => out.copy_from_slice(v),
            Hidden::F16(v) => out.iter_mut().zip(v).for_each(|(o, x)| *o = x.to_f32()),
        }
    }
}

/// Bytes the cache takes for rows of these token counts.
pub fn cache_bytes(token_counts: impl Iterator<Item = usize>, hidden: usize, dtype: CacheDtype) -> u64 {
    let per_value = match dtype {
        CacheDtype::F16 => 2,
        CacheDtype::F32 => 4,
    };
    token_counts.map(|n| (n * hidden) as u64).sum::<u64>() * per_value
}

/// The frozen prefix is an encoder that holds only the lower layers.
pub type Prefix = Encoder;

impl Encoder {
    /// Runs a batch of token rows and returns each row's states, padding cut off.
    pub async fn cache(&self, rows: &[&[u32]], device: &Device, dtype: CacheDtype) -> Result<Vec<Cached>> {
        let p = pad(rows);
        let len = p.len;
        let (ids, mask) = p.tensors(device);
        let out = self.forward(ids, mask);
        let h = out.dims()[2];
        let all = readback::floats(out).await?;
        Ok(rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let values = &all[i * len * h..(i * len + r.len()) * h];
                let hidden = match dtype {
                    CacheDtype::F32 => Hidden::F32(values.to_vec()),
                    CacheDtype::F16 => Hidden::F16(values.iter().map(|&x| f16::from_f32(x)).collect()),
                };
                Cached { hidden, len: r.len() }
            })
            .collect())
    }
}

/// Cached rows → a zero-padded [b, s, h] batch and its [b, s] mask.
pub fn stack(rows: &[&Cached], hidden: usize, device: &Device) -> (Tensor<3>, Tensor<2>) {
    let len = rows.iter().map(|r| r.len).max().unwrap_or(0);
    let mut x = vec![0f32; rows.len() * len * hidden];
    let mut mask = vec![0f32; rows.len() * len];
    for (i, r) in rows.iter().enumerate() {
        let start = i * len * hidden;
        r.write_into(&mut x[start..start + r.len * hidden]);
        mask[i * len..i * len + r.len].fill(1.0);
    }
    let b = rows.len();
    (
        Tensor::from_data(TensorData::new(x, [b, len, hidden]), device),
        Tensor::from_data(TensorData::new(mask, [b, len]), device),
    )
}
