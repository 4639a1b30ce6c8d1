//! The sound model's `config.json`: the front end's numbers (what the samples are scaled by, the
//! STFT, the mel bins, the JS's feature scaling) and the clip → windows rule. The STFT and mel
//! numbers are also in `melspectrogram.onnx`; `mel.rs` checks the two agree. Unknown fields are
//! kept (a fine-tuned export adds its own) so writing the config back loses nothing.
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What the network was built for: windows of 76 frames × 32 mel bins in, 96 numbers out.
pub const WINDOW_FRAMES: usize = 76;
pub const N_MELS: usize = 32;
pub const EMBEDDING_DIM: usize = 96;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpeechConfig {
    /// "speech_embedding" (Google's, as openWakeWord re-built it): the only one `net.rs` knows.
    pub architecture: String,
    /// Samples per second the front end expects (16000: the only rate the filters are for).
    pub sample_rate: usize,
    /// Samples in [-1, 1] are multiplied by this before the STFT: openWakeWord feeds 16-bit PCM
    /// values (±32768) as floats, and the log-mel has no reference level, so the scale is part
    /// of the features (×32768 moves every feature by +9.03).
    pub input_scale: f32,
    pub n_fft: usize,
    /// Samples between frames (10 ms).
    pub hop: usize,
    pub n_mels: usize,
    /// Features = dB / `feature_divisor` + `feature_offset`, as openWakeWord's
    /// `_get_melspectrogram` and the npm package's JS do before the embedding model.
    pub feature_divisor: f32,
    pub feature_offset: f32,
    /// Frames in one window of the network's input (76 = 0.775 s).
    pub window_frames: usize,
    /// Frames between windows (8 = 80 ms, openWakeWord's step).
    pub window_stride: usize,
    /// Outputs per window.
    pub embedding_dim: usize,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SpeechConfig {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let cfg: SpeechConfig = serde_path_to_error::deserialize(de).map_err(|e| Error::Config(format!("{e}")))?;
        cfg.check()?;
        Ok(cfg)
    }

    fn check(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::Config(msg));
        if self.architecture != "speech_embedding" {
            return bad(format!("architecture '{}' is not supported: use speech_embedding", self.architecture));
        }
        let fixed = [("window_frames", self.window_frames, WINDOW_FRAMES), ("n_mels", self.n_mels, N_MELS), ("embedding_dim", self.embedding_dim, EMBEDDING_DIM)];
        for (name, got, want) in fixed {
            if got != want {
                return bad(format!("{name} is {got}, but speech_embedding is built for {want}"));
            }
        }
        if self.sample_rate != 16000 {
            return bad(format!("sample_rate {} : speech_embedding's mel filters are for 16000 Hz", self.sample_rate));
        }
        if !(1..=self.window_frames).contains(&self.window_stride) {
            return bad(format!("window_stride {} must be between 1 and window_frames ({})", self.window_stride, self.window_frames));
        }
        // n_fft and hop are checked against melspectrogram.onnx when the front end loads.
        if !(1..=1 << 16).contains(&self.n_fft) || !(1..=self.n_fft).contains(&self.hop) {
            return bad(format!("n_fft {} / hop {}: need 1 ≤ hop ≤ n_fft ≤ 65536", self.n_fft, self.hop));
        }
        let scales = [self.input_scale, self.feature_divisor, self.feature_offset];
        if scales.iter().any(|v| !v.is_finite()) || self.input_scale <= 0.0 || self.feature_divisor == 0.0 {
            return bad(format!("input_scale {} must be positive, feature_divisor {} non-zero, both finite", self.input_scale, self.feature_divisor));
        }
        Ok(())
    }

    /// A fine-tuned model's classes (config.json's `labels`); none for the base.
    pub fn labels(&self) -> Vec<String> {
        self.extra.get("labels").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
    }

    /// The fewest samples that make one window: n_fft + (window_frames − 1)·hop (12,512 = 0.78 s).
    pub fn window_samples(&self) -> usize {
        self.n_fft + (self.window_frames - 1) * self.hop
    }
}
