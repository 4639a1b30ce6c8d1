//! Labelled images for the image task: a folder with one sub-folder per class, a zip of such
//! folders (with or without the one wrapping folder that zipping a folder gives), or a zip
//! with a `labels.csv` (`path,label`), plus Fashion-MNIST's idx files for the demo and the
//! quality test.
//!
//! Bad files never stop a load: each becomes an [`ImageProblem`] naming the file and saying
//! what is wrong and what to do, and the other files still load; only "no image left" and
//! "fewer than two classes" are errors. The browser decodes its own images
//! (createImageBitmap), so decoding, zips and files are native only (`decode.rs`,
//! `sources.rs`, `fashion.rs`); which file gets which label (`layout.rs`, `placement.rs`),
//! the CSV (`labels_csv.rs`) and the messages (`problems.rs`) are pure and compile for wasm
//! too, where the page asks them through `web/rules.rs` instead of keeping a copy.
//!
//! Order is deterministic: classes sorted (numerically when every class is an integer, as
//! for text labels), examples by class, then by path.

mod labels_csv;
mod layout;
mod placement;
pub mod problems;

#[cfg(not(target_family = "wasm"))]
mod decode;
#[cfg(not(target_family = "wasm"))]
mod fashion;
#[cfg(not(target_family = "wasm"))]
mod sources;

use serde::Serialize;

use crate::error::{Error, Result};

pub use labels_csv::{CsvRow, parse_labels_csv};
pub use layout::{Layout, Placed, folder_layout};
pub use placement::{labels_file, place};
pub use problems::{MAX_FILE_BYTES, MAX_PIXELS, is_cmyk_jpeg};

#[cfg(not(target_family = "wasm"))]
pub use decode::{decode, decode_max};
#[cfg(not(target_family = "wasm"))]
pub use fashion::{FASHION_CLASSES, FASHION_DIR, SAMPLE_CLASSES, fashion_mnist, write_sample};
#[cfg(not(target_family = "wasm"))]
pub use sources::{load_dir, load_zip};

/// Pixels as RGB8, row-major (`width * height * 3` bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedImage {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageExample {
    /// The path shown to users: relative to the folder, or as stored in the zip.
    pub name: String,
    pub label: String,
    pub image: DecodedImage,
}

/// A file that was left out, and why: shown to the user as `name: message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageProblem {
    pub name: String,
    pub message: String,
}

impl ImageProblem {
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> ImageProblem {
        ImageProblem {
            name: name.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ImageDataset {
    pub examples: Vec<ImageExample>,
    /// Class names in index order; only classes with at least one image.
    pub classes: Vec<String>,
    /// Files left out, each with the reason.
    pub problems: Vec<ImageProblem>,
    /// What was decided while reading, to show the user (e.g. "images in sub-folders of
    /// 'cats' count as 'cats'", "labels from labels.csv").
    pub notes: Vec<String>,
}

impl ImageDataset {
    /// Class name → examples, in index order.
    pub fn class_counts(&self) -> Vec<(String, usize)> {
        self.classes
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    self.examples.iter().filter(|e| &e.label == c).count(),
                )
            })
            .collect()
    }

    /// Each example's class index (into `classes`).
    pub fn targets(&self) -> Vec<usize> {
        self.examples
            .iter()
            .map(|e| self.classes.iter().position(|c| c == &e.label).unwrap_or(0))
            .collect()
    }
}

/// Class names in index order, as every image run (and text labels) orders them: numerically
/// when every name is an integer ("2" before "10"), else by their text; each name once.
pub fn class_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    crate::data::class_counts(names.into_iter()).into_iter().map(|(c, _)| c).collect()
}

/// The one place that says which `Error` a data problem becomes (the text data has its own
/// `DataError` enum; these messages are whole sentences already).
pub(crate) fn data_error(message: String) -> Error {
    Error::Settings(message)
}

/// Sorts the examples (class, then path), names the classes and problems for classes that
/// ended up empty, and refuses data a classifier cannot train on: no image, or one class.
/// `from` says where the images came from ("the folder", "the zip") for the messages.
pub fn finish(
    mut examples: Vec<ImageExample>,
    expected_classes: &[String],
    mut problems: Vec<ImageProblem>,
    notes: Vec<String>,
    from: &str,
) -> Result<ImageDataset> {
    let counts = crate::data::class_counts(examples.iter().map(|e| e.label.as_str()));
    let classes: Vec<String> = counts.iter().map(|(c, _)| c.clone()).collect();
    if examples.is_empty() {
        return Err(data_error(problems::no_images(from, &problems)));
    }
    for class in expected_classes {
        if !classes.contains(class) {
            problems.push(problems::class_left_out(class));
        }
    }
    if let [(class, count)] = counts.as_slice() {
        return Err(data_error(problems::one_class(class, *count, from)));
    }
    examples.sort_by(|a, b| {
        let (ia, ib) = (
            classes.iter().position(|c| c == &a.label),
            classes.iter().position(|c| c == &b.label),
        );
        ia.cmp(&ib).then_with(|| a.name.cmp(&b.name))
    });
    problems.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ImageDataset {
        examples,
        classes,
        problems,
        notes,
    })
}
