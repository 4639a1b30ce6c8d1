//! The data of a model's kind, read from the command line's paths with what was read said on
//! stderr: a text file (CSV / TSV / JSONL) for a text model; for an image model a folder of
//! class folders or a zip (of class folders, or with labels.csv); for a sound model a folder of
//! class folders of clips, or a zip of them.
use std::path::{Path, PathBuf};

use tabtune::audio::data::{self as sounds, AudioDataset};
use tabtune::image::data::{self as images, DecodedImage, ImageDataset};
use tabtune::kind::{AnyData, Kind};
use tabtune::{Error, Result};

use super::{DataArgs, files};

/// The labelled data for a run or an evaluation of a `kind` model (`size`: an image model's
/// input side, so big photos are decoded small).
pub fn labelled(kind: Kind, a: &DataArgs, size: usize) -> Result<AnyData> {
    match kind {
        Kind::Text => text(a).map(AnyData::Text),
        Kind::Image => {
            if a.text_column.is_some() || a.label_column.is_some() {
                return Err(Error::Settings("--text-column / --label-column are for text files: an image's class is its folder (or labels.csv in a zip)".into()));
            }
            images(&a.data, size).map(AnyData::Image)
        }
        Kind::Audio => {
            if a.text_column.is_some() || a.label_column.is_some() {
                return Err(Error::Settings("--text-column / --label-column are for text files: a clip's class is its folder".into()));
            }
            clips(&a.data).map(AnyData::Audio)
        }
    }
}

/// A folder of class folders of clips, or a zip of them; each file left out is printed as a
/// warning naming it.
fn clips(path: &Path) -> Result<AudioDataset> {
    let data = if path.is_dir() {
        sounds::load_dir(path)?
    } else {
        sounds::load_zip(&files::read(path)?).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?
    };
    for p in &data.problems {
        eprintln!("warning: {p} (left out)");
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    let counts: Vec<String> = data.class_counts().iter().map(|(c, n)| format!("{c} {n}")).collect();
    eprintln!("data: {} clips in {} classes ({}); {} files left out", data.examples.len(), data.classes.len(), counts.join(", "), data.problems.len());
    Ok(data)
}

/// Clips to predict on: files, or folders of them (every sound file inside); a file that is not
/// a usable clip gets a warning and is skipped. Returns (names, one-second clips).
pub fn clip_inputs(paths: &[PathBuf]) -> Result<(Vec<String>, Vec<Vec<f32>>)> {
    let (mut names, mut clips) = (Vec::new(), Vec::new());
    for path in paths {
        if path.is_dir() {
            let (found, bad) = sounds::load_unlabelled(path)?;
            bad.iter().for_each(|p| eprintln!("warning: {p} (skipped)"));
            for (name, clip) in found {
                names.push(path.join(&name).display().to_string());
                clips.push(clip);
            }
            continue;
        }
        let name = path.display().to_string();
        match sounds::file_to_clip(&name, &files::read(path)?) {
            Ok(clip) => {
                names.push(name);
                clips.push(clip);
            }
            Err(why) => eprintln!("warning: {name}: {why} (skipped)"),
        }
    }
    Ok((names, clips))
}

fn text(a: &DataArgs) -> Result<tabtune::data::Dataset> {
    let data = files::load_data(&a.data, a.text_column.clone(), a.label_column.clone())?;
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    let how = if data.inferred_columns { "inferred" } else { "given" };
    eprintln!("task: {}", data.task_reason);
    eprintln!(
        "data: {} rows; text column '{}', label column '{}' ({how}); classes {}; dropped {} empty, {} duplicate",
        data.rows,
        data.text_column,
        data.label_column,
        serde_json::to_string(&data.classes).unwrap_or_default(),
        data.dropped.empty_text,
        data.dropped.duplicate
    );
    Ok(data)
}

/// Images decoded no larger than this (longer side) for a network input of `size`: every image
/// is scaled down to `size` anyway, and a folder of 12-megapixel photos would not fit in memory.
pub fn max_side(size: usize) -> usize {
    (2 * size).max(256)
}

/// A folder of class folders, or a zip (of class folders, or with labels.csv). Each file left
/// out is printed as a warning naming it; the others load.
fn images(path: &Path, size: usize) -> Result<ImageDataset> {
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

/// Image files to predict on, decoded (`size`: the model's input side); a file that is not a
/// usable image gets a warning and is skipped. Returns (names, images).
pub fn image_inputs(paths: &[PathBuf], size: usize) -> Result<(Vec<String>, Vec<DecodedImage>)> {
    let (mut names, mut decoded) = (Vec::new(), Vec::new());
    for path in paths {
        let name = path.display().to_string();
        match images::decode_max(&name, &files::read(path)?, max_side(size)) {
            Ok(img) => {
                names.push(name);
                decoded.push(img);
            }
            Err(p) => eprintln!("warning: {p} (skipped)"),
        }
    }
    Ok((names, decoded))
}
