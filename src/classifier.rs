//! What trains: the top k encoder layers, mean pooling, dropout, and a Linear head.
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::*;

use crate::model::bert::{Layer, mask_bias, mean_pool};

#[derive(Module, Debug)]
pub struct Classifier {
    pub layers: Vec<Layer>,
    pub dropout: Dropout,
    pub head: Linear,
}

impl Classifier {
    /// A fresh head (PyTorch's nn.Linear init: U(±1/√h) for weight and bias) on top of `layers`.
    pub fn new(layers: Vec<Layer>, hidden: usize, classes: usize, dropout: f64, device: &Device) -> Self {
        Self::with_head(layers, LinearConfig::new(hidden, classes).init(device), dropout)
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
