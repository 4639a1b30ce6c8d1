//! tabtune: fine-tune a pretrained BERT (default all-MiniLM-L6-v2) on a text classification
//! file, in a browser tab (WebGPU) or from the CLI. The modules follow the pipeline:
//! data → tokenize → model → prefix (frozen, cached) → classifier (trained) → run / schedule →
//! train → metrics → infer → export; `backend` picks the device, `bench` measures.
pub mod error;
// What the labels describe (classification, multi-label, regression): imports nothing, and
// data reads it off the label column, so it sits below data.
pub mod task;

pub mod data;
pub mod tokenize;
pub mod model;
pub mod vision;
pub mod prefix;
pub mod classifier;
pub mod run;
pub mod schedule;
pub mod optim;
pub mod loss;
pub mod contrastive;
pub mod logreg;
pub mod step;
pub mod teach;
pub mod progress;
pub mod early_stop;
pub mod train;
pub mod trajectory;
pub mod search;
pub mod checkpoint;
pub mod metrics;
pub mod infer;
pub mod export;

pub mod backend;
pub mod bench;
pub mod readback;

#[cfg(target_family = "wasm")]
pub mod web;

pub use error::{Error, Result};
pub use model::{Model, ModelFiles};
pub use run::RunConfig;
pub use train::Trainer;
