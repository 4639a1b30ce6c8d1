//! The one seam between the pipeline and a kind of data. A kind (text: BERT + its tokenizer;
//! image: EfficientNet + its preprocessing) is a row of `Kind` and a variant of each wrapper
//! here — `AnyModel` (the loaded model), `DataRef` (its labelled data), `Inputs` (what it
//! predicts on) — and the trainer, checkpoints, exports, predict/evaluate, the CLI and the wasm
//! session take these and never ask which kind they hold. Adding a kind: its folder (model,
//! trainable top, input preparation, checkpoint names, exporters), a row in `Kind`, a variant
//! in each wrapper.
pub(crate) mod audio;
mod base;
mod data;
pub(crate) mod image;
mod model;
mod table;
pub(crate) mod text;
mod top;
pub(crate) use base::Base;
pub use data::{AnyData, DataRef, DataSummary, Inputs, mismatch};
pub use model::AnyModel;
pub use table::Kind;
pub use top::{Batch, Top};
pub use base::top_from_files;
