//! A run's trained part, saved and resumed. One safetensors file: the trained top layers under
//! their HF names, the head (`classifier.*`), the optimizer's state (`optim.{i}.{buffer}`, torch's
//! buffer names), under early stopping the best epoch's weights (`best.*`), and in
//! its metadata the settings, the step, the epochs so far and the fingerprints of the base model
//! and the data. It never holds the frozen part: the base model is referred to, not copied, so a
//! checkpoint of MiniLM's top layer is ~20 MB (7 MB once finished, without the moments), not 90.
//! Image runs keep their trained blocks, head conv and `_fc` under PyTorch's names. This is the
//! format only: the trainer writes and resumes it (`train/checkpoint.rs`).
use std::collections::HashMap;

use burn::prelude::*;
use serde::{Deserialize, Serialize};
use safetensors::SafeTensors;

use crate::error::{Error, Result};
use crate::kind::{AnyModel, Kind};
use crate::metrics::TaskMetrics;
use crate::fingerprint::fingerprint;
use crate::optim::{OptimState, SlotState};
use crate::progress::EpochSummary;
use crate::run::RunConfig;
use crate::task::Task;
use crate::tensors::{Values, to_safetensors};

const KEY: &str = "tabtune_checkpoint";
pub(crate) const VERSION: u32 = 2;

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
    /// A finished run's facts: its model card (absent from checkpoints saved before cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<crate::progress::RunFacts>,
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

/// Checkpoint bytes: the tensors, and the run's information in the metadata.
pub(crate) fn write(tensors: Vec<Values>, info: &CheckpointInfo) -> Result<Vec<u8>> {
    let json = serde_json::to_string(info).map_err(|e| Error::Settings(format!("could not write the checkpoint: {e}")))?;
    to_safetensors(tensors, HashMap::from([(KEY.to_string(), json)]))
}

impl CheckpointInfo {
    /// Which kind of run it is of: text layers and a head, or a CNN's blocks and head.
    pub fn kind(&self) -> Kind {
        Kind::of_run(&self.config)
    }
}

/// Refuses a checkpoint of another kind than the model loaded, saying what it is and where it goes.
fn expect(loaded: Kind, info: &CheckpointInfo) -> Result<()> {
    let saved = info.kind();
    if saved == loaded {
        return Ok(());
    }
    Err(Error::Settings(format!(
        "this checkpoint is of {} ({}), and the model loaded is {}: load it onto the {} model it was trained from",
        saved.a_run(),
        saved.units(),
        loaded.a_model(),
        saved.name()
    )))
}

/// The info of a checkpoint that can be resumed on a model of `kind` with `base` fingerprint.
pub(crate) fn resumable(bytes: &[u8], kind: Kind, base: &str) -> Result<CheckpointInfo> {
    let info = info(bytes)?;
    expect(kind, &info)?;
    if info.finished {
        return Err(Error::Settings("this checkpoint is a finished run: there is nothing left to resume".into()));
    }
    if info.base != base {
        return Err(Error::Settings("this run was trained from another model than the one loaded: load the model it started from to resume it".into()));
    }
    Ok(info)
}

/// The optimizer's state as the checkpoint wrote it.
pub(crate) fn optim_state(bytes: &[u8], info: &CheckpointInfo, names: &[&str]) -> Result<OptimState> {
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

/// The fine-tuned model a finished checkpoint describes, built on its base model (of any
/// kind): what `Trainer::into_model` returned when the checkpoint was taken.
pub fn apply(base: impl Into<AnyModel>, bytes: &[u8], device: &Device) -> Result<AnyModel> {
    let base = base.into();
    let info = info(bytes)?;
    expect(base.kind(), &info)?;
    if info.base != base.fingerprint() {
        return Err(Error::Settings("this fine-tuned model was trained from another base model than the one loaded: load that base model first".into()));
    }
    let fingerprint = tuned_fingerprint(base.fingerprint(), &kept_tensors(bytes)?);
    let outputs = if info.task == Task::Regression { 1 } else { info.labels.len() };
    let mut model = base.with_saved_top(bytes, &info.config, outputs, device)?;
    let kept = info.best.map_or(info.epochs.len(), |(epoch, _)| epoch);
    model.mark(&info.labels, info.task, &info.config, kept);
    model.set_fingerprint(fingerprint);
    Ok(model)
}

/// A fine-tuned model's identity: its base and the trained weights it holds (`kept`: each
/// tensor's name, shape and values, in any order). Two runs differ whenever their weights do
/// (not only their length), and the model rebuilt from its finished checkpoint after a reload
/// is the same model, so a run continued from it resumes onto it and nothing else.
pub(crate) fn tuned_fingerprint(base: &str, kept: &[Values]) -> String {
    let mut sorted: Vec<&Values> = kept.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut parts: Vec<Vec<u8>> = vec![base.as_bytes().to_vec()];
    for (name, shape, values) in sorted {
        parts.push(name.as_bytes().to_vec());
        parts.push(shape.iter().flat_map(|&d| (d as u64).to_le_bytes()).collect());
        parts.push(values.iter().flat_map(|v| v.to_le_bytes()).collect());
    }
    fingerprint(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
}

/// The trained weights a checkpoint's model holds: every tensor but the optimizer's moments and
/// early stopping's best (`optim.*`, `best.*`), as f32 values.
fn kept_tensors(bytes: &[u8]) -> Result<Vec<Values>> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| Error::Settings(format!("the checkpoint is damaged: {e}")))?;
    let kept = st.tensors().into_iter().filter(|(n, _)| !n.starts_with("optim.") && !n.starts_with("best."));
    Ok(kept
        .map(|(name, v)| {
            let values = v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            (name, v.shape().to_vec(), values)
        })
        .collect())
}
