//! Inference in batches: how many rows at once, and a batch's outputs back as rows.
use burn::prelude::*;

use crate::error::Result;
use crate::readback;

/// Rows per inference batch.
pub const BATCH: usize = 64;

/// A [rows, cols] tensor read back as one Vec per row.
pub async fn read_rows(t: Tensor<2>) -> Result<Vec<Vec<f32>>> {
    let [_, cols] = t.dims();
    Ok(readback::floats(t).await?.chunks(cols.max(1)).map(|c| c.to_vec()).collect())
}
