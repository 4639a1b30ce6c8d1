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

mod dataset;
mod finish;
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

pub use dataset::{DecodedImage, ImageDataset, ImageExample, ImageProblem};
pub use finish::{class_order, finish};
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
// the listing of folders and zips, which the sound kind's loader shares
#[cfg(not(target_family = "wasm"))]
pub(crate) use sources::{ZipFiles, walk};
