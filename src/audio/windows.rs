//! A clip → the network's windows → one embedding per clip: the rule, in one place.
//!
//! 1. A clip shorter than one window (`window_samples`: 512 + 75·160 = 12,512 samples, 0.78 s)
//!    gets zeros appended up to it, so every clip has at least one window.
//! 2. Its log-mel frames, all at once (`mel.rs`; the −80 dB floor is relative to the clip's
//!    loudest frame): 97 frames for one second.
//! 3. Windows of 76 frames starting every 8 frames while a whole one fits (openWakeWord's
//!    `_get_embeddings`): one second → starts 0, 8, 16 → 3 windows; the last (frames − 76) mod 8
//!    frames are in none (5 of one second's 97).
//! 4. The clip's embedding is the mean of its windows' 96 outputs (`pool`), taken after the
//!    trainable top so it trains through it.
use burn::prelude::*;

use super::config::SpeechConfig;
use super::mel::MelFrontEnd;

/// A clip's windows: `count` × [window_frames, n_mels] features, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipWindows {
    pub count: usize,
    pub values: Vec<f32>,
}

impl ClipWindows {
    /// [count, window_frames, n_mels].
    pub fn tensor(&self, cfg: &SpeechConfig, device: &Device) -> Tensor<3> {
        Tensor::from_data(TensorData::new(self.values.clone(), [self.count, cfg.window_frames, cfg.n_mels]), device)
    }
}

/// The first frame of each window of a clip of `frames` frames.
pub fn window_starts(frames: usize, cfg: &SpeechConfig) -> Vec<usize> {
    (0..frames.saturating_sub(cfg.window_frames) + 1).step_by(cfg.window_stride).filter(|s| s + cfg.window_frames <= frames).collect()
}

/// 16 kHz mono samples in [-1, 1] → the clip's windows (steps 1 to 3).
pub fn clip_windows(front: &MelFrontEnd, cfg: &SpeechConfig, samples: &[f32]) -> ClipWindows {
    let padded;
    let samples = if samples.len() < cfg.window_samples() {
        padded = [samples, &vec![0.0; cfg.window_samples() - samples.len()]].concat();
        &padded[..]
    } else {
        samples
    };
    let features = front.features(samples);
    let frames = features.len() / cfg.n_mels;
    let starts = window_starts(frames, cfg);
    let size = cfg.window_frames * cfg.n_mels;
    let values = starts.iter().flat_map(|s| &features[s * cfg.n_mels..s * cfg.n_mels + size]).copied().collect();
    ClipWindows { count: starts.len(), values }
}

/// Step 4: windows' embeddings [Σ counts, d], clip after clip → each clip's mean [clips, d].
/// One matrix product with a [clips, Σ counts] averaging matrix, so gradients reach every window.
pub fn pool(embeddings: Tensor<2>, counts: &[usize]) -> Tensor<2> {
    let total: usize = counts.iter().sum();
    let mut avg = vec![0.0f32; counts.len() * total];
    let mut first = 0;
    for (c, &n) in counts.iter().enumerate() {
        avg[c * total + first..c * total + first + n].fill(1.0 / n as f32);
        first += n;
    }
    let avg = Tensor::from_data(TensorData::new(avg, [counts.len(), total]), &embeddings.device());
    avg.matmul(embeddings)
}
