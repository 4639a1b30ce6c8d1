//! The sound kind: one-second spoken clips at 16 kHz — the clip rule, decoding, labelled sets.

pub mod clip;
