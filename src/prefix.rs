//! The frozen prefix: embeddings + the lower N−k layers. It never trains, so each example goes
//! through it once, without autodiff, and its output is kept on the host; every epoch after
//! that runs only the top k layers.
use burn::prelude::*;

use crate::error::Result;
use crate::model::Encoder;
use crate::readback;
use crate::tokenize::pad;

/// One example's hidden states after the prefix: `len` rows of `hidden` values.
#[derive(Clone, Debug)]
pub struct Cached {
    pub hidden: Vec<f32>,
    pub len: usize,
}

/// The frozen prefix is an encoder that holds only the lower layers.
pub type Prefix = Encoder;

impl Encoder {
    /// Runs a batch of token rows and returns each row's states, padding cut off.
    pub async fn cache(&self, rows: &[&[u32]], device: &Device) -> Result<Vec<Cached>> {
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
                let start = i * len * h;
                Cached { hidden: all[start..start + r.len() * h].to_vec(), len: r.len() }
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
        x[start..start + r.hidden.len()].copy_from_slice(&r.hidden);
        mask[i * len..i * len + r.len].fill(1.0);
    }
    let b = rows.len();
    (
        Tensor::from_data(TensorData::new(x, [b, len, hidden]), device),
        Tensor::from_data(TensorData::new(mask, [b, len]), device),
    )
}
