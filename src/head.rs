//! What every kind's trainable top shares: a fresh Linear head drawn on the host, and the
//! groups of parameters trained at one LR multiplier (layer-wise decay, the page's counts).
use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use serde::Serialize;

use crate::data::Rng;


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

/// A CNN top's groups (images, sounds): bottom block first (`blocks.{first + j}`, each below
/// the top one at its upper neighbour's LR × `decay`), then the head conv and the Linear head
/// at the LR.
pub(crate) fn block_groups<B: Module, C: Module>(blocks: &[B], first: usize, decay: f64, head_conv: &C, head: &Linear) -> Vec<ParamGroup> {
    let k = blocks.len();
    let mut groups: Vec<ParamGroup> =
        blocks.iter().enumerate().map(|(j, block)| ParamGroup::of(format!("blocks.{}", first + j), block, decay.powi((k - 1 - j) as i32))).collect();
    groups.push(ParamGroup::of("head_conv".into(), head_conv, 1.0));
    groups.push(ParamGroup::of("head".into(), head, 1.0));
    groups
}
