//! Per-group layer activity for the teaching view: the L2 norm of each trainable group's
//! gradients (before clipping) and how far the step moved its weights (‖w_after − w_before‖ /
//! ‖w_before‖). Frozen layers are not in the trainable module, so they never appear.
//!
//! Everything stays on the device until `read`: one read-back per step (3 numbers per group),
//! and only when the teaching view asked for it, so a normal run pays nothing.
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use serde::Serialize;

use crate::head::ParamGroup;
use crate::error::Result;
use crate::readback;

/// One trainable group's activity in one step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Activity {
    pub name: String,
    /// L2 norm of the group's gradients before clipping (0 when it took none: a contrastive
    /// run's head, fitted at epoch ends rather than stepped).
    pub grad_norm: f32,
    /// ‖w_after − w_before‖ / ‖w_before‖ over the group's parameters.
    pub rel_change: f32,
}

/// What the step leaves for `read`: squared norms per parameter, in traversal order.
pub struct Probe {
    grad_sq: Vec<Option<Tensor<1>>>,
    before: Vec<Tensor<1>>,
}

/// The parameters' values (flattened, without autodiff), in traversal order.
fn weights<M: Module>(module: &M) -> Vec<Tensor<1>> {
    struct Take(Vec<Tensor<1>>);
    impl ModuleVisitor for Take {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            let t = p.val().inner();
            let n = t.shape().num_elements();
            self.0.push(t.reshape([n]));
        }
    }
    let mut t = Take(Vec::new());
    module.visit(&mut t);
    t.0
}

impl Probe {
    /// Before the optimizer step: the gradients' squared norms and the weights as they are.
    /// (Tensors are immutable handles: keeping `before` copies nothing.)
    pub fn before<M: Module>(module: &M, grads: &GradientsParams) -> Probe {
        struct Sq<'a>(&'a GradientsParams, Vec<Option<Tensor<1>>>);
        impl ModuleVisitor for Sq<'_> {
            fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
                self.1.push(self.0.get::<D>(p.id).map(|g| g.square().sum()));
            }
        }
        let before = weights(module);
        let mut sq = Sq(grads, Vec::new());
        module.visit(&mut sq);
        Probe { grad_sq: sq.1, before }
    }

    /// After the step, on the stepped module: the per-group activity, read back at once.
    pub async fn read<M: Module>(self, stepped: &M, groups: &[ParamGroup]) -> Result<Vec<Activity>> {
        let after = weights(stepped);
        let mut sums = Vec::with_capacity(groups.len() * 3);
        let mut names = Vec::with_capacity(groups.len());
        let mut at = 0;
        for g in groups {
            let range = at..(at + g.tensors).min(after.len());
            at += g.tensors;
            let total = |v: Vec<Tensor<1>>| v.into_iter().reduce(|a, b| a + b);
            let (Some(w), Some(d)) = (
                total(self.before[range.clone()].iter().map(|t| t.clone().square().sum()).collect()),
                total(range.clone().map(|i| (after[i].clone().to_device(&self.before[i].device()) - self.before[i].clone()).square().sum()).collect()),
            ) else {
                continue;
            };
            // a group without gradients (contrastive's head) reports 0
            let gs = total(self.grad_sq[range].iter().flatten().cloned().collect()).unwrap_or_else(|| w.zeros_like());
            sums.extend([gs, w, d]);
            names.push(g.name.clone());
        }
        if sums.is_empty() {
            return Ok(Vec::new());
        }
        let v = readback::floats(Tensor::cat(sums, 0)).await?;
        Ok(names
            .into_iter()
            .zip(v.chunks(3))
            .map(|(name, s)| Activity { name, grad_norm: s[0].sqrt(), rel_change: (s[2].sqrt() / s[1].sqrt().max(1e-12)) })
            .collect())
    }
}
