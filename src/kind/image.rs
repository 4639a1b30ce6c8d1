//! The image kind's side of the seam: an image run's frozen part, the fine-tuned model put
//! back together from it (or from a checkpoint's tensors), what its config.json says of the
//! run, and what `init: continue` needs of it. Everything else of the image kind is its folder
//! `image/`.
use burn::module::Module;
use burn::prelude::*;

use crate::image::ImageClassifier;
use crate::error::{Error, Result};
use crate::run::{ModelShape, RunConfig};
use crate::task::TaskChoice;
use crate::image::weights::load_top;
use crate::image::{EfficientNet, FrozenNet, ImageModel, ImageTop, VisionConfig};

/// An image run's frozen part and what its model folder is rebuilt from.
pub(crate) struct ImageBase {
    pub config: VisionConfig,
    pub fingerprint: String,
    pub frozen: FrozenNet,
    /// The frozen part's output [c, h, w] for one image at the run's `image_size`.
    pub shape: [usize; 3],
}

impl ImageBase {
    /// The fine-tuned image model: the frozen blocks and the trained ones back in one network.
    pub fn with_top(self, top: ImageClassifier) -> ImageModel {
        let mut blocks = self.frozen.blocks;
        blocks.extend(top.net.blocks);
        let net = EfficientNet { stem: self.frozen.stem, blocks, head: top.net.head, fc: top.net.fc };
        ImageModel { config: self.config, net, fingerprint: self.fingerprint }
    }
}

/// A run's trainable top rebuilt from a checkpoint's tensors (`prefix`: "" or "best.").
pub(crate) fn saved_top(config: &VisionConfig, bytes: &[u8], cfg: &RunConfig, first: usize, classes: usize, prefix: &str, device: &Device) -> Result<ImageClassifier> {
    let net = load_top(bytes, config, first, classes, prefix, device)?;
    Ok(ImageClassifier { net, dropout: crate::dropout::Dropout::new(cfg.dropout) }.train())
}

/// The base model with a finished checkpoint's trained blocks, head conv and `_fc` in place.
pub(crate) fn with_saved_top(base: ImageModel, bytes: &[u8], cfg: &RunConfig, classes: usize, device: &Device) -> Result<ImageModel> {
    let ImageModel { config, net, fingerprint } = base;
    let blocks = net.blocks.len();
    let first = blocks.checked_sub(cfg.layers).ok_or_else(|| Error::Settings(format!("the checkpoint trained {} blocks, but the model has {blocks}", cfg.layers)))?;
    let ImageTop { blocks: top, head, fc } = load_top(bytes, &config, first, classes, "", device)?;
    let EfficientNet { stem, mut blocks, .. } = net;
    blocks.truncate(first);
    blocks.extend(top);
    Ok(ImageModel { config, net: EfficientNet { stem, blocks, head, fc }, fingerprint })
}

/// Classification on an image model is task image; `layers: all` made its blocks; then every
/// setting checked against it (the text-only ones refused by name).
pub(crate) fn settle(model: &ImageModel, cfg: &mut RunConfig) -> Result<()> {
    if matches!(cfg.task, TaskChoice::Auto | TaskChoice::Classification) {
        cfg.task = TaskChoice::Image;
    }
    let blocks = model.net.blocks.len();
    cfg.resolve_layers(blocks);
    cfg.check(ModelShape::Image { blocks })
}

/// What config.json says about an image model trained here: its classes as `labels`, the
/// run's size as `image_size` and `resize` (predicting preprocesses as training did), and a
/// `tabtune` object (which also marks the head as trained here, for `init: continue`).
pub(crate) fn mark(config: &mut VisionConfig, labels: &[String], cfg: &RunConfig, epoch: usize) {
    config.labels = labels.to_vec();
    config.image_size = cfg.image_size;
    config.resize = cfg.image_size;
    config.extra.insert(
        "tabtune".into(),
        serde_json::json!({ "task": "image", "layers": cfg.layers, "image_size": cfg.image_size, "epoch": epoch }),
    );
}

/// `init: continue` on images needs a head trained here (config.json's `tabtune` object, which
/// ImageNet's 1000-class model has not) on the data's classes, in the same order.
pub(crate) fn check_continue(config: &VisionConfig, labels: &[String]) -> Result<()> {
    let bad = |m: String| Err(Error::Settings(m));
    if !config.extra.contains_key("tabtune") {
        return bad(format!(
            "init = continue needs a fine-tuned model, but this one's head is the pretrained one ({} classes, not trained here): train it with init = pretrained first",
            config.labels.len()
        ));
    }
    if config.labels != labels {
        return bad(format!(
            "init = continue needs the same classes, but the model knows {} and the data has {}: use init = pretrained to train a new head",
            config.labels.join(", "),
            labels.join(", ")
        ));
    }
    Ok(())
}

/// What an image model is, for the page: `AnyModel::describe` (`classes`: how many).
pub(crate) fn describe(model: &ImageModel) -> serde_json::Value {
    serde_json::json!({
        "kind": "image",
        "blocks": model.net.blocks.len(),
        "image_size": model.config.image_size,
        "classes": model.config.labels.len(),
        "fingerprint": model.fingerprint,
    })
}
