//! The optimizer: AdamW with torch.optim.AdamW semantics, whose state a checkpoint can hold.
//!
//! Why not burn's `ModuleOptimizer` (which the arithmetic here mirrors op for op, f32 constants
//! included, so both agree to rounding): its state can be serialized, but (a) its record reads
//! tensors with the synchronous `into_data()`, which must never run in the browser on WebGPU
//! (reads there are async: see `readback`), and (b) the record is keyed by `ParamId`s, random per
//! module instance, so a model rebuilt from saved weights would not match it. Here a parameter is
//! known by its position in the module traversal (fixed for a given structure), `state()` reads
//! with `readback`, and `with_state` checks the saved state against the module it will step.
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::readback;

// torch.optim.AdamW's betas with the eps the trainer has always used (burn's default is 1e-5).
const BETA_1: f32 = 0.9;
const BETA_2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

/// torch.optim.AdamW semantics (decoupled weight decay): p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g;
/// v ← β2·v + (1−β2)·g²; p ← p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps).
///
/// Like burn, t counts per parameter the steps in which it had a gradient; a parameter without
/// one (frozen) is left as it is, moments included.
pub struct AdamW {
    /// f32 like burn's `AdamWConfig`, so lr·wd rounds the same.
    weight_decay: f32,
    steps: u64,
    /// One per float parameter in traversal order; empty before the first step.
    slots: Vec<Slot>,
}

struct Slot {
    shape: Vec<usize>,
    /// None until the parameter first gets a gradient.
    moments: Option<Moments>,
}

/// Flattened to [n] so one type holds every rank; on the parameter's plain (non-autodiff) device.
struct Moments {
    t: u64,
    m: Tensor<1>,
    v: Tensor<1>,
}

/// The optimizer's state as plain host data, for a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamWState {
    /// Steps taken (`AdamW::steps`).
    pub t: u64,
    /// One per float parameter, in the module's traversal order.
    pub moments: Vec<Moment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    pub shape: Vec<usize>,
    /// Steps in which this parameter had a gradient; 0 leaves `m` and `v` empty.
    pub t: u64,
    /// Row-major, `shape.iter().product()` values each.
    pub m: Vec<f32>,
    pub v: Vec<f32>,
}

impl AdamW {
    /// β = (0.9, 0.999), eps = 1e-8.
    pub fn new(weight_decay: f64) -> Self {
        AdamW { weight_decay: weight_decay as f32, steps: 0, slots: Vec::new() }
    }

    /// Steps taken so far (restored ones included).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Updates every parameter that has a gradient in `grads`. All work stays on the device.
    /// Panics if `module` is not structured like the one of the previous steps (or of
    /// `with_state`): a programming error, not a data one.
    pub fn step<M: Module>(&mut self, lr: f64, module: M, grads: GradientsParams) -> M {
        let fresh = self.slots.is_empty();
        let mut mapper = Stepper { opt: self, lr, grads, index: 0, fresh };
        let module = module.map(&mut mapper);
        let seen = mapper.index;
        assert_eq!(seen, self.slots.len(), "AdamW::step: the module has {seen} parameters, the optimizer {}", self.slots.len());
        self.steps += 1;
        module
    }

    /// The state, read back with async reads only.
    pub async fn state(&self) -> Result<AdamWState> {
        let mut moments = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            let (t, m, v) = match &slot.moments {
                Some(s) => (s.t, readback::floats(s.m.clone()).await?, readback::floats(s.v.clone()).await?),
                None => (0, Vec::new(), Vec::new()),
            };
            moments.push(Moment { shape: slot.shape.clone(), t, m, v });
        }
        Ok(AdamWState { t: self.steps, moments })
    }

    /// Continues from `state`, checked now against `module` (the one `step` will get; its
    /// ParamIds need not be those of the module the state was saved from, only its structure):
    /// count, shapes and lengths. The moments go onto each parameter's plain device.
    pub fn with_state<M: Module>(mut self, state: AdamWState, module: &M) -> Result<Self> {
        let mismatch = |why: String| Error::Settings(format!("the checkpoint's optimizer state does not match this model: {why}"));
        let mut params = Params(Vec::new());
        module.visit(&mut params);
        self.steps = state.t;
        if state.moments.is_empty() {
            // Saved before the first step: nothing to restore.
            self.slots = Vec::new();
            return Ok(self);
        }
        if state.moments.len() != params.0.len() {
            return Err(mismatch(format!("it holds {} parameters, the model has {}", state.moments.len(), params.0.len())));
        }
        let mut slots = Vec::with_capacity(params.0.len());
        for (i, (mo, (shape, device))) in state.moments.into_iter().zip(params.0).enumerate() {
            if mo.shape != shape {
                return Err(mismatch(format!("parameter {i} has shape {shape:?}, its state {:?}", mo.shape)));
            }
            let n: usize = shape.iter().product();
            let want = if mo.t == 0 { 0 } else { n };
            if mo.m.len() != want || mo.v.len() != want || mo.t > state.t {
                return Err(mismatch(format!(
                    "parameter {i}: {} and {} moment values after {} of {} steps, {want} expected",
                    mo.m.len(),
                    mo.v.len(),
                    mo.t,
                    state.t
                )));
            }
            let upload = |x: Vec<f32>| Tensor::<1>::from_data(TensorData::new(x, [n]), &device);
            let moments = (mo.t > 0).then(|| Moments { t: mo.t, m: upload(mo.m), v: upload(mo.v) });
            slots.push(Slot { shape, moments });
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

struct Stepper<'a> {
    opt: &'a mut AdamW,
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
            self.opt.slots.push(Slot { shape: shape.to_vec(), moments: None });
        }
        let slot = self.opt.slots.get_mut(i).expect("AdamW::step: the module has more parameters than the optimizer");
        assert_eq!(slot.shape[..], shape[..], "AdamW::step: parameter {i} changed shape");
        // As burn's ModuleOptimizer: no gradient, no change (moments included).
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let device = grad.device();
        let (require_grad, checkpointing) = (tensor.is_require_grad(), tensor.gradient_checkpointing_strategy());
        let p = tensor.inner().to_device(&device);

        let g = grad.reshape([shape.num_elements()]);
        let (f1, f2) = (1.0 - BETA_1, 1.0 - BETA_2);
        let Moments { t, m, v } = match slot.moments.take() {
            Some(s) => Moments {
                t: s.t + 1,
                m: s.m.to_device(&device).mul_scalar(BETA_1).add(g.clone().mul_scalar(f1)),
                v: s.v.to_device(&device).mul_scalar(BETA_2).add(g.square().mul_scalar(f2)),
            },
            None => Moments { t: 1, m: g.clone().mul_scalar(f1), v: g.square().mul_scalar(f2) },
        };
        let ti = t.min(i32::MAX as u64) as i32;
        let m_hat = m.clone().div_scalar(1.0 - BETA_1.powi(ti));
        let v_hat = v.clone().div_scalar(1.0 - BETA_2.powi(ti));
        let delta: Tensor<D> = m_hat.div(v_hat.sqrt().add_scalar(EPSILON)).reshape(shape);
        slot.moments = Some(Moments { t, m, v });

        let decay = self.lr * self.opt.weight_decay as f64;
        let p = if decay == 0.0 { p } else { p.mul_scalar(1.0 - decay) };
        let p = p - delta.mul_scalar(self.lr);
        // Back onto autodiff the way burn's ParameterContext does (distributed training aside).
        let mut p = p.autodiff();
        if let Some(strategy) = checkpointing {
            p = p.with_gradient_checkpointing_strategy(strategy);
        }
        if require_grad {
            p = p.require_grad();
        }
        Param::from_mapped_value(id, p, mapper)
    }
}

#[cfg(test)]
#[path = "optim_tests.rs"]
mod tests;
