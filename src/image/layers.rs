//! Convolution + BatchNorm (+ ReLU6), the one layer EfficientNet is made of.
//!
//! Padding is TensorFlow's "same" (the weights were trained in TF): the output side is
//! ceil(in / stride) and, when the total padding is odd, the extra pixel goes bottom/right.
//! PyTorch's symmetric padding would shift every stride-2 layer by half a pixel.
//!
//! BatchNorm is always in eval mode: the running mean/var are constants (plain tensors, which
//! burn never hands to an optimizer), γ/β are trainable. Fine-tuning on a few hundred images
//! with batch statistics would wreck the pretrained features, so the statistics never train.
use burn::module::Param;
use burn::prelude::*;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

#[derive(Module, Debug)]
pub struct ConvBn {
    /// [c_out, c_in / groups, k, k] (PyTorch's layout); no bias, BN's β is the bias.
    pub weight: Param<Tensor<4>>,
    pub gamma: Param<Tensor<1>>,
    pub beta: Param<Tensor<1>>,
    pub running_mean: Tensor<1>,
    pub running_var: Tensor<1>,
    #[module(skip)]
    pub stride: usize,
    #[module(skip)]
    pub groups: usize,
    #[module(skip)]
    pub relu6: bool,
    #[module(skip)]
    pub eps: f64,
}

/// TF "same" padding of one spatial side: (before, after), the odd pixel after.
pub fn same_padding(size: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let out = size.div_ceil(stride);
    let total = ((out - 1) * stride + kernel).saturating_sub(size);
    (total / 2, total - total / 2)
}

/// The output side of a "same" convolution.
pub fn same_out(size: usize, stride: usize) -> usize {
    size.div_ceil(stride)
}

impl ConvBn {
    /// x [b, c_in, h, w] → [b, c_out, ceil(h/s), ceil(w/s)].
    ///
    /// BN is folded into the convolution: y = conv(x, w·a) + (β − mean·a) with a = γ/√(var+ε),
    /// one pass over the activations instead of three. Autodiff goes through the fold, so γ, β
    /// and w get the same gradients as with BN applied after the convolution.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [_, _, h, w] = x.dims();
        let k = self.kernel();
        let (weight, bias) = self.folded();
        let options = ConvOptions::new_with_padding(
            [self.stride, self.stride],
            [same_padding(h, k, self.stride), same_padding(w, k, self.stride)],
            [1, 1],
            self.groups,
        );
        let y = conv2d(x, weight, Some(bias), options);
        if self.relu6 { y.clamp(0.0, 6.0) } else { y }
    }

    /// BN folded into the convolution: (w·a, β − mean·a) with a = γ/√(var+ε). One function
    /// for `forward` and the ONNX export, so both use the very same f32 numbers.
    pub fn folded(&self) -> (Tensor<4>, Tensor<1>) {
        let c_out = self.channels_out();
        let scale = self.gamma.val() / self.running_var.clone().add_scalar(self.eps).sqrt(); // [c_out]
        let bias = self.beta.val() - self.running_mean.clone() * scale.clone();
        (self.weight.val() * scale.reshape([c_out, 1, 1, 1]), bias)
    }

    /// The (square) kernel side.
    pub fn kernel(&self) -> usize {
        self.weight.dims()[2]
    }

    pub fn channels_out(&self) -> usize {
        self.weight.dims()[0]
    }
}
