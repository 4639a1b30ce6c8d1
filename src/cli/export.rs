//! `tabtune export`: a model folder into another library's format.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use futures_lite::future::block_on;
use tabtune::{Error, Result, export};

use super::files;

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
    // a model folder is re-read, so a broken one is refused rather than copied
    let model = files::load_model(&a.model, &device)?;
    // a folder tabtune trained carries its card into every format
    let card = files::readme(&a.model).and_then(|t| export::Card::from_readme(&t));
    let card = card.as_ref();
    match a.format {
        ExportFormat::Hf => files::write_model(&a.out, &export::with_card(block_on(export::export(&model))?, card, export::Format::Hf)),
        ExportFormat::SentenceTransformers => {
            let text = model.text().map_err(|_| {
                Error::Settings(format!("{} is an image model: sentence-transformers is for text models; use --format onnx or hf", a.model.display()))
            })?;
            files::write_model(&a.out, &export::with_card(block_on(export::sentence_transformers(text))?, card, export::Format::SentenceTransformers))
        }
        ExportFormat::Onnx => {
            let bytes = block_on(export::onnx::to_onnx_with_card(&model, card))?;
            std::fs::write(&a.out, bytes).map_err(|e| Error::Io(format!("cannot write {}: {e}", a.out.display())))
        }
    }
}
