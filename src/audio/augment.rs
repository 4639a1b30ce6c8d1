//! Altered copies of training clips: the word moved in the second, spoken faster or slower
//! (and so higher or lower), louder or quieter, or under noise. A few recordings per class
//! from a few voices is what a class brings; these are the changes a new voice or room makes.
//! Each copy is drawn from the seed, the clip's samples and the copy's number, so a clip gets
//! the same copies in every fold and run (as text rows do, `data::augment`).
use crate::data::rng::Rng;
use crate::data::{AugOp, Augment};
use crate::fingerprint::fingerprint;

use super::clip::{SAMPLE_RATE, one_second, to_16k};

/// The largest move of the word, each way: 150 ms (the clip rule centres a short recording;
/// a live window catches the word anywhere).
const MAX_SHIFT: usize = 2_400;
/// Speed (and pitch) factors: ±10 %, about the spread between two adult voices' tracts.
const SPEED: (f64, f64) = (0.9, 1.1);
/// Gain in dB: −12 (a quiet or far voice) to +6 (clipped at ±1).
const GAIN_DB: (f64, f64) = (-12.0, 6.0);
/// Noise below the clip's level, in dB: 10 (a noisy room) to 30 (a quiet one).
const SNR_DB: (f64, f64) = (10.0, 30.0);

/// The alterations a sound run draws from when `augment.ops` is left out.
pub const SOUND_OPS: [AugOp; 4] = [AugOp::Shift, AugOp::Speed, AugOp::Gain, AugOp::Noise];

/// `copies` altered copies of each clip (originals not included), each with the operation
/// drawn for it, in clip order: (clip index, op, samples).
pub fn augment_clips(clips: &[&[f32]], aug: &Augment, seed: u64) -> Vec<(usize, AugOp, Vec<f32>)> {
    let ops = if aug.ops.is_empty() { SOUND_OPS.to_vec() } else { aug.ops.clone() };
    let mut out = Vec::with_capacity(clips.len() * aug.copies);
    for (i, clip) in clips.iter().enumerate() {
        let key = u64::from_str_radix(&fingerprint(&[bytemuck::cast_slice(clip)])[..16], 16).unwrap_or(0);
        for copy in 0..aug.copies {
            let mut rng = Rng::new(seed ^ key ^ (copy as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
            let op = ops[rng.below(ops.len())];
            out.push((i, op, alter(clip, op, &mut rng)));
        }
    }
    out
}

/// Uniform in [lo, hi).
fn uniform(rng: &mut Rng, (lo, hi): (f64, f64)) -> f64 {
    lo + (hi - lo) * (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// One altered copy of a one-second clip (still [`CLIP_SAMPLES`] long). A text op leaves the
/// clip as it is (the settings check refuses them for sounds).
pub fn alter(clip: &[f32], op: AugOp, rng: &mut Rng) -> Vec<f32> {
    match op {
        AugOp::Shift => {
            // at least 10 ms, so a copy always differs; silence fills the gap
            let by = 160 + rng.below(MAX_SHIFT - 160 + 1);
            let mut out = vec![0.0; clip.len()];
            if rng.below(2) == 0 {
                out[by..].copy_from_slice(&clip[..clip.len() - by]);
            } else {
                out[..clip.len() - by].copy_from_slice(&clip[by..]);
            }
            out
        }
        AugOp::Speed => {
            // read as if recorded at factor × 16 kHz: the same one-rule resampler and window
            let factor = uniform(rng, SPEED);
            let rate = (f64::from(SAMPLE_RATE) * factor).round() as u32;
            match to_16k(clip, rate) {
                Ok(x) => one_second(&x),
                Err(_) => clip.to_vec(),
            }
        }
        AugOp::Gain => {
            let g = 10f64.powf(uniform(rng, GAIN_DB) / 20.0) as f32;
            clip.iter().map(|v| (v * g).clamp(-1.0, 1.0)).collect()
        }
        AugOp::Noise => {
            let power = clip.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / clip.len().max(1) as f64;
            // uniform noise of amplitude a has power a²/3
            let a = (3.0 * power / 10f64.powf(uniform(rng, SNR_DB) / 10.0)).sqrt();
            clip.iter().map(|v| (f64::from(*v) + a * uniform(rng, (-1.0, 1.0))).clamp(-1.0, 1.0) as f32).collect()
        }
        AugOp::Delete | AugOp::Swap | AugOp::Crop => clip.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::clip::CLIP_SAMPLES;

    /// A 0.3 s tone burst at 0.35–0.65 s.
    fn word() -> Vec<f32> {
        (0..CLIP_SAMPLES)
            .map(|i| if (5_600..10_400).contains(&i) { 0.5 * (i as f32 * 0.2).sin() } else { 0.0 })
            .collect()
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn copies_are_seeded_one_second_and_differ() {
        let w = word();
        let aug = Augment { copies: 8, ops: Vec::new() };
        let a = augment_clips(&[&w], &aug, 3);
        assert_eq!(a.len(), 8);
        assert_eq!(a, augment_clips(&[&w], &aug, 3), "same seed, same copies");
        assert_ne!(a, augment_clips(&[&w], &aug, 4), "another seed, other copies");
        for (_, op, x) in &a {
            assert_eq!(x.len(), CLIP_SAMPLES, "{op:?}");
            assert_ne!(x, &w, "{op:?} changed nothing");
        }
    }

    #[test]
    fn each_op_does_what_it_says() {
        let w = word();
        let mut rng = Rng::new(1);
        let shifted = alter(&w, AugOp::Shift, &mut rng);
        let onset = |x: &[f32]| x.iter().position(|v| v.abs() > 0.0).unwrap_or(0) as i64;
        let moved = (onset(&shifted) - onset(&w)).abs();
        assert!((150..=MAX_SHIFT as i64 + 1).contains(&moved), "moved {moved}");
        let gained = alter(&w, AugOp::Gain, &mut rng);
        let db = 20.0 * (rms(&gained) / rms(&w)).log10();
        assert!((GAIN_DB.0 - 1e-3..GAIN_DB.1 + 1e-3).contains(&db), "{db} dB");
        let noisy = alter(&w, AugOp::Noise, &mut rng);
        let noise: Vec<f32> = noisy.iter().zip(&w).map(|(a, b)| a - b).collect();
        let snr = 20.0 * (rms(&w) / rms(&noise)).log10();
        assert!((SNR_DB.0 - 0.5..SNR_DB.1 + 0.5).contains(&snr), "{snr} dB");
        // f times faster: the burst lasts 1/f as long (the same cycles, f times closer)
        let fast = alter(&w, AugOp::Speed, &mut Rng::new(2));
        let loud = |x: &[f32]| x.iter().filter(|v| v.abs() > 0.05).count() as f64;
        let factor = loud(&w) / loud(&fast);
        assert!((SPEED.0 - 0.01..SPEED.1 + 0.01).contains(&factor) && (factor - 1.0).abs() > 1e-3, "speed {factor}");
    }
}
