//! A run's trained part, saved and resumed. One safetensors file: the trained top layers under
//! their HF names, the head (`classifier.*`), the optimizer's moments (`optim.{i}.m|v`), and in
//! its metadata the settings, the step, the epochs so far and the fingerprints of the base model
//! and the data. It never holds the frozen part: the base model is referred to, not copied, so a
//! checkpoint of MiniLM's top layer is ~20 MB (7 MB once finished, without the moments), not 90.
use std::collections::HashMap;

use burn::module::Module;
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use safetensors::SafeTensors;

use crate::classifier::Classifier;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::export::{read_named, to_safetensors};
use crate::metrics::Metrics;
use crate::model::weights::{head_tensors, layer_tensors, load_top};
use crate::model::{Encoder, Model, Pooling, fingerprint};
use crate::optim::{AdamW, AdamWState, Moment};
use crate::run::{Init, RunConfig};
use crate::train::{EpochSummary, Trainer};

const KEY: &str = "tabtune_checkpoint";
const VERSION: u32 = 1;

/// What a checkpoint says about itself (its safetensors metadata, as JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckpointInfo {
    pub version: u32,
    pub config: RunConfig,
    pub labels: Vec<String>,
    /// Steps done, of `total_steps`.
    pub step: usize,
    pub total_steps: usize,
    pub epochs: Vec<SavedEpoch>,
    /// The model the run started from and the rows it trains on.
    pub base: String,
    pub data: String,
    /// This epoch's summed loss and steps so far (a checkpoint taken mid-epoch).
    pub epoch_loss_sum: Option<f32>,
    pub epoch_steps: usize,
    pub optim_steps: u64,
    /// Each optimizer slot's shape and its steps (its moments are `optim.{i}.m|v` when > 0).
    pub moments: Vec<(Vec<usize>, u64)>,
    /// Finished runs keep no optimizer state: they are models, not runs to continue.
    pub finished: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedEpoch {
    #[serde(flatten)]
    pub summary: EpochSummary,
    pub metrics: Option<Metrics>,
}

/// The info of checkpoint bytes, without loading anything.
pub fn info(bytes: &[u8]) -> Result<CheckpointInfo> {
    let (_, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::Settings(format!("not a tabtune checkpoint (unreadable: {e})")))?;
    let json = meta.metadata().as_ref().and_then(|m| m.get(KEY)).ok_or_else(|| Error::Settings("not a tabtune checkpoint (no run information in it)".into()))?;
    let info: CheckpointInfo = serde_json::from_str(json).map_err(|e| Error::Settings(format!("the checkpoint's run information is damaged: {e}")))?;
    if info.version != VERSION {
        return Err(Error::Settings(format!("checkpoint version {} is not supported (this tabtune writes {VERSION})", info.version)));
    }
    Ok(info)
}

impl Trainer {
    /// The trained part of the run so far (async reads only). `with_optimizer: false` leaves the
    /// moments out: enough to use the model, not to continue the run.
    pub async fn checkpoint(&self, with_optimizer: bool) -> Result<Vec<u8>> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let first = self.info.frozen_layers;
        let mut named = Vec::new();
        for (j, layer) in top.layers.iter().enumerate() {
            named.extend(layer_tensors(first + j, layer));
        }
        named.extend(head_tensors(&top.head));
        let mut tensors = read_named(named).await?;
        let state = if with_optimizer { self.optim.state().await? } else { AdamWState { t: 0, moments: Vec::new() } };
        let moments = state.moments.iter().map(|m| (m.shape.clone(), m.t)).collect();
        for (i, m) in state.moments.into_iter().enumerate().filter(|(_, m)| m.t > 0) {
            tensors.push((format!("optim.{i}.m"), m.shape.clone(), m.m));
            tensors.push((format!("optim.{i}.v"), m.shape, m.v));
        }
        let epoch_loss_sum = match &self.epoch_loss {
            Some(t) => Some(crate::readback::scalar(t.clone()).await?),
            None => None,
        };
        let info = CheckpointInfo {
            version: VERSION,
            config: self.cfg.clone(),
            labels: self.info.labels.clone(),
            step: self.step,
            total_steps: self.info.total_steps,
            epochs: self.history.iter().map(|e| SavedEpoch { summary: e.clone(), metrics: e.val_metrics.clone() }).collect(),
            base: self.model.fingerprint.clone(),
            data: self.data_fingerprint.clone(),
            epoch_loss_sum,
            epoch_steps: self.epoch_steps,
            optim_steps: state.t,
            moments,
            finished: !with_optimizer,
        };
        let json = serde_json::to_string(&info).map_err(|e| Error::Settings(format!("could not write the checkpoint: {e}")))?;
        to_safetensors(tensors, HashMap::from([(KEY.to_string(), json)]))
    }

    /// Continues the run saved in `bytes` on `model` (the model it started from) and `data`
    /// (the same rows). Call `prepare()` again before stepping: the cache is not saved.
    pub fn resume(model: Model, data: &Dataset, bytes: &[u8], device: &Device) -> Result<Trainer> {
        let info = info(bytes)?;
        if info.finished {
            return Err(Error::Settings("this checkpoint is a finished run: there is nothing left to resume".into()));
        }
        if info.base != model.fingerprint {
            return Err(Error::Settings("this run was trained from another model than the one loaded: load the model it started from to resume it".into()));
        }
        // The trainer is rebuilt as the run began (a fresh head), then given the saved weights.
        let cfg = RunConfig { init: Init::Pretrained, ..info.config.clone() };
        let mut t = Trainer::new(model, data, cfg, device)?;
        if t.data_fingerprint != info.data || t.info.labels != info.labels {
            return Err(Error::Settings("this run was trained on other rows than the data loaded: load the same file (same columns) to resume it".into()));
        }
        t.cfg = info.config.clone();
        let (layers, head) = load_top(bytes, &t.model.config, t.info.frozen_layers, info.labels.len(), device)?;
        let top = Classifier::with_head(layers, head, t.cfg.dropout).train();
        let optim = std::mem::replace(&mut t.optim, AdamW::new(0.0));
        t.optim = optim.with_state(optim_state(bytes, &info)?, &top)?;
        t.top = Some(top);
        t.step = info.step;
        t.epoch_steps = info.epoch_steps;
        t.epoch_loss = info.epoch_loss_sum.map(|s| Tensor::from_data(TensorData::new(vec![s], [1]), device));
        t.history = info.epochs.into_iter().map(|e| EpochSummary { val_metrics: e.metrics, ..e.summary }).collect();
        Ok(t)
    }
}

/// The optimizer's state as the checkpoint wrote it.
fn optim_state(bytes: &[u8], info: &CheckpointInfo) -> Result<AdamWState> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| Error::Settings(format!("the checkpoint is damaged: {e}")))?;
    let floats = |name: String| -> Result<Vec<f32>> {
        let v = st.tensor(&name).map_err(|e| Error::Settings(format!("the checkpoint is damaged ({name}: {e})")))?;
        Ok(v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    };
    let moments = info
        .moments
        .iter()
        .enumerate()
        .map(|(i, (shape, t))| {
            let (m, v) = if *t > 0 { (floats(format!("optim.{i}.m"))?, floats(format!("optim.{i}.v"))?) } else { (Vec::new(), Vec::new()) };
            Ok(Moment { shape: shape.clone(), t: *t, m, v })
        })
        .collect::<Result<_>>()?;
    Ok(AdamWState { t: info.optim_steps, moments })
}

/// The fine-tuned model a finished checkpoint describes, built on its base model.
pub fn apply(mut base: Model, bytes: &[u8], device: &Device) -> Result<Model> {
    let info = info(bytes)?;
    if info.base != base.fingerprint {
        return Err(Error::Settings("this fine-tuned model was trained from another base model than the one loaded: load that base model first".into()));
    }
    let n = base.config.num_hidden_layers;
    let first = n - info.config.layers;
    let (top, head) = load_top(bytes, &base.config, first, info.labels.len(), device)?;
    let mut layers = std::mem::take(&mut base.encoder.layers);
    layers.truncate(first);
    layers.extend(top);
    base.encoder = Encoder { embeddings: base.encoder.embeddings, layers };
    base.head = Some(head);
    base.pooling = Pooling::Mean;
    base.config.set_labels(&info.labels);
    base.config.extra.insert("tabtune".into(), serde_json::json!({ "pooling": "mean", "max_len": info.config.max_len }));
    base.fingerprint = tuned_fingerprint(&base.fingerprint, &info.data, info.step);
    Ok(base)
}

/// A fine-tuned model's identity: its base, its rows and its steps (so a run continued from it
/// can be resumed onto the same model, rebuilt from its checkpoint after a reload).
pub(crate) fn tuned_fingerprint(base: &str, data: &str, steps: usize) -> String {
    fingerprint(&[base.as_bytes(), data.as_bytes(), &(steps as u64).to_le_bytes()])
}
