//! The log-mel front end: 16 kHz mono samples → [frames, 32] features, the numbers
//! `melspectrogram.onnx` computes followed by openWakeWord's `x / 10 + 2`. Plain Rust on the
//! host (it runs once per clip, and on the live microphone in the tab): no autodiff, no device.
//!
//! What the ONNX graph does (read node by node in `mel_graph.rs`, which takes every constant
//! from the file):
//! 1. frames of `n_fft` = 512 samples every `hop` = 160, no centring or padding (a Conv1d with
//!    stride 160 over the raw samples): `(len − 512) / 160 + 1` frames, 97 for one second;
//! 2. the DFT of the windowed frame (the Conv's kernels are window·cos and −window·sin, the
//!    window being a 400-sample periodic Hann centred in 512), power = re² + im² over 257 bins;
//! 3. mel = power · melW (257 × 32, the file's own filterbank);
//! 4. dB = 10·ln(max(mel, 1e-10)) / ln 10 − 0, then max(dB, max over the whole input − 80).
//!
//! Here the DFT is an FFT (realfft) of the same window, in f64: onnxruntime's f32 convolution
//! is itself within ~5e-5 (in features) of the exact value, and f64 keeps ours at the exact one.
//! The "whole input" of step 4 is what one call is given: a clip here (openWakeWord's own clip
//! path), while the npm package's JS calls the graph per 80 ms chunk.
use std::fmt;
use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

use super::config::SpeechConfig;
use super::mel_graph::GraphConstants;
use crate::error::{Error, Result};

/// The constants of `melspectrogram.onnx` (see `mel_graph.rs`) and the config's scalings.
#[derive(Clone)]
pub struct MelFrontEnd {
    pub graph: GraphConstants,
    /// From config.json: ×32768 before, x / 10 + 2 after.
    pub input_scale: f64,
    pub feature_divisor: f64,
    pub feature_offset: f64,
    fft: Arc<dyn RealToComplex<f64>>,
}

impl fmt::Debug for MelFrontEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = &self.graph;
        write!(f, "MelFrontEnd {{ n_fft: {}, hop: {}, n_mels: {}, top_db: {} }}", g.n_fft, g.hop, g.n_mels, g.top_db)
    }
}

impl MelFrontEnd {
    /// The front end of `melspectrogram.onnx` (its bytes), with `cfg`'s scalings; the config's
    /// n_fft, hop and n_mels must be the graph's.
    pub fn from_onnx(bytes: &[u8], cfg: &SpeechConfig) -> Result<MelFrontEnd> {
        let g = super::mel_graph::read(bytes)?;
        let ours = [("n_fft", cfg.n_fft, g.n_fft), ("hop", cfg.hop, g.hop), ("n_mels", cfg.n_mels, g.n_mels)];
        for (name, c, o) in ours {
            if c != o {
                return Err(Error::Config(format!("{name} is {c} but melspectrogram.onnx computes {o}")));
            }
        }
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(g.n_fft);
        Ok(MelFrontEnd {
            graph: g,
            input_scale: cfg.input_scale as f64,
            feature_divisor: cfg.feature_divisor as f64,
            feature_offset: cfg.feature_offset as f64,
            fft,
        })
    }

    /// Frames the graph makes of `len` samples (0 when shorter than one frame).
    pub fn frames(&self, len: usize) -> usize {
        let g = &self.graph;
        if len < g.n_fft { 0 } else { (len - g.n_fft) / g.hop + 1 }
    }

    /// The features before the JS's scaling: dB as the ONNX graph outputs them,
    /// [frames, n_mels] row-major.
    pub fn db(&self, samples: &[f32]) -> Vec<f64> {
        let frames = self.frames(samples.len());
        let g = &self.graph;
        let bins = g.n_fft / 2 + 1;
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = vec![0.0f64; bins];
        let mut out = Vec::with_capacity(frames * g.n_mels);
        for f in 0..frames {
            let frame = &samples[f * g.hop..f * g.hop + g.n_fft];
            for ((x, &s), &w) in input.iter_mut().zip(frame).zip(&g.window) {
                *x = s as f64 * self.input_scale * w;
            }
            // The lengths come from the plan itself, so this cannot fail.
            if self.fft.process_with_scratch(&mut input, &mut spectrum, &mut scratch).is_err() {
                unreachable!("realfft buffers made by the same plan");
            }
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.re * c.re + c.im * c.im;
            }
            for m in 0..g.n_mels {
                let mel: f64 = power.iter().enumerate().map(|(k, p)| p * g.filters[k * g.n_mels + m]).sum();
                out.push(mel.max(g.amin).ln() * g.db_mul / g.db_div - g.db_ref);
            }
        }
        let floor = out.iter().copied().fold(f64::NEG_INFINITY, f64::max) - g.top_db;
        out.iter_mut().for_each(|v| *v = v.max(floor));
        out
    }

    /// The network's input features for `samples` (16 kHz mono in [-1, 1]):
    /// dB / feature_divisor + feature_offset, [frames, n_mels] row-major.
    pub fn features(&self, samples: &[f32]) -> Vec<f32> {
        self.db(samples).into_iter().map(|v| (v / self.feature_divisor + self.feature_offset) as f32).collect()
    }
}
