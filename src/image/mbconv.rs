//! The MBConv block (MobileNetV2's inverted residual, as EfficientNet-Lite uses it: no
//! squeeze-excitation): expand 1x1 (when the ratio is not 1) → depthwise k×k → project 1x1,
//! and the identity shortcut where the block keeps the shape.
use burn::prelude::*;

use super::layers::ConvBn;

#[derive(Module, Debug)]
pub struct MbConv {
    /// 1x1, c_in → c_in·ratio, BN, ReLU6; absent when the ratio is 1 (block 0).
    pub expand: Option<ConvBn>,
    /// k×k, groups = channels, the block's stride, BN, ReLU6.
    pub depthwise: ConvBn,
    /// 1x1 down to c_out, BN, no activation (the "linear bottleneck").
    pub project: ConvBn,
    #[module(skip)]
    pub skip: bool,
}

impl MbConv {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let input = self.skip.then(|| x.clone());
        let h = match &self.expand {
            Some(e) => e.forward(x),
            None => x,
        };
        let y = self.project.forward(self.depthwise.forward(h));
        match input {
            Some(i) => y + i,
            None => y,
        }
    }

    pub fn stride(&self) -> usize {
        self.depthwise.stride
    }

    pub fn channels_out(&self) -> usize {
        self.project.channels_out()
    }
}
