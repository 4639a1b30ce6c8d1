//! Image runs' checkpoints: the trained blocks (numbered as in the whole network), the head
//! conv and `_fc` under efficientnet_pytorch's names (`vision::weights`), so the tensors of a
//! finished checkpoint are exactly those a fine-tuned model folder holds for the top. The
//! metadata, the optimizer's slots and the `best.` weights are as for text runs (`mod.rs`).
use burn::module::Module;
use burn::prelude::*;

use super::{Kind, info, resumable, tuned_fingerprint};
use crate::classifier::{ImageClassifier, Top};
use crate::data::images::ImageDataset;
use crate::error::{Error, Result};
use crate::run::{Init, RunConfig};
use crate::train::Trainer;
use crate::vision::weights::{load_top, read_tensors, top_tensors};
use crate::vision::{EfficientNet, ImageModel, ImageTop, VisionConfig};

/// An image top's tensors read back under the whole network's names.
pub(super) async fn top_values(top: &ImageClassifier, first: usize) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    read_tensors(top_tensors(&top.net, first)).await
}

impl Trainer {
    /// Continues the image run saved in `bytes` on `model` (the model it started from) and
    /// `data` (the same images). Call `prepare()` again before stepping: the cache is not saved.
    pub fn resume_images(model: ImageModel, data: &ImageDataset, bytes: &[u8], device: &Device) -> Result<Trainer> {
        let info = resumable(bytes, Kind::Image, &model.fingerprint)?;
        // The trainer is rebuilt as the run began (a fresh head), then given the saved weights.
        let cfg = RunConfig { init: Init::Pretrained, ..info.config.clone() };
        let mut t = Trainer::for_images(model, data, cfg, device)?;
        if t.data_fingerprint != info.data || t.info.labels != info.labels {
            return Err(Error::Settings(
                "this run was trained on other images than the data loaded: load the same folder (same classes and files) to resume it".into(),
            ));
        }
        t.cfg = info.config.clone();
        let config = t.image_config()?.clone();
        let (first, classes, dropout) = (t.info.frozen_layers, info.labels.len(), t.cfg.dropout);
        let rebuild = |prefix: &str| -> Result<Top> {
            let net = load_top(bytes, &config, first, classes, prefix, device)?;
            Ok(Top::Image(ImageClassifier { net, dropout: burn::nn::DropoutConfig::new(dropout).init() }.train()))
        };
        let top = rebuild("")?;
        let best = match info.best {
            Some(_) if t.early.is_some() => Some(rebuild("best.")?),
            _ => None,
        };
        t.restore(info, bytes, top, best, device)?;
        Ok(t)
    }
}

/// The fine-tuned image model a finished checkpoint describes, built on its base model: what
/// `into_image_model` returned when the checkpoint was taken (weights, config.json, fingerprint).
pub fn apply_image(base: ImageModel, bytes: &[u8], device: &Device) -> Result<ImageModel> {
    let info = info(bytes)?;
    Kind::Image.expect(&info)?;
    if info.base != base.fingerprint {
        return Err(Error::Settings("this fine-tuned model was trained from another base model than the one loaded: load that base model first".into()));
    }
    let ImageModel { mut config, net, fingerprint } = base;
    let blocks = net.blocks.len();
    let first = blocks.checked_sub(info.config.layers).ok_or_else(|| {
        Error::Settings(format!("the checkpoint trained {} blocks, but the model has {blocks}", info.config.layers))
    })?;
    let ImageTop { blocks: top, head, fc } = load_top(bytes, &config, first, info.labels.len(), "", device)?;
    let EfficientNet { stem, mut blocks, .. } = net;
    blocks.truncate(first);
    blocks.extend(top);
    let kept = info.best.map_or(info.epochs.len(), |(epoch, _)| epoch);
    mark_image(&mut config, &info.labels, &info.config, kept);
    let fingerprint = tuned_fingerprint(&fingerprint, &info.data, info.step);
    Ok(ImageModel { config, net: EfficientNet { stem, blocks, head, fc }, fingerprint })
}

/// What config.json says about an image model trained here: its classes as `labels`, the
/// run's size as `image_size` and `resize` (predicting preprocesses as training did), and a
/// `tabtune` object (which also marks the head as trained here, for `init: continue`).
pub(crate) fn mark_image(config: &mut VisionConfig, labels: &[String], cfg: &RunConfig, epoch: usize) {
    config.labels = labels.to_vec();
    config.image_size = cfg.image_size;
    config.resize = cfg.image_size;
    config.extra.insert(
        "tabtune".into(),
        serde_json::json!({ "task": "image", "layers": cfg.layers, "image_size": cfg.image_size, "epoch": epoch }),
    );
}
