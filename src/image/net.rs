//! The whole network and its split for fine-tuning: a frozen bottom (stem + lower blocks, run
//! once per image and cached) and a trainable top (upper blocks, head conv, a Linear head).
use burn::nn::Linear;
use burn::prelude::*;

use super::layers::{ConvBn, same_out};
use super::mbconv::MbConv;

#[derive(Module, Debug)]
pub struct EfficientNet {
    /// 3x3 stride 2, 3 → 32, BN, ReLU6.
    pub stem: ConvBn,
    /// The 16 MBConv blocks, bottom first.
    pub blocks: Vec<MbConv>,
    /// 1x1 → 1280, BN, ReLU6.
    pub head: ConvBn,
    /// 1280 → classes (burn layout [in, out]).
    pub fc: Linear,
}

/// Global average pooling: [b, c, h, w] → [b, c].
pub fn pool(x: Tensor<4>) -> Tensor<2> {
    let [b, c, h, w] = x.dims();
    x.reshape([b, c, h * w]).mean_dim(2).reshape([b, c])
}

impl EfficientNet {
    /// Normalised images [b, 3, h, w] (any size, 224 for ImageNet) → logits [b, classes].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.run_blocks(x, 0, self.blocks.len());
        self.fc.forward(pool(self.head.forward(x)))
    }

    /// Blocks `from..to`; the stem first when `from` is 0 (then `x` is the image).
    pub fn run_blocks(&self, x: Tensor<4>, from: usize, to: usize) -> Tensor<4> {
        let mut x = if from == 0 { self.stem.forward(x) } else { x };
        for block in &self.blocks[from..to] {
            x = block.forward(x);
        }
        x
    }

    /// Each block's output averaged over H×W: 16 tensors [b, c_i] (the parity test's probes).
    pub fn block_means(&self, x: Tensor<4>) -> Vec<Tensor<2>> {
        let mut x = self.stem.forward(x);
        let mut out = Vec::with_capacity(self.blocks.len());
        for block in &self.blocks {
            x = block.forward(x);
            out.push(pool(x.clone()));
        }
        out
    }

    /// The frozen bottom and the trainable top: the top `trainable_blocks` blocks (clamped to
    /// the 16 there are), the head conv and `fc` go to the top. BN stays in eval mode in both.
    pub fn split(self, trainable_blocks: usize) -> (FrozenNet, ImageTop) {
        let EfficientNet { stem, mut blocks, head, fc } = self;
        let first = blocks.len() - trainable_blocks.min(blocks.len());
        let top = blocks.split_off(first);
        (FrozenNet { stem, blocks }, ImageTop { blocks: top, head, fc })
    }
}

/// Stem + the lower blocks: what runs once per image and is cached.
#[derive(Module, Debug)]
pub struct FrozenNet {
    pub stem: ConvBn,
    pub blocks: Vec<MbConv>,
}

impl FrozenNet {
    /// Images [b, 3, s, s] → features [b, c, h, w] (the cache's content).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let mut x = self.stem.forward(x);
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// [c, h, w] of `forward`'s output for an input of side `size` (sizes the cache).
    pub fn out_shape(&self, size: usize) -> [usize; 3] {
        let mut side = same_out(size, self.stem.stride);
        let mut c = self.stem.channels_out();
        for block in &self.blocks {
            side = same_out(side, block.stride());
            c = block.channels_out();
        }
        [c, side, side]
    }
}

/// What trains: the upper blocks, the head conv (+ BN's γ/β) and the Linear head.
#[derive(Module, Debug)]
pub struct ImageTop {
    pub blocks: Vec<MbConv>,
    pub head: ConvBn,
    pub fc: Linear,
}

impl ImageTop {
    /// Frozen features [b, c, h, w] → pooled head features [b, 1280].
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        let mut x = x;
        for block in &self.blocks {
            x = block.forward(x);
        }
        pool(self.head.forward(x))
    }

    /// Frozen features → logits [b, classes].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.fc.forward(self.features(x))
    }
}
