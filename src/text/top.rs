//! What trains on text: the top k encoder layers, the pooling (the mean over tokens, or BERT's
//! [CLS] pooler with `pooling: cls`), dropout, and a Linear head.
use burn::module::Module;
use burn::nn::Linear;
use burn::prelude::*;

use super::bert::{Layer, cls_pool, mask_bias, mean_pool};
use super::weights::{head_tensors, layer_tensors, pooler_tensors};
use crate::dropout::{Dropout, Noise};
use crate::head::{ParamGroup, fresh_head};
use crate::tensors::NamedTensor;

#[derive(Module, Debug)]
pub struct Classifier {
    pub layers: Vec<Layer>,
    pub dropout: Dropout,
    pub head: Linear,
    /// `pooling: cls`: tanh(pooler(h[CLS])) instead of the mean. Last, so the optimizer's
    /// traversal order (layers, head, pooler) and `param_groups` agree.
    pub pooler: Option<Linear>,
}

impl Classifier {
    /// A fresh head on top of `layers`, initialised like PyTorch's nn.Linear (U(±1/√h) for
    /// weight and bias). Drawn on the host from `seed`, so every backend starts from the same head.
    pub fn new(layers: Vec<Layer>, hidden: usize, classes: usize, dropout: f64, seed: u64, device: &Device) -> Self {
        Self::with_head(layers, fresh_head(hidden, classes, seed, device), dropout)
    }

    pub fn with_head(layers: Vec<Layer>, head: Linear, dropout: f64) -> Self {
        Self { layers, dropout: Dropout::new(dropout), head, pooler: None }
    }

    /// Pools through BERT's [CLS] pooler `pooler` (the base model's `pooler.dense` to start).
    pub fn with_pooler(mut self, pooler: Option<Linear>) -> Self {
        self.pooler = pooler;
        self
    }

    /// Pooled output of the top layers: x [b, s, h] from the prefix, mask [b, s] → [b, h];
    /// `noise` when training (each layer drops with its own stream), None for inference.
    pub fn pooled(&self, x: Tensor<3>, mask: Tensor<2>, noise: Option<Noise>) -> Tensor<2> {
        let bias = mask_bias(mask.clone());
        let mut x = x;
        for (j, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x, bias.clone(), noise.map(|n| n.part(j)));
        }
        match &self.pooler {
            None => mean_pool(x, mask),
            Some(dense) => cls_pool(dense, x),
        }
    }

    /// Dropout `p` inside the trainable layers instead of the model's own.
    pub fn with_encoder_dropout(mut self, p: f64) -> Self {
        for layer in &mut self.layers {
            layer.attn_dropout = Dropout::new(p);
            layer.dropout = Dropout::new(p);
        }
        self
    }

    /// The trainable groups, bottom layer first, then the head (and the pooler): the top layer,
    /// the head and the pooler at the LR, each layer below at its upper neighbour's × `decay`.
    /// `first` numbers the layers.
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        let k = self.layers.len();
        let mut groups: Vec<ParamGroup> = self
            .layers
            .iter()
            .enumerate()
            .map(|(j, layer)| ParamGroup::of(format!("encoder.layer.{}", first + j), layer, decay.powi((k - 1 - j) as i32)))
            .collect();
        groups.push(ParamGroup::of("head".into(), &self.head, 1.0));
        if let Some(pooler) = &self.pooler {
            groups.push(ParamGroup::of("pooler".into(), pooler, 1.0));
        }
        groups
    }

    /// The LR multiplier of every float parameter in traversal order (layers, the head, the pooler).
    pub fn lr_scales(&self, decay: f64) -> Vec<f64> {
        self.param_groups(0, decay).iter().flat_map(|g| std::iter::repeat_n(g.lr_scale, g.tensors)).collect()
    }

    /// Logits [b, classes]; `noise` when training, None for inference.
    pub fn forward(&self, x: Tensor<3>, mask: Tensor<2>, noise: Option<Noise>) -> Tensor<2> {
        self.head.forward(self.dropout.forward(self.pooled(x, mask, noise), noise, 0))
    }

    /// The trained tensors under HF's names, the lowest layer numbered `first` as in the whole
    /// model.
    pub fn tensors(&self, first: usize) -> Vec<(String, NamedTensor)> {
        let mut named = Vec::new();
        for (j, layer) in self.layers.iter().enumerate() {
            named.extend(layer_tensors(first + j, layer));
        }
        named.extend(head_tensors(&self.head));
        if let Some(p) = &self.pooler {
            named.extend(pooler_tensors(p));
        }
        named
    }
}
