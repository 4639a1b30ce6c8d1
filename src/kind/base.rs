//! A run's frozen part, of its kind, and the whole model put back together from it.
use burn::prelude::Device;

use super::audio::{self, AudioBase};
use super::image::{self, ImageBase};
use super::text::{self, TextBase};
use super::model::AnyModel;
use super::table::Kind;
use super::top::Top;
use crate::error::{Error, Result};
use crate::run::RunConfig;

/// A run's frozen part, of its kind: what the trainer runs once per row and caches.
pub(crate) enum Base {
    Text(TextBase),
    Image(ImageBase),
    Audio(AudioBase),
}

impl Base {
    pub fn kind(&self) -> Kind {
        match self {
            Base::Text(_) => Kind::Text,
            Base::Image(_) => Kind::Image,
            Base::Audio(_) => Kind::Audio,
        }
    }

    /// The fingerprint of the model the run started from.
    pub fn fingerprint(&self) -> &str {
        match self {
            Base::Text(b) => &b.model.fingerprint,
            Base::Image(b) => &b.fingerprint,
            Base::Audio(b) => &b.fingerprint,
        }
    }

    /// The whole model again: this frozen part under a trained top of its kind.
    pub fn with_top(self, top: Top) -> Result<AnyModel> {
        match (self, top) {
            (Base::Text(b), Top::Text(t)) => Ok(AnyModel::Text(b.with_top(t))),
            (Base::Image(b), Top::Image(t)) => Ok(AnyModel::Image(b.with_top(t))),
            (Base::Audio(b), Top::Audio(t)) => Ok(AnyModel::Audio(b.with_top(t))),
            // the trainer builds its top from its own base, so kinds always agree
            _ => Err(Error::Settings("a trained top of another kind than its frozen part".into())),
        }
    }

    /// A run's top rebuilt from a checkpoint's tensors: `first` numbers its lowest layer or
    /// block, `outputs` its head's width; `prefix` "" for the current weights, "best." for
    /// the best epoch's.
    pub fn saved_top(&self, bytes: &[u8], cfg: &RunConfig, first: usize, outputs: usize, prefix: &str, device: &Device) -> Result<Top> {
        Ok(match self {
            Base::Text(b) => Top::Text(text::saved_top(&b.model.config, bytes, cfg, first, outputs, prefix, device)?),
            Base::Image(b) => Top::Image(image::saved_top(&b.config, bytes, cfg, first, outputs, prefix, device)?),
            Base::Audio(_) => Top::Audio(audio::saved_top(bytes, cfg, first, outputs, prefix, device)?),
        })
    }

    /// The base model's config.json, from which `top_from_files` rebuilds a top of this kind.
    pub fn config_json(&self) -> Result<Vec<u8>> {
        match self {
            Base::Text(b) => serde_json::to_vec(&b.model.config),
            Base::Image(b) => serde_json::to_vec(&b.config),
            Base::Audio(b) => serde_json::to_vec(&b.config),
        }
        .map_err(|e| Error::Config(format!("could not write the model's config: {e}")))
    }
}

/// A copy of a run's top in another worker: from its kind, the base's `config_json`, the run's
/// settings and a checkpoint's tensors (`first` and `outputs` as `Base::saved_top` takes them).
pub fn top_from_files(kind: Kind, config: &[u8], cfg: &RunConfig, checkpoint: &[u8], first: usize, outputs: usize, device: &Device) -> Result<Top> {
    Ok(match kind {
        Kind::Text => Top::Text(text::saved_top(&crate::text::BertConfig::from_json(config)?, checkpoint, cfg, first, outputs, "", device)?),
        Kind::Image => Top::Image(image::saved_top(&crate::image::VisionConfig::from_json(config)?, checkpoint, cfg, first, outputs, "", device)?),
        Kind::Audio => Top::Audio(audio::saved_top(checkpoint, cfg, first, outputs, "", device)?),
    })
}
