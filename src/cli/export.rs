//! `tabtune export`: a model folder into another library's format.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use futures_lite::future::block_on;
use tabtune::{Error, Result, export};

use super::files;
use super::image::load_image_model;
use super::train_image::is_image_model;

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// config.json + model.safetensors + tokenizer.json (what `train` writes); a `--pooling cls`
    /// model is a BertForSequenceClassification
    Hf,
    /// a folder SentenceTransformer(dir) loads
    SentenceTransformers,
    /// one .onnx file: tokens (or, for an image model, pixels) in, probabilities out
    Onnx,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Model folder in the Hugging Face layout (a `tabtune train --out` folder), or an image
    /// model folder (config.json naming an `architecture`, model.safetensors).
    #[arg(long)]
    model: PathBuf,
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// A folder (hf, sentence-transformers) or a file (onnx).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value = "cpu")]
    backend: String,
}

pub fn run(a: ExportArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    // told apart as `predict` does: an image model's config.json names its architecture
    if is_image_model(&a.model) {
        return image(&a, &device);
    }
    let model = files::load_model(&a.model, &device)?;
    match a.format {
        ExportFormat::Hf => files::write_model(&a.out, &block_on(export::export(&model))?),
        ExportFormat::SentenceTransformers => files::write_model(&a.out, &block_on(export::sentence_transformers(&model))?),
        ExportFormat::Onnx => {
            let bytes = block_on(export::onnx::to_onnx(&model))?;
            std::fs::write(&a.out, bytes).map_err(|e| Error::Io(format!("cannot write {}: {e}", a.out.display())))
        }
    }
}

/// An image model: ONNX, or `hf` = the folder as `train` writes it (config.json +
/// model.safetensors, re-read so a broken folder is refused rather than copied).
fn image(a: &ExportArgs, device: &burn::prelude::Device) -> Result<()> {
    let model = load_image_model(&a.model, device)?;
    match a.format {
        ExportFormat::Onnx => {
            let bytes = block_on(export::onnx::image_to_onnx(&model))?;
            std::fs::write(&a.out, bytes).map_err(|e| Error::Io(format!("cannot write {}: {e}", a.out.display())))
        }
        ExportFormat::Hf => {
            let (config, weights) = block_on(tabtune::train::image_model_files(&model))?;
            files::write_file(&a.out, "config.json", &config)?;
            files::write_file(&a.out, "model.safetensors", &weights)
        }
        ExportFormat::SentenceTransformers => Err(Error::Settings(format!(
            "{} is an image model: sentence-transformers is for text models; use --format onnx or hf",
            a.model.display()
        ))),
    }
}
