//! Dropout whose masks are drawn on the host, one stream per (step, place, row of the batch).
//!
//! burn's dropout draws a whole batch's mask from the backend's RNG, so a row's mask depends on
//! the rows beside it and on the backend. Here a row's mask depends only on the step's seed,
//! where in the network it is dropped (`site`) and the row's position in the step's batch: a
//! batch split across workers (`train::parts`) drops exactly what the whole batch would, and the
//! CPU and WebGPU backends drop the same elements.
use burn::module::Module;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Rng;

/// What a training forward drops with: the step's seed and the batch row its first row is.
/// Inference passes `None`, and nothing is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    seed: u64,
    first_row: usize,
}

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise { seed, first_row: 0 }
    }

    /// The noise of the batch's rows from `first_row` on (a part of a split batch).
    pub fn from_row(self, first_row: usize) -> Self {
        Noise { first_row: self.first_row + first_row, ..self }
    }

    /// A distinct stream for each of a network's parts (a layer `j` of the top), so two
    /// dropouts of the same shape never share a mask.
    pub fn part(self, j: usize) -> Self {
        Noise { seed: mix(self.seed, 0xA076_1D64_78BD_642F ^ j as u64), ..self }
    }

    fn row_rng(&self, site: u64, row: usize) -> Rng {
        Rng::new(mix(mix(self.seed, site), (self.first_row + row) as u64))
    }
}

/// Two words hashed into one seed (SplitMix64's finaliser over their xor-rotation), so
/// neighbouring seeds, sites and rows give unrelated streams.
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.rotate_left(32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Zeroes each element with probability `prob` during training and scales the rest by
/// 1 / (1 − prob), as `torch.nn.Dropout`.
#[derive(Module, Debug)]
pub struct Dropout {
    pub prob: f64,
}

impl Dropout {
    /// Panics unless 0 ≤ `prob` < 1: the settings and config.json checks refuse others first.
    pub fn new(prob: f64) -> Self {
        assert!(prob.is_finite() && (0.0..1.0).contains(&prob), "dropout probability {prob} is not in [0, 1)");
        Dropout { prob }
    }

    /// `x` [b, …] with row r's elements dropped by its own stream at `site`; `x` itself
    /// without noise (inference) or at probability 0.
    pub fn forward<const D: usize>(&self, x: Tensor<D>, noise: Option<Noise>, site: u64) -> Tensor<D> {
        let Some(noise) = noise else { return x };
        if self.prob == 0.0 {
            return x;
        }
        let shape = x.shape();
        let rows = shape[0];
        let per_row = shape.num_elements() / rows.max(1);
        let keep = 1.0 - self.prob;
        // an element stays when the top 32 bits of its draw fall below keep · 2³²
        let threshold = (keep * 4_294_967_296.0) as u64;
        let scale = (1.0 / keep) as f32;
        let mut mask = Vec::with_capacity(rows * per_row);
        for r in 0..rows {
            let mut rng = noise.row_rng(site, r);
            mask.extend((0..per_row).map(|_| if rng.next_u64() >> 32 < threshold { scale } else { 0.0 }));
        }
        let mask = Tensor::<D>::from_data(TensorData::new(mask, shape), &x.device());
        x * mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones(rows: usize) -> Tensor<3> {
        Tensor::ones([rows, 4, 16], &Device::flex())
    }

    async fn host(t: Tensor<3>) -> Vec<f32> {
        crate::readback::floats(t).await.unwrap_or_default()
    }

    #[test]
    fn a_rows_mask_is_the_same_in_a_part_of_the_batch() {
        futures_lite::future::block_on(async {
            let d = Dropout::new(0.3);
            let noise = Noise::new(42);
            let whole = host(d.forward(ones(6), Some(noise), 1)).await;
            let part = host(d.forward(ones(2), Some(noise.from_row(3)), 1)).await;
            assert_eq!(part[..], whole[3 * 64..5 * 64]);
            // another site, another step and another layer each give another mask
            assert_ne!(host(d.forward(ones(6), Some(noise), 2)).await, whole);
            assert_ne!(host(d.forward(ones(6), Some(Noise::new(43)), 1)).await, whole);
            assert_ne!(host(d.forward(ones(6), Some(noise.part(1)), 1)).await, whole);
        });
    }

    #[test]
    fn drops_at_the_rate_and_keeps_the_mean() {
        futures_lite::future::block_on(async {
            let x = host(Dropout::new(0.25).forward(ones(64), Some(Noise::new(7)), 0)).await;
            let dropped = x.iter().filter(|&&v| v == 0.0).count() as f64 / x.len() as f64;
            // 4096 draws: the share's standard error is 0.0068, so ±0.03 is over 4 of them
            assert!((dropped - 0.25).abs() < 0.03, "dropped {dropped}");
            assert!(x.iter().all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-6));
            // inference and p = 0 leave the input as it is
            assert!(host(Dropout::new(0.25).forward(ones(2), None, 0)).await.iter().all(|&v| v == 1.0));
            assert!(host(Dropout::new(0.0).forward(ones(2), Some(Noise::new(7)), 0)).await.iter().all(|&v| v == 1.0));
        });
    }
}
