//! What trains: the top k encoder layers, mean pooling, dropout, and a Linear head.
use burn::module::Param;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::*;

use crate::data::Rng;
use crate::model::bert::{Layer, mask_bias, mean_pool};

#[derive(Module, Debug)]
pub struct Classifier {
    pub layers: Vec<Layer>,
    pub dropout: Dropout,
    pub head: Linear,
}

impl Classifier {
    /// A fresh head on top of `layers`, initialised like PyTorch's nn.Linear (U(±1/√h) for
    /// weight and bias). Drawn on the host from `seed`, so every backend starts from the same head.
    pub fn new(layers: Vec<Layer>, hidden: usize, classes: usize, dropout: f64, seed: u64, device: &Device) -> Self {
        let bound = 1.0 / (hidden as f64).sqrt();
        let mut rng = Rng::new(seed);
        let mut uniform = |n: usize| -> Vec<f32> {
            (0..n).map(|_| (((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0) as f32 * bound as f32).collect()
        };
        let mut head = LinearConfig::new(hidden, classes).init(device);
        head.weight = Param::from_tensor(Tensor::from_data(TensorData::new(uniform(hidden * classes), [hidden, classes]), device));
        head.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(uniform(classes), [classes]), device)));
        Self::with_head(layers, head, dropout)
    }

    pub fn with_head(layers: Vec<Layer>, head: Linear, dropout: f64) -> Self {
        Self { layers, dropout: DropoutConfig::new(dropout).init(), head }
    }

    /// Mean-pooled output of the top layers: x [b, s, h] from the prefix, mask [b, s] → [b, h].
    pub fn pooled(&self, x: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
        let bias = mask_bias(mask.clone());
        let mut x = x;
        for layer in &self.layers {
            x = layer.forward(x, bias.clone());
        }
        mean_pool(x, mask)
    }

    /// Logits [b, classes].
    pub fn forward(&self, x: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
        self.head.forward(self.dropout.forward(self.pooled(x, mask)))
    }
}
