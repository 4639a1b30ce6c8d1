//! The optimizers: SGD (momentum, Nesterov), RMSProp, Adam and AdamW with torch.optim's
//! semantics, per-parameter learning-rate scales (layer-wise LR decay) and clipping by the
//! global gradient norm, whose state a checkpoint can hold.
//!
//! Why not burn's optimizers: (a) their records read tensors with the synchronous
//! `into_data()`, which must never run in the browser on WebGPU (reads there are async: see
//! `readback`); (b) records are keyed by `ParamId`s, random per module instance, so a model
//! rebuilt from saved weights would not match them; (c) no per-parameter LR and no global-norm
//! clipping; (d) burn's Adam adds eps inside the bias correction, torch's does not. Here a
//! parameter is known by its position in the module traversal (fixed for a structure).
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::readback;
use crate::run::{OptimizerKind, RunConfig};

/// torch.nn.utils.clip_grad_norm_'s guard against a zero norm.
const CLIP_EPS: f64 = 1e-6;

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

pub struct Optimizer {
    settings: Settings,
    /// Multiplies the LR of each float parameter, in traversal order (layer-wise decay).
    scales: Vec<f64>,
    steps: u64,
    /// One per float parameter in traversal order; empty before the first step.
    slots: Vec<Slot>,
}

struct Slot {
    shape: Vec<usize>,
    /// Steps in which this parameter had a gradient (a frozen one keeps 0 and no buffers).
    t: u64,
    /// `settings.buffers()`, flattened to [n], on the parameter's plain device.
    bufs: Vec<Tensor<1>>,
}

/// The optimizer's state as plain host data, for a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimState {
    /// Steps taken.
    pub t: u64,
    /// One per float parameter, in the module's traversal order.
    pub slots: Vec<SlotState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotState {
    pub shape: Vec<usize>,
    /// Steps in which this parameter had a gradient; 0 leaves `buffers` empty.
    pub t: u64,
    /// `Settings::buffers()` in order, row-major, `shape.iter().product()` values each.
    pub buffers: Vec<Vec<f32>>,
}

/// What a step reports besides the stepped module.
pub struct Stepped<M> {
    pub module: M,
    /// The global gradient norm before clipping (only computed when clipping).
    pub grad_norm: Option<Tensor<1>>,
}

impl Optimizer {
    /// `scales`: the LR multiplier per float parameter (empty = 1 for all).
    pub fn new(settings: Settings, scales: Vec<f64>) -> Self {
        Optimizer { settings, scales, steps: 0, slots: Vec::new() }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Steps taken so far (restored ones included).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Clips the gradients to `clip_norm` (global L2 norm), then updates every parameter that
    /// has one at `lr` × its scale. All work stays on the device: no read-back.
    /// Panics if `module` is not structured like the one of the previous steps (or of
    /// `with_state`): a programming error, not a data one.
    pub fn step<M: Module>(&mut self, lr: f64, module: M, mut grads: GradientsParams, clip_norm: Option<f64>) -> Stepped<M> {
        let mut grad_norm = None;
        if let Some(max) = clip_norm {
            let mut sq = SquaredNorm(&grads, None);
            module.visit(&mut sq);
            if let Some(total) = sq.1 {
                let norm = total.sqrt();
                // torch: coef = max / (norm + 1e-6), applied only when below 1
                let coef = norm.clone().add_scalar(CLIP_EPS).recip().mul_scalar(max).clamp_max(1.0);
                module.visit(&mut Scale(&mut grads, coef));
                grad_norm = Some(norm);
            }
        }
        let fresh = self.slots.is_empty();
        let mut mapper = Stepper { opt: self, lr, grads, index: 0, fresh };
        let module = module.map(&mut mapper);
        let seen = mapper.index;
        assert_eq!(seen, self.slots.len(), "Optimizer::step: the module has {seen} parameters, the optimizer {}", self.slots.len());
        self.steps += 1;
        Stepped { module, grad_norm }
    }

    /// The state, read back with async reads only.
    pub async fn state(&self) -> Result<OptimState> {
        let mut slots = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            let mut buffers = Vec::with_capacity(slot.bufs.len());
            for b in &slot.bufs {
                buffers.push(readback::floats(b.clone()).await?);
            }
            slots.push(SlotState { shape: slot.shape.clone(), t: slot.t, buffers });
        }
        Ok(OptimState { t: self.steps, slots })
    }

    /// Continues from `state`, checked now against `module` (the one `step` will get; its
    /// ParamIds need not be those of the module the state was saved from, only its structure).
    pub fn with_state<M: Module>(mut self, state: OptimState, module: &M) -> Result<Self> {
        let mismatch = |why: String| Error::Settings(format!("the checkpoint's optimizer state does not match this model: {why}"));
        let mut params = Params(Vec::new());
        module.visit(&mut params);
        self.steps = state.t;
        if state.slots.is_empty() {
            // Saved before the first step: nothing to restore.
            self.slots = Vec::new();
            return Ok(self);
        }
        if state.slots.len() != params.0.len() {
            return Err(mismatch(format!("it holds {} parameters, the model has {}", state.slots.len(), params.0.len())));
        }
        let names = self.settings.buffers().len();
        let mut slots = Vec::with_capacity(params.0.len());
        for (i, (s, (shape, device))) in state.slots.into_iter().zip(params.0).enumerate() {
            if s.shape != shape {
                return Err(mismatch(format!("parameter {i} has shape {shape:?}, its state {:?}", s.shape)));
            }
            let n: usize = shape.iter().product();
            let want = if s.t == 0 { 0 } else { names };
            if s.buffers.len() != want || s.buffers.iter().any(|b| b.len() != n) || s.t > state.t {
                return Err(mismatch(format!("parameter {i}: {} buffers after {} of {} steps, {want} of {n} values expected", s.buffers.len(), s.t, state.t)));
            }
            let bufs = s.buffers.into_iter().map(|b| Tensor::<1>::from_data(TensorData::new(b, [n]), &device)).collect();
            slots.push(Slot { shape, t: s.t, bufs });
        }
        self.slots = slots;
        Ok(self)
    }
}

/// Shapes and plain devices of a module's float parameters, in traversal order.
struct Params(Vec<(Vec<usize>, Device)>);

impl ModuleVisitor for Params {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push((param.lazy_shape().to_vec(), param.lazy_device().inner()));
    }
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

struct Stepper<'a> {
    opt: &'a mut Optimizer,
    lr: f64,
    grads: GradientsParams,
    index: usize,
    /// The first step (without a restored state) records the structure.
    fresh: bool,
}

impl ModuleMapper for Stepper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let i = self.index;
        self.index += 1;
        let (id, tensor, mapper) = param.consume();
        let shape = tensor.shape();
        if self.fresh {
            self.opt.slots.push(Slot { shape: shape.to_vec(), t: 0, bufs: Vec::new() });
        }
        let lr = self.lr * self.opt.scales.get(i).copied().unwrap_or(1.0);
        let settings = self.opt.settings;
        let slot = self.opt.slots.get_mut(i).expect("Optimizer::step: the module has more parameters than the optimizer");
        assert_eq!(slot.shape[..], shape[..], "Optimizer::step: parameter {i} changed shape");
        // As torch: a parameter without a gradient (frozen) is left as it is, state included.
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let device = grad.device();
        let (require_grad, checkpointing) = (tensor.is_require_grad(), tensor.gradient_checkpointing_strategy());
        let n = shape.num_elements();
        let p: Tensor<1> = tensor.inner().to_device(&device).reshape([n]);
        let g = grad.reshape([n]);
        let bufs: Vec<Tensor<1>> = std::mem::take(&mut slot.bufs).into_iter().map(|b| b.to_device(&device)).collect();
        slot.t += 1;
        let (p, bufs) = update(&settings, lr, slot.t, p, g, bufs);
        slot.bufs = bufs;

        // Back onto autodiff the way burn's ParameterContext does (distributed training aside).
        let mut p = p.reshape(shape).autodiff();
        if let Some(strategy) = checkpointing {
            p = p.with_gradient_checkpointing_strategy(strategy);
        }
        if require_grad {
            p = p.require_grad();
        }
        Param::from_mapped_value(id, p, mapper)
    }
}

/// One parameter's update, op for op as torch.optim's single-tensor implementations
/// (`bufs` empty on the first step; returned in `Settings::buffers()` order).
fn update(s: &Settings, lr: f64, t: u64, p: Tensor<1>, g: Tensor<1>, bufs: Vec<Tensor<1>>) -> (Tensor<1>, Vec<Tensor<1>>) {
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

#[cfg(test)]
#[path = "optim_tests.rs"]
mod tests;
