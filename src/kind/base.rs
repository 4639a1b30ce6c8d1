//! A run's frozen part, of its kind, and the whole model put back together from it.
use burn::prelude::Device;

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
}

impl Base {
    pub fn kind(&self) -> Kind {
        match self {
            Base::Text(_) => Kind::Text,
            Base::Image(_) => Kind::Image,
        }
    }

    /// The fingerprint of the model the run started from.
    pub fn fingerprint(&self) -> &str {
        match self {
            Base::Text(b) => &b.model.fingerprint,
            Base::Image(b) => &b.fingerprint,
        }
    }

    /// The whole model again: this frozen part under a trained top of its kind.
    pub fn with_top(self, top: Top) -> Result<AnyModel> {
        match (self, top) {
            (Base::Text(b), Top::Text(t)) => Ok(AnyModel::Text(b.with_top(t))),
            (Base::Image(b), Top::Image(t)) => Ok(AnyModel::Image(b.with_top(t))),
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
        })
    }
}
