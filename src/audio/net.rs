//! speech_embedding as burn modules, and its split for fine-tuning.
//!
//! The graph (embedding_model.onnx, read node by node in `graph.rs`) is a 3×3 stem conv, then
//! nine **blocks** — each a 1×3 conv (across mel bins) followed by a 3×1 conv (across time),
//! the factorised 3×3 the network repeats — with a max-pool after blocks 0, 2, 4, 6 and 8, then
//! a last 3×1 conv to 96 (the **head**, no activation):
//!
//! | block | convs        | channels | pool after | [time, mel] out (76 × 32 in) |
//! |-------|--------------|----------|------------|------------------------------|
//! | stem  | conv2d       | 1 → 24   |            | 74 × 32                      |
//! | 0     | conv2d_1, _2 | 24       | 2×2        | 36 × 16                      |
//! | 1     | conv2d_3, _4 | 24 → 48  |            | 34 × 16                      |
//! | 2     | conv2d_5, _6 | 48       | 1×2        | 32 × 8                       |
//! | 3     | conv2d_7, _8 | 48 → 72  |            | 30 × 8                       |
//! | 4     | _9, _10      | 72       | 2×2        | 14 × 4                       |
//! | 5     | _11, _12     | 72 → 96  |            | 12 × 4                       |
//! | 6     | _13, _14     | 96       | 1×2        | 10 × 2                       |
//! | 7     | _15, _16     | 96       |            | 8 × 2                        |
//! | 8     | _17, _18     | 96       | 2×2        | 3 × 1                        |
//! | head  | conv2d_19    | 96       |            | 1 × 1 → 96 numbers           |
//!
//! Fine-tuning with `split` = k trains the top k blocks and the head; the stem and the blocks
//! below them are frozen (`lower`, run once per window and cached). k = 0 trains the head only;
//! k = 9 everything but the stem (as with EfficientNet, whose stem never trains).
use burn::prelude::*;
use burn::tensor::module::max_pool2d;
use burn::tensor::ops::MaxPoolOptions;

use super::config::{EMBEDDING_DIM, N_MELS, WINDOW_FRAMES};
use super::layers::Conv;

/// The blocks between the stem and the head.
pub const BLOCKS: usize = 9;

#[derive(Module, Debug)]
pub struct Block {
    /// 1×3 across mel bins (padded).
    pub wide: Conv,
    /// 3×1 across time (valid).
    pub tall: Conv,
    /// [time, mel] kernel (= stride) of the max-pool after the block, if any.
    #[module(skip)]
    pub pool: Option<[usize; 2]>,
}

impl Block {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.tall.forward(self.wide.forward(x));
        match self.pool {
            Some(k) => max_pool2d(x, MaxPoolOptions::new(k)),
            None => x,
        }
    }

    fn out_side(&self, side: [usize; 2]) -> [usize; 2] {
        let [t, m] = self.tall.out_side(self.wide.out_side(side));
        match self.pool {
            Some([pt, pm]) => [t / pt, m / pm],
            None => [t, m],
        }
    }
}

#[derive(Module, Debug)]
pub struct SpeechEmbedding {
    pub stem: Conv,
    pub blocks: Vec<Block>,
    pub head: Conv,
}

/// Windows [b, 76, 32] → the network's input [b, 1, 76, 32] (the graph's first Reshape).
pub fn input(windows: Tensor<3>) -> Tensor<4> {
    let [b, t, m] = windows.dims();
    windows.reshape([b, 1, t, m])
}

/// The head's output [b, 96, 1, 1] → [b, 96] (the graph's last Reshape).
fn flatten(x: Tensor<4>) -> Tensor<2> {
    let [b, c, h, w] = x.dims();
    x.reshape([b, c * h * w])
}

impl SpeechEmbedding {
    /// Log-mel windows [b, 76, 32] → embeddings [b, 96].
    pub fn forward(&self, windows: Tensor<3>) -> Tensor<2> {
        self.upper(self.lower(windows, 0), 0)
    }

    /// The frozen part for `split` trainable blocks: stem + blocks 0..9−split (the cache's content).
    pub fn lower(&self, windows: Tensor<3>, split: usize) -> Tensor<4> {
        let mut x = self.stem.forward(input(windows));
        for block in &self.blocks[..first_trained(split)] {
            x = block.forward(x);
        }
        x
    }

    /// The trainable part for `split`: the top `split` blocks and the head, on `lower`'s output.
    pub fn upper(&self, features: Tensor<4>, split: usize) -> Tensor<2> {
        let mut x = features;
        for block in &self.blocks[first_trained(split)..] {
            x = block.forward(x);
        }
        flatten(self.head.forward(x))
    }

    /// The frozen part and the trainable part for `split` (clamped to the 9 blocks there are).
    pub fn split(self, split: usize) -> (FrozenSpeech, SpeechTop) {
        let SpeechEmbedding { stem, mut blocks, head } = self;
        let top = blocks.split_off(first_trained(split));
        (FrozenSpeech { stem, blocks }, SpeechTop { blocks: top, head })
    }
}

/// The index of the first trained block when the top `split` blocks train.
pub fn first_trained(split: usize) -> usize {
    BLOCKS - split.min(BLOCKS)
}

/// Stem + the lower blocks: what runs once per window and is cached.
#[derive(Module, Debug)]
pub struct FrozenSpeech {
    pub stem: Conv,
    pub blocks: Vec<Block>,
}

impl FrozenSpeech {
    /// Windows [b, 76, 32] → features [b, c, time, mel].
    pub fn forward(&self, windows: Tensor<3>) -> Tensor<4> {
        let mut x = self.stem.forward(input(windows));
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// [c, time, mel] of `forward`'s output per window (sizes the cache).
    pub fn out_shape(&self) -> [usize; 3] {
        let mut side = self.stem.out_side([WINDOW_FRAMES, N_MELS]);
        let mut c = self.stem.channels_out();
        for block in &self.blocks {
            side = block.out_side(side);
            c = block.tall.channels_out();
        }
        [c, side[0], side[1]]
    }
}

/// What trains: the upper blocks and the head conv (weights and biases).
#[derive(Module, Debug)]
pub struct SpeechTop {
    pub blocks: Vec<Block>,
    pub head: Conv,
}

impl SpeechTop {
    /// Frozen features [b, c, time, mel] → embeddings [b, 96].
    pub fn forward(&self, features: Tensor<4>) -> Tensor<2> {
        let mut x = features;
        for block in &self.blocks {
            x = block.forward(x);
        }
        let y = flatten(self.head.forward(x));
        debug_assert_eq!(y.dims()[1], EMBEDDING_DIM);
        y
    }
}
