//! An optimizer's settings, taken from the run's, and the state buffers each kind keeps.
use crate::run::{OptimizerKind, RunConfig};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub kind: OptimizerKind,
    pub momentum: f64,
    pub nesterov: bool,
    pub betas: [f64; 2],
    pub eps: f64,
    pub alpha: f64,
    pub weight_decay: f64,
}

impl Settings {
    pub fn of(cfg: &RunConfig) -> Self {
        Settings {
            kind: cfg.optimizer,
            momentum: cfg.momentum,
            nesterov: cfg.nesterov,
            betas: cfg.betas,
            eps: cfg.eps,
            alpha: cfg.alpha,
            weight_decay: cfg.weight_decay,
        }
    }

    /// The state buffers each parameter keeps, by torch's names.
    pub fn buffers(&self) -> &'static [&'static str] {
        match (self.kind, self.momentum > 0.0) {
            (OptimizerKind::Sgd, false) => &[],
            (OptimizerKind::Sgd, true) => &["momentum_buffer"],
            (OptimizerKind::RmsProp, false) => &["square_avg"],
            (OptimizerKind::RmsProp, true) => &["square_avg", "momentum_buffer"],
            (OptimizerKind::Adam | OptimizerKind::AdamW, _) => &["exp_avg", "exp_avg_sq"],
        }
    }
}
