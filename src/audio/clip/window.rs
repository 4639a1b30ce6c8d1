//! Exactly one second from a clip of any length: the loudest second of a longer one, a
//! shorter one centred in silence.

use super::CLIP_SAMPLES;

/// 10 ms at 16 kHz: the step at which the loudest window is searched.
pub const HOP: usize = 160;

/// `CLIP_SAMPLES` samples out of `x` (at 16 kHz). Longer: the window with the most energy (sum
/// of squares), among those starting on a 10 ms hop (and the one ending at the last sample),
/// the earliest on a tie. Recordings and uploads hold silence or breath around the word, and
/// the word is the loud part; a fixed start (the first second) would often cut it. Shorter:
/// zero-padded on both sides, the extra sample (if odd) after, so the word stays in the middle
/// as in the one-second clips the network was trained on.
pub fn one_second(x: &[f32]) -> Vec<f32> {
    if x.len() <= CLIP_SAMPLES {
        let before = (CLIP_SAMPLES - x.len()) / 2;
        let mut out = vec![0.0; CLIP_SAMPLES];
        out[before..before + x.len()].copy_from_slice(x);
        return out;
    }
    let start = loudest_start(x);
    x[start..start + CLIP_SAMPLES].to_vec()
}

/// Where the loudest `CLIP_SAMPLES` window starts; `x` is longer than that.
fn loudest_start(x: &[f32]) -> usize {
    // prefix sums of squares in f64: a minute of audio summed in f32 would lose the small terms
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0f64);
    let mut sum = 0.0;
    for &v in x {
        sum += f64::from(v) * f64::from(v);
        prefix.push(sum);
    }
    let last = x.len() - CLIP_SAMPLES;
    let energy = |s: usize| prefix[s + CLIP_SAMPLES] - prefix[s];
    let mut best = (0, energy(0));
    for s in (HOP..=last).step_by(HOP).chain(std::iter::once(last)) {
        if energy(s) > best.1 {
            best = (s, energy(s));
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Silence of `len` with a burst of 0.5 over `at`.
    fn burst(len: usize, at: std::ops::Range<usize>) -> Vec<f32> {
        let mut x = vec![0.0; len];
        x[at].fill(0.5);
        x
    }

    #[test]
    fn a_long_clip_keeps_the_second_around_the_word() {
        // 3 s of silence with a 0.4 s "word" at 2.0–2.4 s: the window must hold all of it
        let x = burst(48_000, 32_000..38_400);
        let clip = one_second(&x);
        assert_eq!(clip.len(), CLIP_SAMPLES);
        let kept = clip.iter().filter(|v| **v != 0.0).count();
        assert_eq!(kept, 6_400, "the whole word is inside the window");
        // a faint hum all along does not move it
        let hum: Vec<f32> = x
            .iter()
            .enumerate()
            .map(|(i, v)| v + 0.01 * ((i % 7) as f32 - 3.0) / 3.0)
            .collect();
        let start = loudest_start(&hum);
        assert!(
            start <= 32_000 && start + CLIP_SAMPLES >= 38_400,
            "start {start}"
        );
    }

    #[test]
    fn the_word_at_the_very_end_is_reached() {
        // the last window ends at the last sample, whatever the hop grid
        let x = burst(16_000 + 250, 16_000..16_250);
        let clip = one_second(&x);
        assert_eq!(clip.iter().filter(|v| **v != 0.0).count(), 250);
    }

    #[test]
    fn a_short_clip_is_centred() {
        let clip = one_second(&[1.0; 4_001]);
        assert_eq!(clip.len(), CLIP_SAMPLES);
        let first = clip.iter().position(|v| *v != 0.0).unwrap();
        assert_eq!(first, 5_999, "(16000 − 4001) / 2 zeros before");
        assert_eq!(clip[first..first + 4_001], [1.0; 4_001]);
        assert_eq!(
            one_second(&burst(CLIP_SAMPLES, 0..10)),
            burst(CLIP_SAMPLES, 0..10),
            "one second is kept as is"
        );
    }
}
