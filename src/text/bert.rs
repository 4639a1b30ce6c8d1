//! The BERT encoder: embeddings, post-LayerNorm self-attention layers, mean pooling.
//! Shapes: b = batch, s = sequence, h = hidden, n = heads, d = h / n.
use burn::nn::{Embedding, LayerNorm, Linear};
use burn::prelude::*;
use burn::tensor::activation::{gelu, gelu_approximate, relu, softmax};
use burn::tensor::module::attention;
use burn::tensor::ops::AttentionModuleOptions;

use super::config::{Activation, BertConfig};
use crate::dropout::{Dropout, Noise};

/// Added to the attention scores of padding positions; exp() of it is exactly 0 in f32.
/// (The ONNX export adds the same.)
pub const MASKED: f32 = -1.0e9;

#[derive(Module, Debug)]
pub struct Embeddings {
    pub word: Embedding,
    pub position: Embedding,
    pub token_type: Embedding,
    pub norm: LayerNorm,
}

impl Embeddings {
    /// ids [b, s] → [b, s, h]. Single-segment input, so every token type is 0.
    pub fn forward(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let [b, s] = ids.dims();
        let device = ids.device();
        let positions = Tensor::<1, Int>::arange(0..s as i64, &device).reshape([1, s]).repeat_dim(0, b);
        let types = Tensor::<2, Int>::zeros([b, s], &device);
        let x = self.word.forward(ids) + self.position.forward(positions) + self.token_type.forward(types);
        self.norm.forward(x)
    }
}

#[derive(Module, Debug)]
pub struct Layer {
    pub query: Linear,
    pub key: Linear,
    pub value: Linear,
    pub attn_out: Linear,
    pub attn_norm: LayerNorm,
    pub intermediate: Linear,
    pub output: Linear,
    pub out_norm: LayerNorm,
    pub attn_dropout: Dropout,
    pub dropout: Dropout,
    #[module(skip)]
    pub heads: usize,
    #[module(skip)]
    pub act: Activation,
}

impl Layer {
    /// x [b, s, h], mask_bias [b, 1, 1, s] (0 for real tokens, MASKED for padding) → [b, s, h];
    /// `noise` when training (dropout), None for inference.
    pub fn forward(&self, x: Tensor<3>, mask_bias: Tensor<4>, noise: Option<Noise>) -> Tensor<3> {
        let [b, s, h] = x.dims();
        let d = h / self.heads;
        let split = |t: Tensor<3>| t.reshape([b, s, self.heads, d]).swap_dims(1, 2); // [b, n, s, d]
        let q = split(self.query.forward(x.clone()));
        let k = split(self.key.forward(x.clone()));
        let v = split(self.value.forward(x.clone()));
        let device = x.device();
        // inference on the CPU (no dropout, no autodiff): kernels that skip work training needs
        let cpu_inference = noise.is_none() && !device.is_autodiff() && device == Device::flex();
        let context = if cpu_inference {
            // burn's fused attention, one pass per head with no [b, n, s, s] score and
            // probability tensors; its bias must be whole [s, s] tiles (it would otherwise
            // expand the [b, 1, 1, s] bias to every head)
            let bias = mask_bias.expand([b, 1, s, s]);
            attention(q, k, v, None, Some(bias), AttentionModuleOptions::default())
        } else {
            let scores = q.matmul(k.swap_dims(2, 3)).div_scalar((d as f64).sqrt()) + mask_bias;
            self.attn_dropout.forward(softmax(scores, 3), noise, 0).matmul(v)
        };
        let context = context.swap_dims(1, 2).reshape([b, s, h]);
        let x = self.attn_norm.forward(self.dropout.forward(self.attn_out.forward(context), noise, 1) + x);
        let inner = self.intermediate.forward(x.clone());
        let inner = match self.act {
            Activation::Gelu if cpu_inference => super::gelu::gelu_cpu(inner),
            Activation::Gelu => gelu(inner),
            Activation::GeluTanh => gelu_approximate(inner),
            Activation::Relu => relu(inner),
        };
        self.out_norm.forward(self.dropout.forward(self.output.forward(inner), noise, 2) + x)
    }
}

impl Layer {
    /// The attention probabilities from position 0 ([CLS]) over the sequence, averaged over
    /// heads: [b, s]. For the teaching view only, as a separate pass, so `forward` (the
    /// training and inference path) keeps computing nothing it does not need.
    pub fn cls_attention(&self, x: Tensor<3>, mask_bias: Tensor<4>) -> Tensor<2> {
        let [b, s, h] = x.dims();
        let n = self.heads;
        let d = h / n;
        let q = self.query.forward(x.clone().narrow(1, 0, 1)).reshape([b, 1, n, d]).swap_dims(1, 2); // [b, n, 1, d]
        let k = self.key.forward(x).reshape([b, s, n, d]).swap_dims(1, 2); // [b, n, s, d]
        let scores = q.matmul(k.swap_dims(2, 3)).div_scalar((d as f64).sqrt()) + mask_bias; // [b, n, 1, s]
        softmax(scores, 3).mean_dim(1).reshape([b, s])
    }
}

/// The whole pretrained encoder as loaded: embeddings and every layer.
#[derive(Module, Debug)]
pub struct Encoder {
    pub embeddings: Embeddings,
    pub layers: Vec<Layer>,
}

impl Encoder {
    /// Runs embeddings and all layers; returns the last hidden state [b, s, h].
    pub fn forward(&self, ids: Tensor<2, Int>, mask: Tensor<2>) -> Tensor<3> {
        let bias = mask_bias(mask);
        let mut x = self.embeddings.forward(ids);
        for layer in &self.layers {
            x = layer.forward(x, bias.clone(), None);
        }
        x
    }
}

/// Dropout modules for a layer; probabilities come from config.json (0 turns them off).
pub fn layer_dropouts(cfg: &BertConfig) -> (Dropout, Dropout) {
    (
        Dropout::new(cfg.attention_probs_dropout_prob),
        Dropout::new(cfg.hidden_dropout_prob),
    )
}

/// mask [b, s] of 1.0 (token) / 0.0 (padding) → additive attention bias [b, 1, 1, s].
pub fn mask_bias(mask: Tensor<2>) -> Tensor<4> {
    let [b, s] = mask.dims();
    (mask.neg() + 1.0).mul_scalar(MASKED).reshape([b, 1, 1, s])
}

/// Mean over real tokens: x [b, s, h], mask [b, s] → [b, h].
pub fn mean_pool(x: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
    let [b, s, h] = x.dims();
    let m = mask.reshape([b, s, 1]);
    let summed = (x * m.clone()).sum_dim(1).reshape([b, h]);
    let counts = m.sum_dim(1).reshape([b, 1]).clamp_min(1e-9);
    summed / counts
}

/// Rows scaled to unit L2 norm, as sentence-transformers returns embeddings.
pub fn l2_normalize(x: Tensor<2>) -> Tensor<2> {
    let norm = x.clone().square().sum_dim(1).sqrt().clamp_min(1e-12);
    x / norm
}

/// BERT's pooler, as HF `BertPooler`: tanh(dense(h[CLS])) of x [b, s, h] → [b, h].
pub fn cls_pool(dense: &Linear, x: Tensor<3>) -> Tensor<2> {
    let [b, _, h] = x.dims();
    burn::tensor::activation::tanh(dense.forward(x.narrow(1, 0, 1).reshape([b, h])))
}
