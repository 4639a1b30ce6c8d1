//! What trains on sounds: the network's upper blocks and head conv (`SpeechTop`), the mean over
//! each clip's windows, and a Linear head on the 96-number clip embedding.
use burn::module::Module;
use burn::nn::Linear;
use burn::prelude::*;

use super::net::SpeechTop;
use crate::dropout::{Dropout, Noise};
use crate::head::{ParamGroup, block_groups};

#[derive(Module, Debug)]
pub struct SpeechClassifier {
    pub net: SpeechTop,
    pub fc: Linear,
    pub dropout: Dropout,
}

/// Embeddings of `windows` windows per clip, [clips · windows, d] (a clip's windows together),
/// averaged per clip: [clips, d]. Every clip is one second (`clip.rs`), so all have as many.
pub fn clip_mean(embeddings: Tensor<2>, windows: usize) -> Tensor<2> {
    let [n, d] = embeddings.dims();
    let clips = n / windows.max(1);
    embeddings.reshape([clips, windows, d]).mean_dim(1).reshape([clips, d])
}

impl SpeechClassifier {
    /// Logits [clips, classes] of the frozen part's features of each clip's windows,
    /// [clips · windows, c, time, mel]; `noise` when training, None for inference.
    pub fn forward(&self, x: Tensor<4>, windows: usize, noise: Option<Noise>) -> Tensor<2> {
        self.fc.forward(self.dropout.forward(clip_mean(self.net.forward(x), windows), noise, 0))
    }

    /// The trainable groups, bottom block first (`head::block_groups`).
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        block_groups(&self.net.blocks, first, decay, &self.net.head, &self.fc)
    }
}
