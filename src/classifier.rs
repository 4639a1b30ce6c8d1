//! What trains: the top k encoder layers, the pooling (the mean over tokens, or BERT's [CLS]
//! pooler with `pooling: cls`), dropout, and a Linear head.
use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::*;

use serde::Serialize;

use crate::data::Rng;
use crate::model::bert::{Layer, cls_pool, mask_bias, mean_pool};
use crate::model::weights::{head_tensors, layer_tensors, pooler_tensors};
use crate::tensors::NamedTensor;
use crate::vision::ImageTop;
use crate::vision::weights::top_tensors;

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

/// A fresh Linear head `inputs` → `classes`, initialised like PyTorch's nn.Linear (U(±1/√inputs)
/// for weight and bias), drawn on the host from `seed` so every backend starts from the same head.
pub fn fresh_head(inputs: usize, classes: usize, seed: u64, device: &Device) -> Linear {
    let bound = 1.0 / (inputs as f64).sqrt();
    let mut rng = Rng::new(seed);
    let mut uniform = |n: usize| -> Vec<f32> {
        (0..n).map(|_| (((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0) as f32 * bound as f32).collect()
    };
    let mut head = LinearConfig::new(inputs, classes).init(device);
    head.weight = Param::from_tensor(Tensor::from_data(TensorData::new(uniform(inputs * classes), [inputs, classes]), device));
    head.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(uniform(classes), [classes]), device)));
    head
}

/// What an image run trains: the CNN's upper blocks, its head conv and a Linear head (in
/// `net`), with dropout before the Linear head. BatchNorm keeps its running statistics.
#[derive(Module, Debug)]
pub struct ImageClassifier {
    pub net: ImageTop,
    pub dropout: Dropout,
}

impl ImageClassifier {
    /// Logits [b, classes] of the frozen bottom's features [b, c, h, w].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.net.fc.forward(self.dropout.forward(self.net.features(x)))
    }

    /// Bottom block first (`blocks.{first + j}`, each below the top one at its upper
    /// neighbour's LR × `decay`), then the head conv and the Linear head at the LR.
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        let k = self.net.blocks.len();
        let mut groups: Vec<ParamGroup> = self
            .net
            .blocks
            .iter()
            .enumerate()
            .map(|(j, block)| ParamGroup::of(format!("blocks.{}", first + j), block, decay.powi((k - 1 - j) as i32)))
            .collect();
        groups.push(ParamGroup::of("head_conv".into(), &self.net.head, 1.0));
        groups.push(ParamGroup::of("head".into(), &self.net.fc, 1.0));
        groups
    }
}

/// What a run trains: a text `Classifier` or, for images, the upper blocks of a CNN and its head.
/// One module type, so the optimizer, early stopping and the step code serve both tasks.
#[derive(Module, Debug)]
pub enum Top {
    Text(Classifier),
    Image(ImageClassifier),
}

/// A batch as the trainable top reads it: the text prefix's states [b, s, h] and mask [b, s],
/// or the image bottom's features [b, c, h, w].
pub enum Batch {
    Text(Tensor<3>, Tensor<2>),
    Image(Tensor<4>),
}

impl Top {
    /// Logits [b, outputs] of a batch of the top's own kind.
    pub fn forward(&self, batch: Batch) -> Tensor<2> {
        match (self, batch) {
            (Top::Text(top), Batch::Text(x, mask)) => top.forward(x, mask),
            (Top::Image(top), Batch::Image(x)) => top.forward(x),
            // the trainer builds batches from its own base, so kinds always agree
            _ => unreachable!("a text batch for an image top, or the reverse"),
        }
    }

    /// The text classifier; None for an image run.
    pub fn text(&self) -> Option<&Classifier> {
        match self {
            Top::Text(top) => Some(top),
            Top::Image(_) => None,
        }
    }

    /// The trainable groups (see `Classifier::param_groups`); `first` numbers the lowest.
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        match self {
            Top::Text(top) => top.param_groups(first, decay),
            Top::Image(top) => top.param_groups(first, decay),
        }
    }

    /// The LR multiplier of every float parameter in traversal order.
    pub fn lr_scales(&self, decay: f64) -> Vec<f64> {
        self.param_groups(0, decay).iter().flat_map(|g| std::iter::repeat_n(g.lr_scale, g.tensors)).collect()
    }

    /// The head's outputs: classes (1 for regression).
    pub fn outputs(&self) -> usize {
        match self {
            Top::Text(top) => top.head.weight.dims()[1],
            Top::Image(top) => top.net.fc.weight.dims()[1],
        }
    }

    /// The trained tensors under the model file's names (HF's for text, PyTorch's for images),
    /// the lowest layer or block numbered `first` as in the whole model.
    pub fn tensors(&self, first: usize) -> Vec<(String, NamedTensor)> {
        match self {
            Top::Text(top) => {
                let mut named = Vec::new();
                for (j, layer) in top.layers.iter().enumerate() {
                    named.extend(layer_tensors(first + j, layer));
                }
                named.extend(head_tensors(&top.head));
                if let Some(p) = &top.pooler {
                    named.extend(pooler_tensors(p));
                }
                named
            }
            Top::Image(top) => top_tensors(&top.net, first),
        }
    }
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
