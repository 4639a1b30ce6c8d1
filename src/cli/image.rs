//! `tabtune classify-image`: ImageNet top-5 of one image (proves the converted weights).
use std::path::{Path, PathBuf};

use burn::prelude::*;
use clap::Args;
use futures_lite::future::block_on;
use serde_json::json;
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

/// A file → RGB8 (w, h, pixels), with the dataset loader's checks and messages.
fn decode(path: &Path) -> Result<(usize, usize, Vec<u8>)> {
    let img = tabtune::image::data::decode(&path.display().to_string(), &files::read(path)?).map_err(|p| Error::Io(p.to_string()))?;
    Ok((img.width, img.height, img.rgb))
}

pub fn classify(a: ClassifyArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?.into_image()?;
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
