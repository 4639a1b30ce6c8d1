//! A loaded model of any kind, and what the pipeline asks of it.
use burn::prelude::Device;

use super::table::Kind;
use super::{audio, image, text};
use crate::error::{Error, Result};
use crate::text::{Model, ModelFiles};
use crate::run::RunConfig;
use crate::task::Task;
use crate::audio::SpeechModel;
use crate::image::ImageModel;

/// A loaded model of any kind: a base model, or one fine-tuned here.
#[derive(Clone)]
pub enum AnyModel {
    Text(Model),
    Image(ImageModel),
    Audio(SpeechModel),
}

impl From<Model> for AnyModel {
    fn from(m: Model) -> Self {
        AnyModel::Text(m)
    }
}

impl From<ImageModel> for AnyModel {
    fn from(m: ImageModel) -> Self {
        AnyModel::Image(m)
    }
}

impl From<SpeechModel> for AnyModel {
    fn from(m: SpeechModel) -> Self {
        AnyModel::Audio(m)
    }
}

impl AnyModel {
    /// A model from its folder's files, of the kind its `config.json` describes (`file` gives
    /// a file's bytes by name; a text model also needs `tokenizer.json`).
    pub fn load<'a>(file: impl Fn(&str) -> Option<&'a [u8]>, device: &Device) -> Result<AnyModel> {
        let config = file("config.json").ok_or_else(|| missing("config.json"))?;
        let kind = Kind::of_config(config);
        // a sound base may come as its package ships it (embedding_model.onnx)
        let weights = file("model.safetensors").or_else(|| kind.original_weights().and_then(&file)).ok_or_else(|| missing("model.safetensors"))?;
        match kind {
            Kind::Text => {
                let tokenizer = file("tokenizer.json").ok_or_else(|| missing("tokenizer.json"))?;
                Ok(AnyModel::Text(Model::load(&ModelFiles { config, weights, tokenizer }, device)?))
            }
            Kind::Image => Ok(AnyModel::Image(ImageModel::from_files(config, weights, device)?)),
            Kind::Audio => {
                let mel = file(crate::audio::MELSPECTROGRAM_FILE).ok_or_else(|| missing(crate::audio::MELSPECTROGRAM_FILE))?;
                Ok(AnyModel::Audio(SpeechModel::from_files(config, weights, mel, device)?))
            }
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            AnyModel::Text(_) => Kind::Text,
            AnyModel::Image(_) => Kind::Image,
            AnyModel::Audio(_) => Kind::Audio,
        }
    }

    /// Identifies the files the model was loaded (or fine-tuned) from.
    pub fn fingerprint(&self) -> &str {
        match self {
            AnyModel::Text(m) => &m.fingerprint,
            AnyModel::Image(m) => &m.fingerprint,
            AnyModel::Audio(m) => &m.fingerprint,
        }
    }

    /// The names of the head's outputs, when it has a head (an image model always has one:
    /// ImageNet's classes, or those it was fine-tuned on).
    pub fn labels(&self) -> Option<Vec<String>> {
        match self {
            AnyModel::Text(m) => m.labels(),
            AnyModel::Image(m) => Some(m.config.labels.clone()),
            AnyModel::Audio(m) => m.head.is_some().then(|| m.config.labels()),
        }
    }

    /// The task its head was trained for (an image model: one class per image).
    pub fn task(&self) -> Task {
        match self {
            AnyModel::Text(m) => m.task(),
            AnyModel::Image(_) | AnyModel::Audio(_) => Task::Classification,
        }
    }

    /// Multi-label: the probability from which a label is predicted.
    pub fn threshold(&self) -> f32 {
        match self {
            AnyModel::Text(m) => m.threshold(),
            AnyModel::Image(_) | AnyModel::Audio(_) => 0.5,
        }
    }

    /// Whether its head was trained here (what `init: continue` builds on).
    pub fn fine_tuned(&self) -> bool {
        match self {
            AnyModel::Text(m) => m.config.extra.contains_key("tabtune"),
            AnyModel::Image(m) => m.config.extra.contains_key("tabtune"),
            AnyModel::Audio(m) => m.config.extra.contains_key("tabtune"),
        }
    }

    /// What it is, for the page to show: its kind, fingerprint and shape (text: layers, sizes,
    /// labels; image: blocks, image_size and how many classes).
    pub fn describe(&self) -> serde_json::Value {
        match self {
            AnyModel::Text(m) => text::describe(m),
            AnyModel::Image(m) => image::describe(m),
            AnyModel::Audio(m) => audio::describe(m),
        }
    }

    /// Whether it comes with a head for a task of its own: a text model with a classification
    /// head, an image model fine-tuned here (an image base's ImageNet classes are what it was
    /// pretrained on, not a task someone trained it for).
    pub fn has_task_head(&self) -> bool {
        match self {
            AnyModel::Text(m) => m.head.is_some(),
            AnyModel::Image(_) => self.fine_tuned(),
            AnyModel::Audio(m) => m.head.is_some(),
        }
    }

    /// The text model, for what only text models do (embeddings, attention, contrastive).
    pub fn text(&self) -> Result<&Model> {
        match self {
            AnyModel::Text(m) => Ok(m),
            other => Err(other.only(Kind::Text)),
        }
    }

    pub fn into_text(self) -> Result<Model> {
        match self {
            AnyModel::Text(m) => Ok(m),
            other => Err(other.only(Kind::Text)),
        }
    }

    pub fn image(&self) -> Result<&ImageModel> {
        match self {
            AnyModel::Image(m) => Ok(m),
            other => Err(other.only(Kind::Image)),
        }
    }

    pub fn audio(&self) -> Result<&SpeechModel> {
        match self {
            AnyModel::Audio(m) => Ok(m),
            other => Err(other.only(Kind::Audio)),
        }
    }

    pub fn into_image(self) -> Result<ImageModel> {
        match self {
            AnyModel::Image(m) => Ok(m),
            other => Err(other.only(Kind::Image)),
        }
    }

    /// Makes `cfg` concrete for this model (`layers: all` is its layers or blocks; an image
    /// model's classification is task image) and checks every setting against it, refusing
    /// the other kind's settings by name.
    pub fn settle(&self, cfg: &mut RunConfig) -> Result<()> {
        match self {
            AnyModel::Text(m) => text::settle(&m.config, cfg),
            AnyModel::Image(m) => image::settle(m, cfg),
            AnyModel::Audio(_) => audio::settle(cfg),
        }
    }

    /// Writes into its config.json what a run trained: the labels, the task, the settings the
    /// model must be used with, the epoch its weights are from.
    pub(crate) fn mark(&mut self, labels: &[String], task: Task, cfg: &RunConfig, epoch: usize) {
        match self {
            AnyModel::Text(m) => text::mark(&mut m.config, labels, task, cfg, epoch),
            AnyModel::Image(m) => image::mark(&mut m.config, labels, cfg, epoch),
            AnyModel::Audio(m) => audio::mark(&mut m.config, labels, cfg, epoch),
        }
    }

    pub(crate) fn set_fingerprint(&mut self, fingerprint: String) {
        match self {
            AnyModel::Text(m) => m.fingerprint = fingerprint,
            AnyModel::Image(m) => m.fingerprint = fingerprint,
            AnyModel::Audio(m) => m.fingerprint = fingerprint,
        }
    }

    /// The model with a finished checkpoint's trained part (trained with `cfg`, `outputs`
    /// wide) in place of its own.
    pub(crate) fn with_saved_top(self, bytes: &[u8], cfg: &RunConfig, outputs: usize, device: &Device) -> Result<AnyModel> {
        Ok(match self {
            AnyModel::Text(m) => AnyModel::Text(text::with_saved_top(m, bytes, cfg, outputs, device)?),
            AnyModel::Image(m) => AnyModel::Image(image::with_saved_top(m, bytes, cfg, outputs, device)?),
            AnyModel::Audio(m) => AnyModel::Audio(audio::with_saved_top(m, bytes, cfg, outputs, device)?),
        })
    }

    fn only(&self, wanted: Kind) -> Error {
        Error::Settings(format!("this works on {} only, and the model is {}", plural(wanted), self.kind().a_model()))
    }
}

fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text models",
        Kind::Image => "image models",
        Kind::Audio => "sound models",
    }
}

fn missing(file: &str) -> Error {
    Error::Io(format!("the model has no {file}: a model folder holds config.json, model.safetensors and (text models) tokenizer.json or (sound models) melspectrogram.onnx"))
}
