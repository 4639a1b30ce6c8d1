//! The optimizers: SGD (momentum, Nesterov), RMSProp, Adam and AdamW with torch.optim's
//! semantics, per-parameter learning-rate scales (layer-wise LR decay) and clipping by the
//! global gradient norm, whose state a checkpoint can hold.
//!
//! Why not burn's optimizers: (a) their records read tensors with the synchronous
//! `into_data()`, which must never run in the browser on WebGPU (reads there are async: see
//! `readback`); (b) records are keyed by `ParamId`s, random per module instance, so a model
//! rebuilt from saved weights would not match them; (c) no per-parameter LR and no global-norm
//! clipping; (d) burn's Adam adds eps inside the bias correction, torch's does not. Here a
//! parameter is known by its position in the module traversal (fixed for a structure).
//!
//! The files: `settings.rs` (what the run asks for), `optimizer.rs` (the step), `clip.rs`
//! (global-norm clipping), `update.rs` (torch's update per kind), `state.rs` (the state a
//! checkpoint holds).
mod clip;
mod optimizer;
mod settings;
mod state;
mod update;

pub use optimizer::{Optimizer, Stepped};
pub use settings::Settings;
pub use state::{OptimState, SlotState};

#[cfg(test)]
mod tests;
