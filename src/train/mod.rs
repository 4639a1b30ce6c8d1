//! The trainer, stepped by its caller: `prepare()` until it returns `None` (the frozen prefix
//! runs once over every example), then `step()` until `is_done()`. Nothing here blocks or loops
//! over a whole run, so a Web Worker can yield between calls and the CLI drives the same code.
//! `checkpoint()` / `Trainer::resume` (in `checkpoint.rs`) stop and continue a run exactly.
//! Epoch ends, validation and the finished model are in `epoch.rs`; what a run derives from its
//! settings and data in `setup.rs`; replaying a reference run in `replay.rs`; a step split across workers in `parts.rs`.
mod audio;
mod begun;
mod checkpoint;
mod epoch;
mod facts;
mod image;
mod items;
mod pairs;
mod part;
mod parts;
mod prepare;
mod replay;
mod setup;
mod split;
mod store;
mod teach;
mod text;
mod trainer;

pub use crate::progress::{EpochSummary, StepInfo, TrainInfo};
pub use crate::progress::RunFacts;
pub use facts::today;
pub use image::square_rgb;
pub use part::{PartFiles, PartWorker};
pub use store::PrefixStore;
pub use trainer::Trainer;
