//! Learning rate per step: an optional linear warm-up from 0, then constant, linear decay to 0,
//! cosine, step decay or exponential decay — the formulas of HF's schedulers and torch's
//! StepLR/ExponentialLR (stepped per batch), as `../shared/reference/trajectories.json` states
//! them. With `w = floor(warmup · T)`: `t < w → lr · t / w`; after it, `u = t − w`:
//! linear `lr · (T − t) / (T − w)`, cosine `lr · ½(1 + cos(π u / (T − w)))`,
//! step `lr · γ^⌊u / every⌋`, exponential `lr · γ^u`.
use crate::run::{RunConfig, ScheduleKind};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    pub kind: ScheduleKind,
    pub peak: f64,
    pub total: usize,
    pub warm: usize,
    /// Step decay: steps between decays.
    pub every: usize,
    /// Step / exponential decay factor.
    pub gamma: f64,
}

/// Exponential decay's default: 1% of the peak at the last step.
const EXPONENTIAL_FLOOR: f64 = 0.01;
/// Step decay's default factor.
const STEP_GAMMA: f64 = 0.5;

impl Schedule {
    /// The schedule of a run of `total` steps with `steps_per_epoch` steps per epoch.
    pub fn new(cfg: &RunConfig, total: usize, steps_per_epoch: usize) -> Self {
        let warm = (total as f64 * cfg.warmup).floor() as usize;
        let gamma = cfg.gamma.unwrap_or(match cfg.schedule {
            ScheduleKind::Exponential => EXPONENTIAL_FLOOR.powf(1.0 / total.saturating_sub(warm + 1).max(1) as f64),
            _ => STEP_GAMMA,
        });
        let every = cfg.step_every.unwrap_or(steps_per_epoch).max(1);
        Self { kind: cfg.schedule, peak: cfg.lr, total, warm, every, gamma }
    }

    /// The learning rate for step `t` (0-based).
    pub fn lr(&self, t: usize) -> f64 {
        if t < self.warm {
            return self.peak * t as f64 / self.warm as f64;
        }
        let u = (t - self.warm) as f64;
        let span = self.total.saturating_sub(self.warm).max(1) as f64;
        let f = match self.kind {
            ScheduleKind::Constant => 1.0,
            ScheduleKind::Linear => ((self.total as f64 - t as f64) / span).max(0.0),
            ScheduleKind::Cosine => 0.5 * (1.0 + (std::f64::consts::PI * u / span).cos()),
            ScheduleKind::Step => self.gamma.powi(((t - self.warm) / self.every) as i32),
            ScheduleKind::Exponential => self.gamma.powf(u),
        };
        self.peak * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(kind: ScheduleKind, warmup: f64, total: usize) -> Schedule {
        let cfg = RunConfig { schedule: kind, warmup, lr: 1e-3, ..RunConfig::default() };
        Schedule::new(&cfg, total, 3)
    }

    #[test]
    fn warm_up_from_zero_then_each_shape() {
        // 9 steps, warm-up 0.25 → w = 2: 0, lr/2, then the shape
        let s = schedule(ScheduleKind::Linear, 0.25, 9);
        assert_eq!(s.warm, 2);
        assert_eq!(s.lr(0), 0.0);
        assert!((s.lr(1) - 5e-4).abs() < 1e-15);
        assert!((s.lr(2) - 1e-3).abs() < 1e-15);
        assert!((s.lr(8) - 1e-3 / 7.0).abs() < 1e-15);
        let c = schedule(ScheduleKind::Cosine, 0.0, 10);
        assert!((c.lr(5) - 5e-4).abs() < 1e-15 && c.lr(0) == 1e-3);
        let st = schedule(ScheduleKind::Step, 0.0, 9);
        assert_eq!([st.lr(2), st.lr(3), st.lr(6)], [1e-3, 5e-4, 2.5e-4]);
        let e = schedule(ScheduleKind::Exponential, 0.0, 11);
        assert!((e.lr(10) - 1e-5).abs() < 1e-15, "default gamma reaches 1% at the last step");
        let k = schedule(ScheduleKind::Constant, 0.0, 5);
        assert!((0..5).all(|t| k.lr(t) == 1e-3));
    }
}
