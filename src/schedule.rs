//! Learning rate: linear warm-up to the peak, then linear decay to 0 at the last step — the
//! same multiplier as the PyTorch anchor's LambdaLR:
//! `min((s + 1) / warm, max(0, (total − s) / (total − warm)))`.

#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub peak: f64,
    pub total: usize,
    pub warm: usize,
}

impl Schedule {
    /// `warmup` is a share of `total` steps; at least one warm-up step.
    pub fn new(peak: f64, total: usize, warmup: f64) -> Self {
        let warm = ((total as f64 * warmup) as usize).max(1);
        Self { peak, total, warm }
    }

    /// The learning rate for step `s` (0-based).
    pub fn lr(&self, s: usize) -> f64 {
        let up = (s + 1) as f64 / self.warm as f64;
        let down = (self.total as f64 - s as f64).max(0.0) / (self.total.saturating_sub(self.warm).max(1)) as f64;
        self.peak * up.min(down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_then_decays_to_zero() {
        // 1,000 rows / 32 = 32 steps per epoch, 3 epochs = 96 steps, 10% warm-up = 9 steps
        let s = Schedule::new(1e-4, 96, 0.1);
        assert_eq!(s.warm, 9);
        assert!((s.lr(0) - 1e-4 / 9.0).abs() < 1e-12);
        assert!((s.lr(8) - 1e-4).abs() < 1e-12);
        // decay starts after step 9: (96 - 9) / (96 - 9) = 1 is still the peak
        assert!((s.lr(9) - 1e-4).abs() < 1e-12);
        assert!(s.lr(10) < 1e-4 && s.lr(10) > s.lr(50));
        assert!((s.lr(95) - 1e-4 / 87.0).abs() < 1e-12);
    }
}
