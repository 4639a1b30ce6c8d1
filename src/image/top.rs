//! What trains on images: the CNN's upper blocks, its head conv and a Linear head.
use burn::module::Module;
use burn::prelude::*;

use super::net::ImageTop;
use crate::dropout::{Dropout, Noise};
use crate::head::ParamGroup;

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
