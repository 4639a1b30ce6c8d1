//! The one seam where tensors come back to the host. Always async: in the browser a synchronous
//! read would block (or panic on) WebGPU; natively the CLI drives these futures with `block_on`.
use burn::prelude::*;

use crate::error::{Error, Result};

pub async fn floats<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    let data = t.into_data_async().await.map_err(|e| Error::Device(format!("{e:?}")))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))
}

pub async fn scalar(t: Tensor<1>) -> Result<f32> {
    let v = floats(t).await?;
    v.first().copied().ok_or_else(|| Error::Device("read an empty tensor".into()))
}
