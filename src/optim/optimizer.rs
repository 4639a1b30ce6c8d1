//! The optimizer: per-parameter learning-rate scales, clipping, then each parameter's update,
//! all on the device (no read-back), for any module.
use burn::module::{Module, ModuleMapper, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;

use super::clip::clip_grad_norm;
use super::settings::Settings;
use super::update::update;

pub struct Optimizer {
    pub(super) settings: Settings,
    /// Multiplies the LR of each float parameter, in traversal order (layer-wise decay).
    scales: Vec<f64>,
    pub(super) steps: u64,
    /// One per float parameter in traversal order; empty before the first step.
    pub(super) slots: Vec<Slot>,
}

pub(super) struct Slot {
    pub(super) shape: Vec<usize>,
    /// Steps in which this parameter had a gradient (a frozen one keeps 0 and no buffers).
    pub(super) t: u64,
    /// `settings.buffers()`, flattened to [n], on the parameter's plain device.
    pub(super) bufs: Vec<Tensor<1>>,
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
        let grad_norm = clip_norm.and_then(|max| clip_grad_norm(&module, &mut grads, max));
        let fresh = self.slots.is_empty();
        let mut mapper = Stepper { opt: self, lr, grads, index: 0, fresh };
        let module = module.map(&mut mapper);
        let seen = mapper.index;
        assert_eq!(seen, self.slots.len(), "Optimizer::step: the module has {seen} parameters, the optimizer {}", self.slots.len());
        self.steps += 1;
        Stepped { module, grad_norm }
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
