//! A run's trained part, saved and resumed. One safetensors file: the trained top layers under
//! their HF names, the head (`classifier.*`), the optimizer's state (`optim.{i}.{buffer}`, torch's
//! buffer names), under early stopping the best epoch's weights (`best.*`), and in
//! its metadata the settings, the step, the epochs so far and the fingerprints of the base model
//! and the data. It never holds the frozen part: the base model is referred to, not copied, so a
//! checkpoint of MiniLM's top layer is ~20 MB (7 MB once finished, without the moments), not 90.
//! Image runs keep their trained blocks, head conv and `_fc` under PyTorch's names (`image.rs`).
use std::collections::HashMap;

use burn::module::Module;
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use safetensors::SafeTensors;

use crate::classifier::{Classifier, Top};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::export::{read_named, to_safetensors};
use crate::metrics::TaskMetrics;
use crate::model::weights::{head_tensors, layer_tensors, load_top, pooler_tensors};
use crate::model::{Encoder, Model, Pooling, fingerprint};
use crate::optim::{Optimizer, OptimState, SlotState};
use crate::model::BertConfig;
use crate::run::{Init, PoolingKind, RunConfig};
use crate::task::{Task, TaskChoice};
use crate::train::{EpochSummary, Trainer};

mod image;
pub use image::apply_image;
pub(crate) use image::mark_image;

const KEY: &str = "tabtune_checkpoint";
const VERSION: u32 = 2;

/// What a checkpoint says about itself (its safetensors metadata, as JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckpointInfo {
    pub version: u32,
    pub config: RunConfig,
    pub task: Task,
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
    /// Each optimizer slot's shape and its steps (its buffers are `optim.{i}.{name}` when > 0).
    pub slots: Vec<(Vec<usize>, u64)>,
    /// Under early stopping: the best epoch so far and its monitored value (its weights are
    /// the `best.*` tensors), and the epochs since.
    pub best: Option<(usize, f64)>,
    pub bad_epochs: usize,
    /// Finished runs keep no optimizer state: they are models, not runs to continue.
    pub finished: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedEpoch {
    #[serde(flatten)]
    pub summary: EpochSummary,
    pub metrics: Option<TaskMetrics>,
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
        };
        let json = serde_json::to_string(&info).map_err(|e| Error::Settings(format!("could not write the checkpoint: {e}")))?;
        to_safetensors(tensors, HashMap::from([(KEY.to_string(), json)]))
    }

    /// Continues the run saved in `bytes` on `model` (the model it started from) and `data`
    /// (the same rows). Call `prepare()` again before stepping: the cache is not saved.
    pub fn resume(model: Model, data: &Dataset, bytes: &[u8], device: &Device) -> Result<Trainer> {
        let info = resumable(bytes, Kind::Text, &model.fingerprint)?;
        // The trainer is rebuilt as the run began (a fresh head), then given the saved weights.
        let cfg = RunConfig { init: Init::Pretrained, ..info.config.clone() };
        let mut t = Trainer::new(model, data, cfg, device)?;
        if t.data_fingerprint != info.data || t.info.labels != info.labels {
            return Err(Error::Settings("this run was trained on other rows than the data loaded: load the same file (same columns) to resume it".into()));
        }
        t.cfg = info.config.clone();
        let outputs = t.text_top()?.head.weight.dims()[1];
        let cls = t.cfg.pooling == PoolingKind::Cls;
        let config = t.text()?.0.config.clone();
        let rebuild = |prefix: &str| -> Result<Classifier> {
            let (layers, head, pooler) = load_top(bytes, &config, t.info.frozen_layers, outputs, cls, prefix, device)?;
            let top = Classifier::with_head(layers, head, t.cfg.dropout).with_pooler(pooler);
            Ok(match t.cfg.encoder_dropout {
                Some(p) => top.with_encoder_dropout(p),
                None => top,
            }
            .train())
        };
        let top = Top::Text(rebuild("")?);
        let best = match info.best {
            Some(_) if t.early.is_some() => Some(Top::Text(rebuild("best.")?)),
            _ => None,
        };
        t.restore(info, bytes, top, best, device)?;
        Ok(t)
    }

    /// The saved run's state on a trainer rebuilt as the run began: its top (`best`: the best
    /// epoch's, under early stopping), the optimizer's moments, the step, the epoch so far and
    /// the epochs done.
    pub(crate) fn restore(&mut self, info: CheckpointInfo, bytes: &[u8], top: Top, best: Option<Top>, device: &Device) -> Result<()> {
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

/// Which kind of run a checkpoint is of: text layers and a head, or a CNN's blocks and head.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Text,
    Image,
}

impl Kind {
    pub(crate) fn of(info: &CheckpointInfo) -> Kind {
        if info.config.task == TaskChoice::Image { Kind::Image } else { Kind::Text }
    }

    /// Refuses a checkpoint of the other kind, saying what it is and where it goes.
    pub(crate) fn expect(self, info: &CheckpointInfo) -> Result<()> {
        match (Kind::of(info), self) {
            (Kind::Image, Kind::Text) => Err(Error::Settings(
                "this checkpoint is of an image run (EfficientNet blocks), and the model loaded is a text model: load it onto the image model it was trained from".into(),
            )),
            (Kind::Text, Kind::Image) => Err(Error::Settings(
                "this checkpoint is of a text run (BERT layers), and the model loaded is an image model: load it onto the text model it was trained from".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// The info of a checkpoint that can be resumed on a model of `kind` with `base` fingerprint.
pub(crate) fn resumable(bytes: &[u8], kind: Kind, base: &str) -> Result<CheckpointInfo> {
    let info = info(bytes)?;
    kind.expect(&info)?;
    if info.finished {
        return Err(Error::Settings("this checkpoint is a finished run: there is nothing left to resume".into()));
    }
    if info.base != base {
        return Err(Error::Settings("this run was trained from another model than the one loaded: load the model it started from to resume it".into()));
    }
    Ok(info)
}

/// A run's trained top read back under its file names, prefixed: a text classifier's under HF
/// names, an image top's under PyTorch's (`image.rs`).
async fn read_top(top: &Top, first: usize, prefix: &str) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let named = match top {
        Top::Text(top) => read_named(text_tensors(top, first)).await?,
        Top::Image(top) => image::top_values(top, first).await?,
    };
    Ok(named.into_iter().map(|(n, s, v)| (format!("{prefix}{n}"), s, v)).collect())
}

/// A text classifier's tensors under HF names.
fn text_tensors(top: &Classifier, first: usize) -> Vec<(String, crate::model::weights::NamedTensor)> {
    let mut named = Vec::new();
    for (j, layer) in top.layers.iter().enumerate() {
        named.extend(layer_tensors(first + j, layer));
    }
    named.extend(head_tensors(&top.head));
    if let Some(p) = &top.pooler {
        named.extend(pooler_tensors(p));
    }
    named
}

/// The optimizer's state as the checkpoint wrote it.
fn optim_state(bytes: &[u8], info: &CheckpointInfo, names: &[&str]) -> Result<OptimState> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| Error::Settings(format!("the checkpoint is damaged: {e}")))?;
    let floats = |name: String| -> Result<Vec<f32>> {
        let v = st.tensor(&name).map_err(|e| Error::Settings(format!("the checkpoint is damaged ({name}: {e})")))?;
        Ok(v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    };
    let slots = info
        .slots
        .iter()
        .enumerate()
        .map(|(i, (shape, t))| {
            let buffers = if *t > 0 { names.iter().map(|n| floats(format!("optim.{i}.{n}"))).collect::<Result<_>>()? } else { Vec::new() };
            Ok(SlotState { shape: shape.clone(), t: *t, buffers })
        })
        .collect::<Result<_>>()?;
    Ok(OptimState { t: info.optim_steps, slots })
}

/// The fine-tuned model a finished checkpoint describes, built on its base model.
pub fn apply(mut base: Model, bytes: &[u8], device: &Device) -> Result<Model> {
    let info = info(bytes)?;
    Kind::Text.expect(&info)?;
    if info.base != base.fingerprint {
        return Err(Error::Settings("this fine-tuned model was trained from another base model than the one loaded: load that base model first".into()));
    }
    let n = base.config.num_hidden_layers;
    let first = n - info.config.layers;
    let outputs = if info.task == Task::Regression { 1 } else { info.labels.len() };
    let cls = info.config.pooling == PoolingKind::Cls;
    let (top, head, pooler) = load_top(bytes, &base.config, first, outputs, cls, "", device)?;
    let mut layers = std::mem::take(&mut base.encoder.layers);
    layers.truncate(first);
    layers.extend(top);
    base.encoder = Encoder { embeddings: base.encoder.embeddings, layers };
    base.head = Some(head);
    base.pooling = pooler.map_or(Pooling::Mean, Pooling::ClsPooler);
    let kept = info.best.map_or(info.epochs.len(), |(epoch, _)| epoch);
    mark_tuned(&mut base.config, &info.labels, info.task, &info.config, kept);
    base.fingerprint = tuned_fingerprint(&base.fingerprint, &info.data, info.step);
    Ok(base)
}

/// What config.json says about a model trained here: its labels, task, pooling, max_len,
/// multi-label threshold and the epoch its weights are from.
pub(crate) fn mark_tuned(config: &mut BertConfig, labels: &[String], task: Task, cfg: &RunConfig, epoch: usize) {
    config.set_labels(labels);
    config.extra.insert("problem_type".into(), task.problem_type().into());
    config.extra.insert(
        "tabtune".into(),
        serde_json::json!({ "pooling": cfg.pooling.name(), "max_len": cfg.max_len, "task": task, "threshold": cfg.threshold, "epoch": epoch }),
    );
}

/// A fine-tuned model's identity: its base, its rows and its steps (so a run continued from it
/// can be resumed onto the same model, rebuilt from its checkpoint after a reload).
pub(crate) fn tuned_fingerprint(base: &str, data: &str, steps: usize) -> String {
    fingerprint(&[base.as_bytes(), data.as_bytes(), &(steps as u64).to_le_bytes()])
}
