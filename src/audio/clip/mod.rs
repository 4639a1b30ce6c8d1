//! The one rule that turns any decoded audio into what the sound network hears: one second,
//! mono, at 16 kHz. The CLI (after `audio::decode`) and the page (after `decodeAudioData`, at
//! the device's rate) both call [`to_clip`], so a file trains the same in both.
//!
//! Order: channels averaged → resampled to 16 kHz (`resample.rs`) → exactly 16,000 samples
//! (`window.rs`: the loudest second of a longer clip, a shorter one centred in silence). The
//! level is left as it is (the network takes the waveform in [−1, 1]).

mod resample;
mod window;

pub use resample::to_16k;
pub use window::{HOP, one_second};

/// The network's rate.
pub const SAMPLE_RATE: u32 = 16_000;
/// One second at [`SAMPLE_RATE`].
pub const CLIP_SAMPLES: usize = 16_000;
/// Shorter than this is refused: no word is that short, so it is a cut-off or empty recording.
pub const MIN_SECONDS: f64 = 0.1;
/// Longer than this is refused: it is a recording of many words, not a clip of one.
pub const MAX_SECONDS: f64 = 60.0;
/// Rates outside this range are refused: below 8 kHz speech is lost, above is no real device.
pub const MIN_RATE: u32 = 8_000;
pub const MAX_RATE: u32 = 384_000;
/// A clip whose loudest sample is below this (−60 dBFS) is silent: 16-bit audio's noise
/// floor is near −90 dBFS, and a word recorded even far from a microphone peaks above −40.
pub const SILENCE_PEAK: f32 = 1e-3;

/// What is wrong with a piece of audio, and what to do; shown after the file's name.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ClipError {
    #[error(
        "the audio has {samples} samples, which is not a whole number of frames of {channels} channel(s): decode it again"
    )]
    Layout { samples: usize, channels: usize },
    #[error(
        "the audio's sample rate is {rate} Hz, outside the {MIN_RATE}–{MAX_RATE} Hz this reads: save it again at 16, 44.1 or 48 kHz"
    )]
    Rate { rate: u32 },
    #[error(
        "sample {index} is not a number (NaN or infinite), so the file is damaged: export it again, or remove it"
    )]
    NotFinite { index: usize },
    #[error(
        "the clip is {seconds:.3} s long, shorter than the {MIN_SECONDS} s a spoken word takes: record the whole word (about 1 s), or remove it"
    )]
    TooShort { seconds: f64 },
    #[error(
        "the clip is {seconds:.1} s long, more than the {MAX_SECONDS} s read as one clip: cut it into one-word clips of about 1 s (e.g. in Audacity, or `sox in.wav out.wav trim START 1`)"
    )]
    TooLong { seconds: f64 },
    #[error(
        "the clip is silent (its loudest sample is {peak_db:.0} dBFS, below −60): record it again with the microphone on and closer, or remove it"
    )]
    Silent { peak_db: f64 },
    #[error("the audio could not be resampled to 16 kHz ({0}): save it again at 16 kHz")]
    Resample(String),
}

impl From<ClipError> for crate::error::Error {
    fn from(e: ClipError) -> Self {
        crate::error::Error::Data(Box::new(e))
    }
}

/// Interleaved `samples` of `channels` channels at `sample_rate` Hz (mono: `channels` 1) →
/// exactly [`CLIP_SAMPLES`] mono samples at [`SAMPLE_RATE`]. Refused with a [`ClipError`]:
/// a ragged layout, a rate outside [`MIN_RATE`]..=[`MAX_RATE`], NaN or infinite samples,
/// under [`MIN_SECONDS`] or over [`MAX_SECONDS`], or silent (below [`SILENCE_PEAK`]).
pub fn to_clip(samples: &[f32], channels: usize, sample_rate: u32) -> Result<Vec<f32>, ClipError> {
    if channels == 0 || samples.len() % channels != 0 {
        return Err(ClipError::Layout {
            samples: samples.len(),
            channels,
        });
    }
    if !(MIN_RATE..=MAX_RATE).contains(&sample_rate) {
        return Err(ClipError::Rate { rate: sample_rate });
    }
    if let Some(index) = samples.iter().position(|v| !v.is_finite()) {
        return Err(ClipError::NotFinite { index });
    }
    let seconds = (samples.len() / channels) as f64 / f64::from(sample_rate);
    if seconds < MIN_SECONDS {
        return Err(ClipError::TooShort { seconds });
    }
    if seconds > MAX_SECONDS {
        return Err(ClipError::TooLong { seconds });
    }
    let mono = mono(samples, channels);
    let clip = one_second(&to_16k(&mono, sample_rate).map_err(ClipError::Resample)?);
    let peak = clip.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if peak < SILENCE_PEAK {
        return Err(ClipError::Silent {
            peak_db: 20.0 * f64::from(peak.max(1e-10)).log10(),
        });
    }
    Ok(clip)
}

/// The average of the channels, frame by frame (a stereo file's two microphones hear the same
/// word; averaging keeps its level, where summing could clip).
pub fn mono(samples: &[f32], channels: usize) -> Vec<f32> {
    if channels <= 1 {
        return samples.to_vec();
    }
    samples
        .chunks_exact(channels)
        .map(|frame| frame.iter().sum::<f32>() / channels as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_at_48_khz_becomes_one_second_of_mono_at_16_khz() {
        // 2 s: silence, then a 0.3 s 1 kHz tone in the left channel only at 1.2–1.5 s
        let rate = 48_000;
        let mut x = vec![0.0f32; 2 * 2 * rate];
        for i in (rate * 6 / 5)..(rate * 3 / 2) {
            x[2 * i] = (2.0 * std::f32::consts::PI * 1_000.0 * i as f32 / rate as f32).sin();
        }
        let clip = to_clip(&x, 2, rate as u32).unwrap();
        assert_eq!(clip.len(), CLIP_SAMPLES);
        let peak = clip.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        // averaged with a silent right channel: 0.5 (measured 0.4974: 16 samples a period
        // need not land on the crest); summed it would be 1.0, the left channel alone too
        assert!((peak - 0.5).abs() < 0.01, "peak {peak}");
        // the whole 0.3 s tone is inside the chosen second: of its 4,800 samples, those above
        // 0.1 (|sin| > 0.2) are 87 % = 4,186 (measured 4,200); the first second would hold none
        let loud = clip.iter().filter(|v| v.abs() > 0.1).count();
        assert!(loud > 4_100, "{loud} loud samples kept");
    }

    #[test]
    fn bad_audio_is_refused_with_what_to_do() {
        let e = to_clip(&[0.5; 800], 1, 16_000).unwrap_err();
        assert_eq!(e, ClipError::TooShort { seconds: 0.05 });
        assert!(e.to_string().contains("record the whole word"), "{e}");
        assert!(matches!(
            to_clip(&[0.0; 16_000], 1, 16_000),
            Err(ClipError::Silent { .. })
        ));
        assert!(
            to_clip(&[1e-5; 16_000], 1, 16_000)
                .unwrap_err()
                .to_string()
                .contains("-100 dBFS")
        );
        assert_eq!(
            to_clip(&[0.5; 3], 2, 16_000),
            Err(ClipError::Layout {
                samples: 3,
                channels: 2
            })
        );
        assert_eq!(
            to_clip(&[0.5; 16_000], 1, 4_000),
            Err(ClipError::Rate { rate: 4_000 })
        );
        let mut nan = vec![0.5; 16_000];
        nan[7] = f32::NAN;
        assert_eq!(
            to_clip(&nan, 1, 16_000),
            Err(ClipError::NotFinite { index: 7 })
        );
        assert!(matches!(
            to_clip(&vec![0.5; 16_000 * 61], 1, 16_000),
            Err(ClipError::TooLong { .. })
        ));
    }
}
