//! The CLI's file system side: model folders, data files, output folders.
use std::fs;
use std::path::Path;

use burn::prelude::Device;
use futures_lite::future::block_on;
use tabtune::backend::{self, BackendKind};
use tabtune::data::{self, DataOptions, Dataset, Format};
use tabtune::export::ExportedFiles;
use tabtune::kind::{AnyModel, Kind};
use tabtune::{Error, Result};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))
}

pub fn device(kind: &str) -> Result<Device> {
    block_on(backend::device(kind.parse::<BackendKind>()?))
}

/// A model folder of any kind (its config.json says which): a text model in the Hugging Face
/// layout, or an image model.
pub fn load_model(dir: &Path, device: &Device) -> Result<AnyModel> {
    let config = dir.join("config.json");
    let kind = if config.is_file() { Kind::of_config(&read(&config)?) } else { Kind::Text };
    let names = kind.model_files();
    // a sound base as its package ships it: embedding_model.onnx for model.safetensors
    let on_disk = |f: &str| match kind.original_weights() {
        Some(original) if f == "model.safetensors" && !dir.join(f).is_file() => original.to_string(),
        _ => f.to_string(),
    };
    for f in names {
        if !dir.join(on_disk(f)).is_file() {
            return Err(Error::Io(format!(
                "{} has no {f}: --model must be a model folder in the Hugging Face layout ({} for {}); scripts/fetch-model puts the default ones in models/all-MiniLM-L6-v2, models/efficientnet-lite0 and models/speech-embedding",
                dir.display(),
                names.join(", "),
                kind.a_model()
            )));
        }
    }
    let bytes: Vec<(&str, Vec<u8>)> = names.iter().map(|f| read(&dir.join(on_disk(f))).map(|b| (*f, b))).collect::<Result<_>>()?;
    AnyModel::load(|name| bytes.iter().find(|(n, _)| *n == name).map(|(_, b)| b.as_slice()), device)
}

/// The format from the file name, else from its first bytes.
pub fn format_of(path: &Path, bytes: &[u8]) -> Format {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Format::from_file_name(&name).unwrap_or_else(|| Format::sniff(bytes))
}

pub fn load_data(path: &Path, text_column: Option<String>, label_column: Option<String>) -> Result<Dataset> {
    let bytes = read(path)?;
    let opts = DataOptions { format: Some(format_of(path, &bytes)), text_column, label_column };
    data::load(&bytes, &opts).map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

/// Texts to predict or embed: a CSV/TSV/JSONL file's text column, or one text per line.
pub fn load_texts(path: &Path, text_column: Option<&str>) -> Result<Vec<String>> {
    let bytes = read(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    data::load_texts(&bytes, Format::from_file_name(&name), text_column)
        .map_err(|e| Error::Io(format!("{}: {e}", path.display())))
}

/// The model card in a model folder (its README.md), when it has one.
pub fn readme(dir: &Path) -> Option<String> {
    fs::read_to_string(dir.join(tabtune::export::README)).ok()
}

/// Every file of an export into `dir` (and its subfolders, e.g. `1_Pooling/`).
pub fn write_model(dir: &Path, files: &ExportedFiles) -> Result<()> {
    let io = |e: std::io::Error| Error::Io(format!("cannot write to {}: {e}", dir.display()));
    for (name, bytes) in files.all() {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(io)?;
        fs::write(path, bytes).map_err(io)?;
    }
    Ok(())
}

/// Writes `name` in `dir` (created if missing) through a temporary file, so an interrupted
/// write never leaves half a file where a whole one was.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::Io(format!("cannot write {}: {e}", dir.join(name).display()));
    fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).map_err(io)?;
    fs::rename(&tmp, dir.join(name)).map_err(io)
}
