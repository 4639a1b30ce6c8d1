//! The sound kind: one-second spoken clips at 16 kHz — the clip rule, decoding, labelled sets.

pub mod clip;
pub mod data;
#[cfg(not(target_family = "wasm"))]
pub mod decode;
