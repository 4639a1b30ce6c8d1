//! The sound kind's side of the seam: a sound run's frozen part, the fine-tuned model put back
//! together from it (or from a checkpoint's tensors), what its config.json says of the run,
//! and what `init: continue` needs of it. Everything else of the sound kind is its folder
//! `audio/`.
use burn::module::Module;
use burn::nn::Linear;
use burn::prelude::*;

use crate::audio::net::first_trained;
use crate::audio::weights::load_top_with;
use crate::audio::{BLOCKS, FrozenSpeech, MelFrontEnd, SpeechClassifier, SpeechConfig, SpeechEmbedding, SpeechModel, SpeechTop};
use crate::error::{Error, Result};
use crate::run::{ModelShape, RunConfig};
use crate::task::TaskChoice;

/// A sound run's frozen part and what its model folder is rebuilt from.
pub(crate) struct AudioBase {
    pub config: SpeechConfig,
    pub front: MelFrontEnd,
    pub melspectrogram: Vec<u8>,
    pub fingerprint: String,
    pub frozen: FrozenSpeech,
    /// The frozen part's output [c, time, mel] for one window.
    pub shape: [usize; 3],
    /// Windows per (one-second) clip.
    pub windows: usize,
}

impl AudioBase {
    /// The fine-tuned sound model: the frozen blocks and the trained ones back in one network.
    pub fn with_top(self, top: SpeechClassifier) -> SpeechModel {
        let FrozenSpeech { stem, mut blocks } = self.frozen;
        blocks.extend(top.net.blocks);
        let net = SpeechEmbedding { stem, blocks, head: top.net.head };
        SpeechModel { config: self.config, front: self.front, net, head: Some(top.fc), melspectrogram: self.melspectrogram, fingerprint: self.fingerprint }
    }
}

/// A checkpoint's top and Linear head (`prefix`: "" or "best."), its lowest block `first`.
fn saved(bytes: &[u8], first: usize, classes: usize, prefix: &str, device: &Device) -> Result<(SpeechTop, Linear)> {
    // a running checkpoint also holds the optimizer's state and the best epoch's copy
    let other: &[&str] = if prefix.is_empty() { &["optim.", "best."] } else { &[] };
    let (top, fc) = load_top_with(bytes, first, classes.max(1), prefix, other, device)?;
    let fc = fc.ok_or_else(|| Error::Weights("the checkpoint has no classifier".into()))?;
    Ok((top, fc))
}

/// A run's trainable top rebuilt from a checkpoint's tensors.
pub(crate) fn saved_top(bytes: &[u8], cfg: &RunConfig, first: usize, classes: usize, prefix: &str, device: &Device) -> Result<SpeechClassifier> {
    let (net, fc) = saved(bytes, first, classes, prefix, device)?;
    Ok(SpeechClassifier { net, fc, dropout: crate::dropout::Dropout::new(cfg.dropout) }.train())
}

/// The base model with a finished checkpoint's trained blocks, head conv and classifier.
pub(crate) fn with_saved_top(base: SpeechModel, bytes: &[u8], cfg: &RunConfig, classes: usize, device: &Device) -> Result<SpeechModel> {
    let SpeechModel { config, front, net, melspectrogram, fingerprint, .. } = base;
    let first = BLOCKS.checked_sub(cfg.layers).ok_or_else(|| Error::Settings(format!("the checkpoint trained {} blocks, but the model has {BLOCKS}", cfg.layers)))?;
    let (top, fc) = saved(bytes, first, classes, "", device)?;
    let SpeechEmbedding { stem, mut blocks, .. } = net;
    blocks.truncate(first_trained(cfg.layers));
    blocks.extend(top.blocks);
    Ok(SpeechModel { config, front, net: SpeechEmbedding { stem, blocks, head: top.head }, head: Some(fc), melspectrogram, fingerprint })
}

/// Classification on a sound model is task audio; `layers: all` made its blocks; then every
/// setting checked against it (the text- and image-only ones refused by name).
pub(crate) fn settle(cfg: &mut RunConfig) -> Result<()> {
    if matches!(cfg.task, TaskChoice::Auto | TaskChoice::Classification) {
        cfg.task = TaskChoice::Audio;
    }
    cfg.resolve_layers(BLOCKS);
    cfg.check(ModelShape::Audio { blocks: BLOCKS })
}

/// What config.json says about a sound model trained here: its classes as `labels` and a
/// `tabtune` object (which also marks the head as trained here, for `init: continue`).
pub(crate) fn mark(config: &mut SpeechConfig, labels: &[String], cfg: &RunConfig, epoch: usize) {
    config.extra.insert("labels".into(), serde_json::json!(labels));
    config.extra.insert("tabtune".into(), serde_json::json!({ "task": "audio", "layers": cfg.layers, "epoch": epoch }));
}

/// `init: continue` on sounds needs a head trained here on the data's classes, in order.
pub(crate) fn check_continue(model: &SpeechModel, labels: &[String]) -> Result<()> {
    let bad = |m: String| Err(Error::Settings(m));
    if model.head.is_none() {
        return bad("init = continue needs a fine-tuned sound model, and this one has no head yet: train it with init = pretrained first".into());
    }
    let known = model.config.labels();
    if known != labels {
        return bad(format!("init = continue needs the same classes, but the model knows {} and the data has {}: use init = pretrained to train a new head", known.join(", "), labels.join(", ")));
    }
    Ok(())
}

/// What a sound model is, for the page: `AnyModel::describe`.
pub(crate) fn describe(model: &SpeechModel) -> serde_json::Value {
    serde_json::json!({
        "kind": "audio",
        "blocks": BLOCKS,
        "sample_rate": model.config.sample_rate,
        "classes": model.config.labels().len(),
        "fingerprint": model.fingerprint,
    })
}
