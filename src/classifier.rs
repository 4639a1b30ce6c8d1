//! What trains: the top k encoder layers, the pooling (the mean over tokens, or BERT's [CLS]
//! pooler with `pooling: cls`), dropout, and a Linear head.
use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::*;

use serde::Serialize;

use crate::data::Rng;
use crate::model::bert::{Layer, mask_bias, mean_pool};

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
        Self { layers, dropout: DropoutConfig::new(dropout).init(), head, pooler: None }
    }

    /// Pools through BERT's [CLS] pooler `pooler` (the base model's `pooler.dense` to start).
    pub fn with_pooler(mut self, pooler: Option<Linear>) -> Self {
        self.pooler = pooler;
        self
    }

    /// Pooled output of the top layers: x [b, s, h] from the prefix, mask [b, s] → [b, h].
    pub fn pooled(&self, x: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
        let bias = mask_bias(mask.clone());
        let mut x = x;
        for layer in &self.layers {
            x = layer.forward(x, bias.clone());
        }
        match &self.pooler {
            None => mean_pool(x, mask),
            Some(dense) => cls_pool(dense, x),
        }
    }

    /// Dropout `p` inside the trainable layers instead of the model's own.
    pub fn with_encoder_dropout(mut self, p: f64) -> Self {
        for layer in &mut self.layers {
            layer.attn_dropout = DropoutConfig::new(p).init();
            layer.dropout = DropoutConfig::new(p).init();
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

    /// Logits [b, classes].
    pub fn forward(&self, x: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
        self.head.forward(self.dropout.forward(self.pooled(x, mask)))
    }
}

/// What a run trains: a text `Classifier` or, for images, the upper blocks of a CNN and its head.
/// One module type, so the optimizer, early stopping and the step code serve both tasks.
#[derive(Module, Debug)]
pub enum Top {
    Text(Classifier),
}

/// A batch as the trainable top reads it: the text prefix's states [b, s, h] and mask [b, s].
pub enum Batch {
    Text(Tensor<3>, Tensor<2>),
}

impl Top {
    /// Logits [b, outputs] of a batch of the top's own kind.
    pub fn forward(&self, batch: Batch) -> Tensor<2> {
        match (self, batch) {
            (Top::Text(top), Batch::Text(x, mask)) => top.forward(x, mask),
        }
    }

    /// The text classifier; None for an image run.
    pub fn text(&self) -> Option<&Classifier> {
        match self {
            Top::Text(top) => Some(top),
        }
    }

    /// The trainable groups (see `Classifier::param_groups`); `first` numbers the lowest.
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        match self {
            Top::Text(top) => top.param_groups(first, decay),
        }
    }

    /// The LR multiplier of every float parameter in traversal order.
    pub fn lr_scales(&self, decay: f64) -> Vec<f64> {
        self.param_groups(0, decay).iter().flat_map(|g| std::iter::repeat_n(g.lr_scale, g.tensors)).collect()
    }
}

/// BERT's pooler, as HF `BertPooler`: tanh(dense(h[CLS])) of x [b, s, h] → [b, h].
pub fn cls_pool(dense: &Linear, x: Tensor<3>) -> Tensor<2> {
    let [b, _, h] = x.dims();
    burn::tensor::activation::tanh(dense.forward(x.narrow(1, 0, 1).reshape([b, h])))
}

/// A set of parameters trained at one LR multiplier.
#[derive(Clone, Debug, Serialize)]
pub struct ParamGroup {
    pub name: String,
    /// Scalar parameters.
    pub params: usize,
    pub lr_scale: f64,
    #[serde(skip)]
    pub tensors: usize,
}

impl ParamGroup {
    pub(crate) fn of<M: Module>(name: String, module: &M, lr_scale: f64) -> Self {
        struct Count(usize, usize);
        impl ModuleVisitor for Count {
            fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
                self.0 += 1;
                self.1 += p.lazy_shape().num_elements();
            }
        }
        let mut c = Count(0, 0);
        module.visit(&mut c);
        ParamGroup { name, params: c.1, lr_scale, tensors: c.0 }
    }
}
