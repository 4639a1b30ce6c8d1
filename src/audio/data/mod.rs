//! Labelled sound clips for the sound task: a folder with one sub-folder per class
//! (`words/yes/*.wav`), or a zip of such folders; and a folder of unlabelled clips for
//! `predict`. Every file becomes one clip by `clip::to_clip` (one second, mono, 16 kHz).
//!
//! As for images: bad files never stop a load; each becomes a problem naming the file and
//! saying what is wrong and what to do, and the rest still load; only "no clip left" and
//! "fewer than two classes" are errors. Which file gets which label is the image kind's
//! layout (paths only). The browser decodes its own audio (decodeAudioData), so decoding,
//! zips and files are native only (`sources.rs`); the messages and the last step
//! (`problems.rs`, `dataset.rs`) compile for wasm too.
//!
//! Order is deterministic: classes sorted (numerically when every class is an integer),
//! examples by class, then by path.

mod dataset;
pub mod problems;

#[cfg(not(target_family = "wasm"))]
mod sources;

pub use dataset::{AudioDataset, AudioExample, finish};
pub use problems::AudioProblem;

#[cfg(not(target_family = "wasm"))]
pub use sources::{file_to_clip, load_dir, load_unlabelled, load_zip};
