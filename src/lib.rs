//! tabtune: fine-tune a pretrained model (MiniLM on text, EfficientNet-Lite0 on images) in a
//! browser tab (WebGPU or the CPU backend in wasm) or from the CLI.
//!
//! The modules below are in pipeline order, bottom first: a module takes only from those above
//! it in this list. Data → the kinds, one folder each (`text/`: tokenizer, BERT, its top, its
//! HF / sentence-transformers / ONNX writers; `image/`: its data, preprocessing, EfficientNet,
//! its top, its ONNX graph; `audio/`: speech_embedding, its log-mel front end and its split, not
//! yet a row of `kind::Kind`) → the run's settings → the frozen part (cached) → the seam (`kind`:
//! one wrapper over the kinds, which everything after it calls) → metrics, loss, inference →
//! optimizer and schedule → the step → the trainer → what drives it (trajectory, search) →
//! export. A kind of data is a folder and a row of `kind::Kind`: see the README's "How the code
//! is laid out".

// what every floor shares: errors, identities, reading tensors back, the file formats (named
// weights and safetensors, a model folder's files, ONNX)
pub mod error;
pub mod fingerprint;
pub mod readback;
pub mod tensors;
pub mod folder;
pub mod onnx;

// the data
pub mod task;
pub mod data;

// the kinds, one folder each, over what their trainable tops share
pub mod head;
pub mod dropout;
pub mod text;
pub mod image;
pub mod audio;

// a run's settings, the frozen part's cache, and the seam over the kinds
pub mod run;
pub mod prefix;
pub mod kind;

// scoring and using a model
pub mod metrics;
pub mod loss;
pub mod infer;
pub mod teach;

// training
pub mod optim;
pub mod schedule;
pub mod step;
pub mod contrastive;
pub mod logreg;
pub mod progress;
pub mod early_stop;
pub mod checkpoint;
pub mod train;
pub mod trajectory;
pub mod search;

// out of the core: other libraries' formats, the device, benchmarks, the browser edge
pub mod export;
pub mod backend;
pub mod bench;
#[cfg(target_family = "wasm")]
pub mod web;

pub use error::{Error, Result};
pub use kind::{AnyData, AnyModel, DataRef, Inputs, Kind};
pub use text::{Model, ModelFiles};
pub use run::RunConfig;
pub use train::Trainer;
