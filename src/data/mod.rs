//! Loading a labelled text file: parse CSV / TSV / JSONL, pick the text and
//! label columns, clean the rows and count the classes.
//!
//! Everything takes bytes and returns values (no files, threads or clocks) so
//! the same code runs natively and in wasm. The files, bottom up (each imports only those
//! above it):
//!
//! - `errors.rs`: every message (`DataError`); `format.rs`: the file format and load options;
//!   `example.rs`: a labelled row and class counting; `row.rs`: a row as read.
//! - `quotes.rs`: the quotes that would merge rows; `table.rs`: parsing into a table;
//!   `columns.rs`: choosing the text and label columns.
//! - `labels.rs`: one label cell (number, '|'-joined set); `infer_task.rs`: the task the
//!   labels describe; `targets.rs`: the head's labels and every row's target.
//! - `dataset.rs`: a loaded dataset; `load.rs`: `load` and `load_texts`.
//! - `rng.rs`: seeded randomness; `split.rs`: splitting and sampling; `buckets.rs`: the
//!   length-bucketed batch order; `augment.rs`: altered copies of rows.
//! Labelled images (folders, zips, labels.csv, Fashion-MNIST) are the image kind's: `image/data/`.
//!
//! This file only declares them and re-exports what callers use.

pub mod augment;
pub mod buckets;
mod columns;
mod dataset;
mod errors;
pub(crate) mod example;
mod format;
mod infer_task;
mod labels;
mod load;
mod quotes;
pub(crate) mod rng;
mod row;
pub mod split;
mod table;
pub mod targets;

pub use augment::{AugOp, Augment, TEXT_OPS, augment};
pub use buckets::{bucketed_order, padding_share};
pub use dataset::{Dataset, Dropped};
pub use errors::DataError;
pub use example::Example;
pub use format::{DataOptions, Format};
pub use load::{load, load_texts};
pub use infer_task::infer_task;
pub use labels::{ValueStats, parse_number, split_labels, value_stats};
pub use rng::{Rng, epoch_order};
pub use split::{check_val_fraction, sample_for, split_for, stratified_sample, stratified_split};
pub use targets::{classes_for, labels_for, targets};

#[cfg(test)]
pub(crate) use load::load_as;

#[cfg(test)]
mod tests;
