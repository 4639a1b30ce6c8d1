//! One serde struct describes a training run. The CLI's flags fill it; the page sends it as
//! JSON with the same snake_case keys; a missing key takes its default. The struct and its
//! defaults are in `config.rs`, the named choices in `choices.rs`, early stopping's metrics in
//! `monitors.rs`, the checks of every value in `check.rs`, and a training step's memory in
//! `memory.rs`.
mod check;
mod choices;
mod config;
mod memory;
mod monitors;

pub use check::{ModelShape, check_max_len};
pub use choices::{CacheDtype, ClassWeights, Init, OptimizerKind, PoolingKind, ScheduleKind, Strategy};
pub use config::{CACHE_BUDGET_MB, LAYERS_ALL, RunConfig, contrastive_defaults};
pub use memory::{check_image_step_memory, check_step_memory, image_step_bytes, text_step_bytes};
pub use monitors::{MONITORS, monitors_for};
