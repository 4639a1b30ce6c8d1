//! Clipping every gradient by their global L2 norm, as torch.nn.utils.clip_grad_norm_, on the
//! device.
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;

/// torch.nn.utils.clip_grad_norm_'s guard against a zero norm.
const CLIP_EPS: f64 = 1e-6;

/// Scales `grads` so their global L2 norm is at most `max`; the norm before clipping, or None
/// when `module` has no gradient at all.
pub(super) fn clip_grad_norm<M: Module>(module: &M, grads: &mut GradientsParams, max: f64) -> Option<Tensor<1>> {
    let mut sq = SquaredNorm(grads, None);
    module.visit(&mut sq);
    let norm = sq.1?.sqrt();
    // torch: coef = max / (norm + 1e-6), applied only when below 1
    let coef = norm.clone().add_scalar(CLIP_EPS).recip().mul_scalar(max).clamp_max(1.0);
    module.visit(&mut Scale(grads, coef));
    Some(norm)
}

/// Σ‖g‖² over every gradient, on the device.
struct SquaredNorm<'a>(&'a GradientsParams, Option<Tensor<1>>);

impl ModuleVisitor for SquaredNorm<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.0.get::<D>(param.id) {
            let s = g.square().sum();
            self.1 = Some(match self.1.take() {
                Some(acc) => acc + s,
                None => s,
            });
        }
    }
}

/// Multiplies every gradient by a one-element tensor.
struct Scale<'a>(&'a mut GradientsParams, Tensor<1>);

impl ModuleVisitor for Scale<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.0.remove::<D>(param.id) {
            let coef = self.1.clone().reshape([1; D]).expand(g.shape());
            self.0.register::<D>(param.id, g * coef);
        }
    }
}
