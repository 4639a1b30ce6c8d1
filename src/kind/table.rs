//! The table of kinds: each kind's name, model files and words, read by every dispatch.
use crate::run::RunConfig;
use crate::task::TaskChoice;

/// The kinds of data tabtune fine-tunes on: the table every dispatch reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Image,
    Audio,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Text, Kind::Image, Kind::Audio];

    /// As the CLI, checkpoints and the page name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Image => "image",
            Kind::Audio => "audio",
        }
    }

    /// The files of a model folder of this kind (config.json first).
    pub fn model_files(self) -> &'static [&'static str] {
        match self {
            Kind::Text => &["config.json", "model.safetensors", "tokenizer.json"],
            Kind::Image => &["config.json", "model.safetensors"],
            // the front end's constants (window, mel filters) live in the ONNX file it came as
            Kind::Audio => &["config.json", "model.safetensors", "melspectrogram.onnx"],
        }
    }

    /// The weights file a base of this kind may come as instead of `model.safetensors`: the
    /// sound model's `embedding_model.onnx` as its package ships it (read by its initializers).
    pub fn original_weights(self) -> Option<&'static str> {
        match self {
            Kind::Audio => Some("embedding_model.onnx"),
            Kind::Text | Kind::Image => None,
        }
    }

    /// The names a folder with this `config.json` may keep its weights under, the likelier
    /// first: a base (no `labels`) of a kind shipped in another file comes as its package ships
    /// it; a fine-tuned model always as `model.safetensors`.
    pub fn weights_files(config: &[u8]) -> Vec<&'static str> {
        let kind = Kind::of_config(config);
        let tuned = serde_json::from_slice::<serde_json::Value>(config).ok().is_some_and(|v| v.get("labels").is_some());
        match kind.original_weights() {
            Some(original) if !tuned => vec![original, "model.safetensors"],
            Some(original) => vec!["model.safetensors", original],
            None => vec!["model.safetensors"],
        }
    }

    /// What a model of this kind is made of, for messages ("BERT layers").
    pub fn units(self) -> &'static str {
        match self {
            Kind::Text => "BERT layers",
            Kind::Image => "EfficientNet blocks",
            Kind::Audio => "speech_embedding blocks",
        }
    }

    /// Which kind a model folder's `config.json` describes: an image or sound model names its
    /// `architecture` ("speech_embedding" is the sound one; a Hugging Face BERT config has
    /// `architectures`, a list, or nothing).
    pub fn of_config(config: &[u8]) -> Kind {
        let value = serde_json::from_slice::<serde_json::Value>(config).ok();
        match value.as_ref().and_then(|v| v.get("architecture")).and_then(|a| a.as_str()) {
            Some("speech_embedding") => Kind::Audio,
            Some(_) => Kind::Image,
            None => Kind::Text,
        }
    }

    /// Which kind a run of these settings trains: `task: image` an image model, any other task
    /// a text model.
    pub fn of_run(cfg: &RunConfig) -> Kind {
        match cfg.task {
            TaskChoice::Image => Kind::Image,
            TaskChoice::Audio => Kind::Audio,
            _ => Kind::Text,
        }
    }

    /// "a text run" / "an image run".
    pub fn a_run(self) -> &'static str {
        match self {
            Kind::Text => "a text run",
            Kind::Image => "an image run",
            Kind::Audio => "a sound run",
        }
    }

    /// What a resumed run must find again: the same rows, from the same source.
    pub fn same_data(self) -> &'static str {
        match self {
            Kind::Text => "other rows than the data loaded: load the same file (same columns)",
            Kind::Image => "other images than the data loaded: load the same folder (same classes and files)",
            Kind::Audio => "other clips than the data loaded: load the same folder (same classes and files)",
        }
    }

    /// "a text model" / "an image model".
    pub fn a_model(self) -> &'static str {
        match self {
            Kind::Text => "a text model",
            Kind::Image => "an image model",
            Kind::Audio => "a sound model",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn a_sound_base_is_fetched_as_its_package_ships_it_and_a_tuned_model_as_safetensors() {
        let base = br#"{"architecture": "speech_embedding", "n_mels": 32}"#;
        let tuned = br#"{"architecture": "speech_embedding", "labels": ["yes", "no"]}"#;
        assert_eq!(Kind::weights_files(base), ["embedding_model.onnx", "model.safetensors"]);
        assert_eq!(Kind::weights_files(tuned), ["model.safetensors", "embedding_model.onnx"]);
        assert_eq!(Kind::weights_files(br#"{"hidden_size": 384}"#), ["model.safetensors"]);
        assert_eq!(Kind::weights_files(br#"{"architecture": "efficientnet-lite0"}"#), ["model.safetensors"]);
    }
}
