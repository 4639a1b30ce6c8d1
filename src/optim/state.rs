//! The optimizer's state as plain host data, for a checkpoint: read back (async reads only) and
//! put back onto a rebuilt module, checked against its structure.
use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::optimizer::{Optimizer, Slot};
use crate::error::{Error, Result};
use crate::readback;

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

impl Optimizer {
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
