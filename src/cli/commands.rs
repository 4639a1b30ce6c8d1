//! `tabtune eval|predict|embed|bench`.
use std::path::PathBuf;

use clap::Args;
use futures_lite::future::block_on;
use serde_json::json;
use tabtune::bench::{self, BenchConfig};
use burn::prelude::Device;
use tabtune::image::data::DecodedImage;
use tabtune::kind::{AnyModel, Inputs};
use tabtune::{Model, Result, infer};

use super::{DataArgs, files};

#[derive(Args)]
pub struct EvalArgs {
    #[arg(long)]
    model: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// Tokens per text (default: what the model was trained with, else 128).
    #[arg(long)]
    max_len: Option<usize>,
    #[arg(long, default_value = "cpu")]
    backend: String,
}

#[derive(Args)]
pub struct TextArgs {
    #[arg(long)]
    model: PathBuf,
    /// One text per line, or a CSV/TSV/JSONL file (its text column); for an image model
    /// (`predict`), one or more image files.
    #[arg(long, num_args = 1.., required = true)]
    input: Vec<PathBuf>,
    #[arg(long)]
    text_column: Option<String>,
    #[arg(long)]
    max_len: Option<usize>,
    #[arg(long, default_value = "cpu")]
    backend: String,
}

#[derive(Args)]
pub struct BenchArgs {
    #[arg(long, default_value = "cpu")]
    backend: String,
    #[arg(long, default_value_t = 2)]
    layers: usize,
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    #[arg(long, default_value_t = 128)]
    seq_len: usize,
    /// Timed steps per figure (after 2 warm-up steps).
    #[arg(long, default_value_t = 5)]
    steps: usize,
}

pub fn eval(a: EvalArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?;
    let size = model.image().map_or(0, |m| m.config.image_size);
    let data = super::data::labelled(model.kind(), &a.data, size)?;
    let m = block_on(infer::evaluate(&model, data.as_ref(), a.max_len, &device))?;
    println!("{}", serde_json::to_string(&m).unwrap_or_default());
    Ok(())
}

/// The device, the text model, the input texts and the max_len that embed uses.
fn text_inputs(a: &TextArgs) -> Result<(Device, Model, Vec<String>, usize)> {
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?.into_text()?;
    let texts = texts(a)?;
    let max_len = a.max_len.unwrap_or_else(|| infer::default_max_len(&model));
    Ok((device, model, texts, max_len))
}

/// `--input`'s texts: one file (a column of a table, or one text per line).
fn texts(a: &TextArgs) -> Result<Vec<String>> {
    let [input] = &a.input[..] else {
        return Err(tabtune::Error::Settings("--input takes one file of texts (several files are for image and sound models)".into()));
    };
    files::load_texts(input, a.text_column.as_deref())
}

/// A JSON line per input: {"text"} or {"input"} (an image file), then the prediction.
pub fn predict(a: TextArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?;
    let (key, names, preds) = match &model {
        AnyModel::Text(_) => {
            let texts = texts(&a)?;
            let refs: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
            let preds = block_on(infer::predict(&model, Inputs::Texts(&refs), a.max_len, &device))?;
            ("text", texts, preds)
        }
        AnyModel::Image(m) => {
            let (names, decoded) = super::data::image_inputs(&a.input, m.config.image_size)?;
            let refs: Vec<&DecodedImage> = decoded.iter().collect();
            ("input", names, block_on(infer::predict(&model, Inputs::Images(&refs), None, &device))?)
        }
        AnyModel::Audio(_) => {
            let (names, clips) = super::data::clip_inputs(&a.input)?;
            let refs: Vec<&[f32]> = clips.iter().map(Vec::as_slice).collect();
            ("input", names, block_on(infer::predict(&model, Inputs::Clips(&refs), None, &device))?)
        }
    };
    let labels = model.labels().unwrap_or_default();
    for (name, p) in names.iter().zip(preds) {
        let mut line = json!({ key: name });
        if let (Some(out), serde_json::Value::Object(fields)) = (line.as_object_mut(), p.to_json(&labels)) {
            out.extend(fields);
        }
        println!("{line}");
    }
    Ok(())
}

pub fn embed(a: TextArgs) -> Result<()> {
    let (device, model, texts, max_len) = text_inputs(&a)?;
    let refs: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
    for (text, e) in texts.iter().zip(block_on(infer::embed(&model, &refs, max_len, &device))?) {
        println!("{}", json!({ "text": text, "embedding": e }));
    }
    Ok(())
}

pub fn bench(a: BenchArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let cfg = BenchConfig { layers: a.layers, batch_size: a.batch_size, seq_len: a.seq_len, steps: a.steps, warmup: 2 };
    let report = block_on(bench::run(&cfg, &a.backend, &device))?;
    println!("{}", serde_json::to_string(&report).unwrap_or_default());
    Ok(())
}
