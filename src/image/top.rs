//! What trains on images: the CNN's upper blocks, its head conv and a Linear head.
use burn::module::Module;
use burn::prelude::*;

use super::net::ImageTop;
use crate::dropout::{Dropout, Noise};
use crate::head::{ParamGroup, block_groups};

/// What an image run trains: the CNN's upper blocks, its head conv and a Linear head (in
/// `net`), with dropout before the Linear head. BatchNorm keeps its running statistics.
#[derive(Module, Debug)]
pub struct ImageClassifier {
    pub net: ImageTop,
    pub dropout: Dropout,
}

impl ImageClassifier {
    /// Logits [b, classes] of the frozen bottom's features [b, c, h, w]; `noise` when
    /// training, None for inference.
    pub fn forward(&self, x: Tensor<4>, noise: Option<Noise>) -> Tensor<2> {
        self.net.fc.forward(self.dropout.forward(self.net.features(x), noise, 0))
    }

    /// The trainable groups, bottom block first (`head::block_groups`).
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        block_groups(&self.net.blocks, first, decay, &self.net.head, &self.net.fc)
    }
}
