//! The frozen prefix: embeddings + the lower N−k layers. It never trains, so each example goes
//! through it once, without autodiff, and its output is kept on the host (as f16 by default:
//! half the memory); every epoch after that runs only the top k layers. When the cache would not
//! fit its memory budget, the trainer runs the prefix again for every batch instead.
use std::collections::HashMap;

use burn::module::Module;
use burn::prelude::*;
use half::f16;

use crate::error::{Error, Result};
use crate::tensors::{read_named, to_safetensors};
use crate::text::weights::{embeddings_tensors, layer_tensors};
use crate::text::{BertConfig, Encoder};
use crate::readback;
use crate::run::CacheDtype;
use crate::text::tokenize::pad;

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
/// A frozen pass's output for a batch, one row per example (`row_floats` values, `len` states
/// of `values / len` each), kept in `dtype` — what the image and sound runs cache.
pub fn cached_rows(all: &[f32], row_floats: usize, len: usize, dtype: CacheDtype) -> Vec<Cached> {
    all.chunks(row_floats.max(1))
        .map(|values| {
            let hidden = match dtype {
                CacheDtype::F32 => Hidden::F32(values.to_vec()),
                CacheDtype::F16 => Hidden::F16(values.iter().map(|&x| half::f16::from_f32(x)).collect()),
            };
            Cached { hidden, len }
        })
        .collect()
}

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

/// The prefix as the files another worker loads it from (config.json with only the frozen
/// layers, and their weights as safetensors), so a pool of workers computes the same cache.
pub async fn to_files(prefix: &Prefix, config: &BertConfig) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut named = embeddings_tensors(&prefix.embeddings);
    for (i, layer) in prefix.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    let weights = to_safetensors(read_named(named).await?, HashMap::new())?;
    let mut config = config.clone();
    config.num_hidden_layers = prefix.layers.len();
    let config = serde_json::to_vec(&config).map_err(|e| Error::Config(format!("could not write the prefix's config: {e}")))?;
    Ok((config, weights))
}

/// A prefix from `to_files`' output.
pub fn from_files(config: &[u8], weights: &[u8], device: &Device) -> Result<Prefix> {
    let config = BertConfig::from_json(config)?;
    Ok(crate::text::weights::load(weights, &config, device)?.0.valid())
}

/// Cached rows as bytes (each row's values in order, little-endian f16 or f32), for moving
/// them between workers.
pub fn rows_to_bytes(rows: &[Cached]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        match &r.hidden {
            Hidden::F32(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            Hidden::F16(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        }
    }
    out
}

/// `rows_to_bytes`' inverse for rows of these token counts.
pub fn rows_from_bytes(bytes: &[u8], lens: &[usize], hidden: usize, dtype: CacheDtype) -> Result<Vec<Cached>> {
    let width = match dtype {
        CacheDtype::F16 => 2,
        CacheDtype::F32 => 4,
    };
    let want = lens.iter().sum::<usize>() * hidden * width;
    if bytes.len() != want {
        return Err(Error::Device(format!("a prefix worker sent {} bytes for rows that take {want}", bytes.len())));
    }
    let mut at = 0;
    Ok(lens
        .iter()
        .map(|&len| {
            let part = &bytes[at..at + len * hidden * width];
            at += part.len();
            let hidden = match dtype {
                CacheDtype::F16 => Hidden::F16(part.chunks_exact(2).map(|b| f16::from_le_bytes([b[0], b[1]])).collect()),
                CacheDtype::F32 => Hidden::F32(part.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()),
            };
            Cached { hidden, len }
        })
        .collect())
}
