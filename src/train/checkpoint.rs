//! A run saved and resumed exactly (the format is `checkpoint/`): the trained top under its
//! kind's file names, the optimizer's moments, early stopping's best weights and the run so
//! far; a resumed run is rebuilt as it began, then given the saved state.
use burn::prelude::*;

use crate::progress::EpochSummary;
use super::trainer::Trainer;
use crate::checkpoint::{CheckpointInfo, SavedEpoch, VERSION, optim_state, resumable, write};
use crate::kind::Top;
use crate::error::{Error, Result};
use crate::kind::{AnyModel, DataRef};
use crate::optim::{OptimState, Optimizer};
use crate::run::{Init, RunConfig};
use crate::tensors::{Values, read_named};

impl Trainer {
    /// The trained part of the run so far (async reads only). `with_optimizer: false` leaves the
    /// moments out: enough to use the model, not to continue the run.
    pub async fn checkpoint(&self, with_optimizer: bool) -> Result<Vec<u8>> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let best = self.early.as_ref().and_then(|e| e.best.as_ref());
        // A finished run is the model it exports: the best epoch's under early stopping.
        let kept = if with_optimizer { top } else { best.map_or(top, |b| &b.top) };
        let mut tensors = read_top(kept, self.info.frozen_layers, "").await?;
        if let (Some(b), true) = (best, with_optimizer) {
            tensors.extend(read_top(&b.top, self.info.frozen_layers, "best.").await?);
        }
        let state = if with_optimizer { self.optim.state().await? } else { OptimState { t: 0, slots: Vec::new() } };
        let names = self.optim.settings().buffers();
        let slots = state.slots.iter().map(|s| (s.shape.clone(), s.t)).collect();
        for (i, s) in state.slots.into_iter().enumerate().filter(|(_, s)| s.t > 0) {
            for (name, values) in names.iter().zip(s.buffers) {
                tensors.push((format!("optim.{i}.{name}"), s.shape.clone(), values));
            }
        }
        let epoch_loss_sum = match &self.epoch_loss {
            Some(t) => Some(crate::readback::scalar(t.clone()).await?),
            None => None,
        };
        let info = CheckpointInfo {
            version: VERSION,
            config: self.cfg.clone(),
            task: self.info.task,
            labels: self.info.labels.clone(),
            step: self.step,
            total_steps: self.info.total_steps,
            epochs: self.history.iter().map(|e| SavedEpoch { summary: e.clone(), metrics: e.val_metrics.clone() }).collect(),
            base: self.base_fingerprint().to_string(),
            data: self.data_fingerprint.clone(),
            epoch_loss_sum,
            epoch_steps: self.epoch_steps,
            optim_steps: state.t,
            slots,
            best: best.map(|b| (b.epoch, b.value)),
            bad_epochs: self.early.as_ref().map_or(0, |e| e.bad_epochs),
            finished: !with_optimizer,
            facts: (!with_optimizer).then(|| self.facts()),
        };
        write(tensors, &info)
    }

    /// Continues the run saved in `bytes` on `model` (the model it started from) and `data`
    /// (the same rows or images). Call `prepare()` again before stepping: the cache is not saved.
    pub fn resume<'a>(model: impl Into<AnyModel>, data: impl Into<DataRef<'a>>, bytes: &[u8], device: &Device) -> Result<Trainer> {
        let model = model.into();
        let kind = model.kind();
        let info = resumable(bytes, kind, model.fingerprint())?;
        // The trainer is rebuilt as the run began (a fresh head), then given the saved weights.
        let cfg = RunConfig { init: Init::Pretrained, ..info.config.clone() };
        let mut t = Trainer::new(model, data, cfg, device)?;
        if t.data_fingerprint != info.data || t.info.labels != info.labels {
            return Err(Error::Settings(format!("this run was trained on {} to resume it", kind.same_data())));
        }
        t.cfg = info.config.clone();
        let outputs = t.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.outputs();
        let first = t.info.frozen_layers;
        let top = t.base.saved_top(bytes, &t.cfg, first, outputs, "", device)?;
        let best = match info.best {
            Some(_) if t.early.is_some() => Some(t.base.saved_top(bytes, &t.cfg, first, outputs, "best.", device)?),
            _ => None,
        };
        t.restore(info, bytes, top, best, device)?;
        Ok(t)
    }

    /// The saved run's state on a trainer rebuilt as the run began: its top (`best`: the best
    /// epoch's, under early stopping), the optimizer's moments, the step, the epoch so far and
    /// the epochs done.
    fn restore(&mut self, info: CheckpointInfo, bytes: &[u8], top: Top, best: Option<Top>, device: &Device) -> Result<()> {
        if let (Some(early), Some((epoch, value)), Some(top)) = (self.early.as_mut(), info.best, best) {
            early.best = Some(crate::early_stop::Best { epoch, value, top });
            early.bad_epochs = info.bad_epochs;
        }
        let settings = *self.optim.settings();
        let optim = std::mem::replace(&mut self.optim, Optimizer::new(settings, Vec::new()));
        self.optim = optim.with_state(optim_state(bytes, &info, settings.buffers())?, &top)?;
        self.top = Some(top);
        self.step = info.step;
        self.epoch_steps = info.epoch_steps;
        self.epoch_loss = info.epoch_loss_sum.map(|s| Tensor::from_data(TensorData::new(vec![s], [1]), device));
        self.history = info.epochs.into_iter().map(|e| EpochSummary { val_metrics: e.metrics, ..e.summary }).collect();
        Ok(())
    }
}

/// A run's trained top read back under its kind's file names, prefixed.
pub(super) async fn read_top(top: &Top, first: usize, prefix: &str) -> Result<Vec<Values>> {
    let named = read_named(top.tensors(first)).await?;
    Ok(named.into_iter().map(|(n, s, v)| (format!("{prefix}{n}"), s, v)).collect())
}

