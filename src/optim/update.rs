//! One parameter's update for each optimizer, op for op as torch.optim.
use burn::prelude::*;

use super::settings::Settings;
use crate::run::OptimizerKind;

/// One parameter's update, op for op as torch.optim's single-tensor implementations
/// (`bufs` empty on the first step; returned in `Settings::buffers()` order).
pub(super) fn update(s: &Settings, lr: f64, t: u64, p: Tensor<1>, g: Tensor<1>, bufs: Vec<Tensor<1>>) -> (Tensor<1>, Vec<Tensor<1>>) {
    let wd = s.weight_decay;
    // SGD, RMSProp and Adam: L2 added to the gradient; AdamW decays the weight itself.
    let g = if wd != 0.0 && s.kind != OptimizerKind::AdamW { g + p.clone().mul_scalar(wd) } else { g };
    let mut bufs = bufs.into_iter();
    match s.kind {
        OptimizerKind::Sgd => {
            if s.momentum == 0.0 {
                return (p - g.mul_scalar(lr), Vec::new());
            }
            // torch: the first buffer is the gradient itself (dampening 0)
            let buf = match bufs.next() {
                Some(b) => b.mul_scalar(s.momentum) + g.clone(),
                None => g.clone(),
            };
            let d = if s.nesterov { g + buf.clone().mul_scalar(s.momentum) } else { buf.clone() };
            (p - d.mul_scalar(lr), vec![buf])
        }
        OptimizerKind::RmsProp => {
            let sq = match bufs.next() {
                Some(b) => b.mul_scalar(s.alpha) + g.clone().square().mul_scalar(1.0 - s.alpha),
                None => g.clone().square().mul_scalar(1.0 - s.alpha),
            };
            let avg = sq.clone().sqrt().add_scalar(s.eps);
            if s.momentum == 0.0 {
                return (p - g.div(avg).mul_scalar(lr), vec![sq]);
            }
            let buf = match bufs.next() {
                Some(b) => b.mul_scalar(s.momentum) + g.div(avg),
                None => g.div(avg),
            };
            (p - buf.clone().mul_scalar(lr), vec![sq, buf])
        }
        OptimizerKind::Adam | OptimizerKind::AdamW => {
            let [b1, b2] = s.betas;
            let p = if s.kind == OptimizerKind::AdamW && wd != 0.0 { p.mul_scalar(1.0 - lr * wd) } else { p };
            let (m, v) = match (bufs.next(), bufs.next()) {
                (Some(m), Some(v)) => (m.mul_scalar(b1) + g.clone().mul_scalar(1.0 - b1), v.mul_scalar(b2) + g.square().mul_scalar(1.0 - b2)),
                _ => (g.clone().mul_scalar(1.0 - b1), g.square().mul_scalar(1.0 - b2)),
            };
            let ti = t.min(i32::MAX as u64) as i32;
            let (bc1, bc2) = (1.0 - b1.powi(ti), 1.0 - b2.powi(ti));
            let denom = v.clone().sqrt().div_scalar(bc2.sqrt()).add_scalar(s.eps);
            (p - m.clone().div(denom).mul_scalar(lr / bc1), vec![m, v])
        }
    }
}
