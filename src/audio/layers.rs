//! The one layer speech_embedding is made of: a convolution with BatchNorm already folded into
//! its weight and bias (the ONNX file stores them folded: `*_weights_fused_bn`,
//! `*_bias_fused_bn`), then LeakyReLU(0.2) and max(x, −0.4).
//!
//! Axes are [batch, channels, time, mel]. Kernels are 3×3 (the stem), 1×3 (across mel bins,
//! zero-padded one bin each side so the 32/16/… bins are kept) or 3×1 (across time, unpadded:
//! each one takes 2 frames off). Stride 1 everywhere; the max-pools do the shrinking.
use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation::leaky_relu;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

/// LeakyReLU's slope and the floor after it (`model/tf.math.maximum*` in the graph, whose
/// constant `weights.rs` checks is this one).
pub const SLOPE: f64 = 0.2;
pub const FLOOR: f32 = -0.4;

#[derive(Module, Debug)]
pub struct Conv {
    /// [c_out, c_in, kh, kw] (ONNX's layout, which is burn's).
    pub weight: Param<Tensor<4>>,
    /// None only for the last conv (`conv2d_19`, no BN and no bias).
    pub bias: Option<Param<Tensor<1>>>,
    /// Zeros added each side of the mel axis (1 for the 3×3 and 1×3 kernels, 0 for 3×1).
    #[module(skip)]
    pub pad_mel: usize,
    /// LeakyReLU + floor after the convolution (all but the last conv).
    #[module(skip)]
    pub activation: bool,
}

impl Conv {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let options = ConvOptions::new([1, 1], [0, self.pad_mel], [1, 1], 1);
        let y = conv2d(x, self.weight.val(), self.bias.as_ref().map(|b| b.val()), options);
        if self.activation { activate(y) } else { y }
    }

    pub fn channels_out(&self) -> usize {
        self.weight.dims()[0]
    }

    /// [kh, kw].
    pub fn kernel(&self) -> [usize; 2] {
        let [_, _, kh, kw] = self.weight.dims();
        [kh, kw]
    }

    /// [time, mel] out for [time, mel] in.
    pub fn out_side(&self, [t, m]: [usize; 2]) -> [usize; 2] {
        let [kh, kw] = self.kernel();
        [(t + 1).saturating_sub(kh), (m + 2 * self.pad_mel + 1).saturating_sub(kw)]
    }
}

/// max(LeakyReLU₀.₂(x), −0.4): the graph's `LeakyRelu` then `Max` with a constant.
pub fn activate<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    leaky_relu(x, SLOPE).clamp_min(FLOOR)
}
