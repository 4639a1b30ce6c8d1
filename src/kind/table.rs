//! The table of kinds: each kind's name, model files and words, read by every dispatch.
use crate::run::RunConfig;
use crate::task::TaskChoice;

/// The kinds of data tabtune fine-tunes on: the table every dispatch reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Image,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Text, Kind::Image];

    /// As the CLI, checkpoints and the page name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Image => "image",
        }
    }

    /// The files of a model folder of this kind (config.json first).
    pub fn model_files(self) -> &'static [&'static str] {
        match self {
            Kind::Text => &["config.json", "model.safetensors", "tokenizer.json"],
            Kind::Image => &["config.json", "model.safetensors"],
        }
    }

    /// What a model of this kind is made of, for messages ("BERT layers").
    pub fn units(self) -> &'static str {
        match self {
            Kind::Text => "BERT layers",
            Kind::Image => "EfficientNet blocks",
        }
    }

    /// Which kind a model folder's `config.json` describes: an image model names its
    /// `architecture` (a Hugging Face BERT config has `architectures`, a list, or nothing).
    pub fn of_config(config: &[u8]) -> Kind {
        let named = serde_json::from_slice::<serde_json::Value>(config).is_ok_and(|v| v.get("architecture").is_some_and(|a| a.is_string()));
        if named { Kind::Image } else { Kind::Text }
    }

    /// Which kind a run of these settings trains: `task: image` an image model, any other task
    /// a text model.
    pub fn of_run(cfg: &RunConfig) -> Kind {
        if cfg.task == TaskChoice::Image { Kind::Image } else { Kind::Text }
    }

    /// "a text run" / "an image run".
    pub fn a_run(self) -> &'static str {
        match self {
            Kind::Text => "a text run",
            Kind::Image => "an image run",
        }
    }

    /// What a resumed run must find again: the same rows, from the same source.
    pub fn same_data(self) -> &'static str {
        match self {
            Kind::Text => "other rows than the data loaded: load the same file (same columns)",
            Kind::Image => "other images than the data loaded: load the same folder (same classes and files)",
        }
    }

    /// "a text model" / "an image model".
    pub fn a_model(self) -> &'static str {
        match self {
            Kind::Text => "a text model",
            Kind::Image => "an image model",
        }
    }
}
