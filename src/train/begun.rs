//! A step in flight: begun (its rows, LR and noise drawn) and, split across workers, its parts.
//! Apart from the trainer and `parts.rs`, which both hold one.
use burn::optim::GradientsParams;
use burn::prelude::*;
use web_time::Instant;

use crate::dropout::Noise;
use crate::kind::Batch;
use crate::loss::BatchTarget;

/// A step begun: when, which epoch (and whether it ends it), its rows, LR and noise.
pub(crate) struct Begun {
    pub started: Instant,
    pub epoch: usize,
    pub epoch_done: bool,
    pub idx: Vec<usize>,
    pub lr: f64,
    pub noise: Noise,
}

/// A step between `split_step` and `join_step`.
pub(crate) struct PartedStep {
    pub begun: Begun,
    /// Part 0, until `own_part` takes it.
    pub own: Option<(Batch, BatchTarget, f64, Noise)>,
    /// Part 0's gradients and loss (the penalty included), once computed.
    pub grads: Option<(GradientsParams, Tensor<1>)>,
}
