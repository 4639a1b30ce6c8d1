//! Every integration test in one binary: `cargo test --release --test it [filter]`, e.g.
//! `--test it runs::` for one file's tests (a filter is a substring: `parity::` also matches
//! `vision_parity::`). Each file below was its own binary, and a cold build linked burn into each.
//!
//! One process now runs them all, on parallel threads. Every test that steps a trainer takes
//! `common::serial()` first: a step uses every core already.
mod common;

mod audio_data;
mod bad_input;
mod cached_prefix;
mod checkpoint_fuzz;
mod cli;
mod export_formats;
mod fewshot;
mod image_checkpoint;
mod image_data;
mod image_train;
mod multilingual;
mod parity;
mod parts;
mod properties;
mod quality;
mod runs;
mod search;
mod speech_train;
mod speech;
mod tasks;
mod teach;
mod tokenizers;
mod trajectory;
mod vision_parity;
