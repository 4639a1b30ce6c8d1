//! The one training step, shared by `Trainer`, `tabtune bench` and the tests: forward → loss +
//! penalty → backward → clip → optimizer step at this step's LR.
use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::*;

use crate::text::Classifier;
use crate::loss::{BatchTarget, Objective};
use crate::optim::Optimizer;
use crate::teach::activity::Probe;

/// What a step leaves on the device (read back only when the caller wants it).
pub struct StepOutput {
    /// The loss that was backpropagated (penalty included), without autodiff.
    pub loss: Tensor<1>,
    /// The global gradient norm before clipping, when clipping.
    pub grad_norm: Option<Tensor<1>>,
    /// With `teaching`: what the step's per-group activity is read from (teach::activity).
    pub probe: Option<Probe>,
}

/// `x` [b, s, h] and `mask` [b, s] on an autodiff device: the frozen prefix's output for the
/// batch; `target` on the same device's inner one or the autodiff one. With `probe` the step
/// also keeps the gradients' and weights' norms the teaching view reads (no work otherwise).
#[allow(clippy::too_many_arguments)]
pub fn train_step(
    top: Classifier,
    optim: &mut Optimizer,
    objective: &Objective,
    x: Tensor<3>,
    mask: Tensor<2>,
    target: BatchTarget,
    lr: f64,
    clip_norm: Option<f64>,
    probe: bool,
) -> (Classifier, StepOutput) {
    step_module(top, optim, objective, |top| top.forward(x, mask), target, lr, clip_norm, probe)
}

/// `train_step` on any trainable module (the trainer's `Top`, text or image): `forward` gives
/// the batch's logits through `top` on the autodiff device.
#[allow(clippy::too_many_arguments)]
pub fn step_module<M: Module>(
    top: M,
    optim: &mut Optimizer,
    objective: &Objective,
    forward: impl FnOnce(&M) -> Tensor<2>,
    target: BatchTarget,
    lr: f64,
    clip_norm: Option<f64>,
    probe: bool,
) -> (M, StepOutput) {
    let logits = forward(&top);
    let mut loss = objective.data_loss(logits, target);
    if let Some(p) = objective.penalty(&top) {
        loss = loss + p;
    }
    let grads = GradientsParams::from_grads(loss.backward(), &top);
    let probe = probe.then(|| Probe::before(&top, &grads));
    let stepped = optim.step(lr, top, grads, clip_norm);
    (stepped.module, StepOutput { loss: loss.without_autodiff(), grad_norm: stepped.grad_norm, probe })
}
