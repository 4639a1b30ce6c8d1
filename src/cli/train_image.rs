//! The image task in the CLI: `train` with an image model (or `--task image`), and `eval` /
//! `predict` on image models. An image model is a folder whose config.json names an
//! `architecture` (models/efficientnet-lite0, or what `train` wrote from it).
use std::path::{Path, PathBuf};

use futures_lite::future::block_on;
use serde_json::json;
use tabtune::data::images::{self, DecodedImage, ImageDataset};
use tabtune::run::Init;
use tabtune::task::TaskChoice;
use tabtune::train::image_model_files;
use tabtune::vision::ImageModel;
use tabtune::{Error, Result, RunConfig, Trainer, infer};

use super::image::load_image_model;
use super::train::{TrainArgs, drive, resumed, saved_checkpoint};
use super::files;

/// Whether `dir` holds an image model: its config.json names an `architecture`.
pub fn is_image_model(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join("config.json")) else { return false };
    serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| v.get("architecture").is_some_and(|a| a.is_string()))
}

/// Images decoded no larger than this (longer side) for a network input of `size`: every image
/// is scaled down to `size` anyway, and a folder of 12-megapixel photos would not fit in memory.
fn max_side(size: usize) -> usize {
    (2 * size).max(256)
}

/// A folder of class folders, or a zip (of class folders, or with labels.csv). Each file left
/// out is printed as a warning naming it; the others load.
fn load_images(path: &Path, size: usize) -> Result<ImageDataset> {
    let data = if path.is_dir() {
        images::load_dir(path, max_side(size))?
    } else {
        images::load_zip(&files::read(path)?, max_side(size)).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?
    };
    for p in &data.problems {
        eprintln!("warning: {p} (left out)");
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    let counts: Vec<String> = data.class_counts().iter().map(|(c, n)| format!("{c} {n}")).collect();
    eprintln!("data: {} images in {} classes ({}); {} files left out", data.examples.len(), data.classes.len(), counts.join(", "), data.problems.len());
    Ok(data)
}

pub fn train(a: &TrainArgs, mut cfg: RunConfig) -> Result<()> {
    if a.data.text_column.is_some() || a.data.label_column.is_some() {
        return Err(Error::Settings("--text-column / --label-column are for text files: an image's class is its folder (or labels.csv in a zip)".into()));
    }
    if !is_image_model(&a.model) {
        return Err(Error::Settings(format!(
            "task image needs an image model, and {} is not one (its config.json names no architecture): use --model models/efficientnet-lite0",
            a.model.display()
        )));
    }
    // an image model makes the run an image run (multi_label / regression are refused below)
    if matches!(cfg.task, TaskChoice::Auto | TaskChoice::Classification) {
        cfg.task = TaskChoice::Image;
    }
    let device = files::device(&a.backend)?;
    let model = load_image_model(&a.model, &device)?;
    let blocks = model.net.blocks.len();
    cfg.resolve_layers(blocks);
    // the trainer checks too; checking here refuses a bad setting before the images are read
    cfg.check_image(blocks)?;
    let data = load_images(&a.data.data, cfg.image_size)?;
    if cfg.init == Init::Pretrained && model.config.extra.contains_key("tabtune") {
        eprintln!("starting from the model's blocks with a fresh head (--init continue keeps its head)");
    }
    let mut trainer = match saved_checkpoint(a, &cfg)? {
        Some((path, bytes)) => resumed(Trainer::resume_images(model, &data, &bytes, &device)?, &path),
        None => Trainer::for_images(model, &data, cfg, &device)?,
    };
    drive(&mut trainer, a)?;
    let model = trainer.into_image_model()?;
    let (config, weights) = block_on(image_model_files(&model))?;
    files::write_file(&a.out, "config.json", &config)?;
    files::write_file(&a.out, "model.safetensors", &weights)?;
    eprintln!("model written to {} (classify-image, eval and predict load it)", a.out.display());
    Ok(())
}

/// `tabtune eval` on an image model: one JSON line, as for text.
pub fn eval(model: &Path, data: &Path, backend: &str) -> Result<()> {
    let device = files::device(backend)?;
    let model = load_image_model(model, &device)?;
    let data = load_images(data, model.config.image_size)?;
    let m = block_on(infer::evaluate_images(&model, &data, &device))?;
    println!("{}", serde_json::to_string(&m).unwrap_or_default());
    Ok(())
}

/// `tabtune predict` on an image model: a JSON line per image {"input","label","probs"}; a
/// file that is not a usable image gets a warning and no line.
pub fn predict(model: &Path, inputs: &[PathBuf], backend: &str) -> Result<()> {
    let device = files::device(backend)?;
    let model: ImageModel = load_image_model(model, &device)?;
    let mut names = Vec::new();
    let mut decoded: Vec<DecodedImage> = Vec::new();
    for path in inputs {
        let name = path.display().to_string();
        match images::decode_max(&name, &files::read(path)?, max_side(model.config.image_size)) {
            Ok(img) => {
                names.push(name);
                decoded.push(img);
            }
            Err(p) => eprintln!("warning: {p} (skipped)"),
        }
    }
    let refs: Vec<&DecodedImage> = decoded.iter().collect();
    let labels = &model.config.labels;
    for (name, p) in names.iter().zip(block_on(infer::predict_images(&model, &refs, &device))?) {
        let mut line = json!({ "input": name });
        if let (Some(out), serde_json::Value::Object(fields)) = (line.as_object_mut(), p.to_json(labels)) {
            out.extend(fields);
        }
        println!("{line}");
    }
    Ok(())
}
