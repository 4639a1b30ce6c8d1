//! The one training step, shared by `Trainer`, `tabtune bench` and the tests: forward → loss +
//! penalty → backward → clip → optimizer step at this step's LR.
use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::*;

use crate::dropout::Noise;
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
/// batch; `target` on the same device's inner one or the autodiff one; `noise` drops (dropout).
/// With `probe` the step also keeps the gradients' and weights' norms the teaching view reads
/// (no work otherwise).
#[allow(clippy::too_many_arguments)]
pub fn train_step(
    top: Classifier,
    optim: &mut Optimizer,
    objective: &Objective,
    x: Tensor<3>,
    mask: Tensor<2>,
    noise: Option<Noise>,
    target: BatchTarget,
    lr: f64,
    clip_norm: Option<f64>,
    probe: bool,
) -> (Classifier, StepOutput) {
    step_module(top, optim, objective, |top| top.forward(x, mask, noise), target, lr, clip_norm, probe)
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
    let (grads, loss) = grads_of(&top, objective, forward, target, 1.0, true);
    apply(top, optim, grads, loss, lr, clip_norm, probe)
}

/// The gradients of a batch's loss (or of a part's: `scale` is its share of a loss whose
/// targets do not carry the batch's denominator), with the penalty when `penalty` (once per
/// step, on one part). Returns them and the loss, without autodiff.
pub fn grads_of<M: Module>(
    top: &M,
    objective: &Objective,
    forward: impl FnOnce(&M) -> Tensor<2>,
    target: BatchTarget,
    scale: f64,
    penalty: bool,
) -> (GradientsParams, Tensor<1>) {
    let mut loss = objective.data_loss(forward(top), target);
    if scale != 1.0 {
        loss = loss.mul_scalar(scale);
    }
    if let Some(p) = penalty.then(|| objective.penalty(top)).flatten() {
        loss = loss + p;
    }
    (GradientsParams::from_grads(loss.backward(), top), loss.without_autodiff())
}

/// One optimizer step of `top` on `grads` (clipped to `clip_norm`) at `lr`; `loss` is what the
/// step reports.
#[allow(clippy::too_many_arguments)]
pub fn apply<M: Module>(
    top: M,
    optim: &mut Optimizer,
    grads: GradientsParams,
    loss: Tensor<1>,
    lr: f64,
    clip_norm: Option<f64>,
    probe: bool,
) -> (M, StepOutput) {
    let probe = probe.then(|| Probe::before(&top, &grads));
    let stepped = optim.step(lr, top, grads, clip_norm);
    (stepped.module, StepOutput { loss, grad_norm: stepped.grad_norm, probe })
}
