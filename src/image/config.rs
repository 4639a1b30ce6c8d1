//! The image model's `config.json`: which architecture, the ImageNet preprocessing it was
//! trained with, BN's epsilon and the class names. Unknown fields are kept (a fine-tuned export
//! adds a `tabtune` object) so writing the config back loses nothing.
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisionConfig {
    /// "efficientnet-lite0": the only one whose block table `blocks()` knows.
    pub architecture: String,
    /// The network's input side (224 for ImageNet evaluation).
    pub image_size: usize,
    /// The shorter side before the centre crop (256 for ImageNet evaluation).
    pub resize: usize,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    /// BatchNorm's epsilon (1e-3 for the TensorFlow-trained EfficientNets, not PyTorch's 1e-5).
    #[serde(default = "default_bn_eps")]
    pub bn_eps: f64,
    /// One name per output of `_fc`: the 1000 ImageNet classes, or a fine-tuned model's classes.
    pub labels: Vec<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn default_bn_eps() -> f64 {
    1e-3
}

/// One MBConv block: expansion ratio, depthwise kernel, stride, channels in and out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSpec {
    pub expand: usize,
    pub kernel: usize,
    pub stride: usize,
    pub c_in: usize,
    pub c_out: usize,
}

impl BlockSpec {
    /// The expanded (depthwise) width.
    pub fn hidden(&self) -> usize {
        self.c_in * self.expand
    }

    /// The identity shortcut: only where the block keeps the shape.
    pub fn skip(&self) -> bool {
        self.stride == 1 && self.c_in == self.c_out
    }
}

/// EfficientNet-Lite0 (width and depth 1.0; the Lite variants keep the stem at 32 and the head
/// at 1280 channels and drop squeeze-excitation): stages of (expand, kernel, stride of the
/// first block, channels out, repeats), as in efficientnet_pytorch's `efficientnet_lite`.
const LITE0_STAGES: [(usize, usize, usize, usize, usize); 7] =
    [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)];
pub const STEM_CHANNELS: usize = 32;
pub const HEAD_CHANNELS: usize = 1280;

/// Sizes past which a config.json is corrupt or hostile rather than a real model.
const MAX_SIDE: usize = 4096;
const MAX_LABELS: usize = 100_000;

impl VisionConfig {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let cfg: VisionConfig = serde_path_to_error::deserialize(de).map_err(|e| Error::Config(format!("{e}")))?;
        cfg.check()?;
        Ok(cfg)
    }

    fn check(&self) -> Result<()> {
        self.blocks()?;
        if !(1..=MAX_SIDE).contains(&self.image_size) || !(1..=MAX_SIDE).contains(&self.resize) {
            return Err(Error::Config(format!(
                "image_size {} and resize {} must be between 1 and {MAX_SIDE}",
                self.image_size, self.resize
            )));
        }
        if self.std.iter().any(|s| !s.is_finite() || *s <= 0.0) || self.mean.iter().any(|m| !m.is_finite()) {
            return Err(Error::Config(format!("mean {:?} / std {:?}: std must be positive, both finite", self.mean, self.std)));
        }
        if !(self.bn_eps.is_finite() && self.bn_eps > 0.0) {
            return Err(Error::Config(format!("bn_eps {} must be positive", self.bn_eps)));
        }
        if self.labels.is_empty() || self.labels.len() > MAX_LABELS {
            return Err(Error::Config(format!("labels: {} names; a model needs 1 to {MAX_LABELS}", self.labels.len())));
        }
        Ok(())
    }

    /// The 16 MBConv blocks of the architecture, bottom first.
    pub fn blocks(&self) -> Result<Vec<BlockSpec>> {
        if self.architecture != "efficientnet-lite0" {
            return Err(Error::Config(format!("architecture '{}' is not supported: use efficientnet-lite0", self.architecture)));
        }
        Ok(lite0_blocks())
    }
}

pub fn lite0_blocks() -> Vec<BlockSpec> {
    let mut out = Vec::new();
    let mut c_in = STEM_CHANNELS;
    for (expand, kernel, stride, c_out, repeats) in LITE0_STAGES {
        for r in 0..repeats {
            out.push(BlockSpec { expand, kernel, stride: if r == 0 { stride } else { 1 }, c_in, c_out });
            c_in = c_out;
        }
    }
    out
}
