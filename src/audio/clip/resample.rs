//! Any sample rate → 16 kHz, with rubato's band-limited (windowed-sinc) resampler: the page
//! gets audio at the device's rate (44.1 or 48 kHz mostly), files come at any rate, and the
//! network hears 16 kHz only.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Async, FixedAsync, Resampler, SincInterpolationParameters, WindowFunction};

use super::SAMPLE_RATE;

/// Mono samples at `rate` → mono samples at [`SAMPLE_RATE`], `len × 16000 / rate` of them
/// (rounded up), aligned with the input (rubato trims its filter delay). 16 kHz in is returned
/// as is. A 256-tap sinc with a Blackman-Harris window and an automatic cutoff (rubato's
/// defaults) keeps aliasing below the window's sidelobes (the test measures −141 dB);
/// no FFT resampler, so rustfft stays out of the wasm module. `rate` must be positive (the
/// caller checks its range).
pub fn to_16k(mono: &[f32], rate: u32) -> Result<Vec<f32>, String> {
    if rate == SAMPLE_RATE || mono.is_empty() {
        return Ok(mono.to_vec());
    }
    let ratio = f64::from(SAMPLE_RATE) / f64::from(rate);
    let params = SincInterpolationParameters::new(256, WindowFunction::BlackmanHarris2);
    // 1024-frame chunks: process_all loops over them; the ratio never changes (1.0 relative)
    let mut resampler = Async::<f32>::new_sinc(ratio, 1.0, &params, 1024, 1, FixedAsync::Input)
        .map_err(|e| e.to_string())?;
    let input = InterleavedSlice::new(mono, 1, mono.len()).map_err(|e| e.to_string())?;
    let out = resampler
        .process_all(&input, mono.len(), None)
        .map_err(|e| e.to_string())?;
    Ok(out.take_data())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, seconds: f64, amplitude: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| {
                (amplitude * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    as f32
            })
            .collect()
    }

    /// Amplitude of the component at `freq` (a single DFT bin, Hann-windowed, normalised so a
    /// sine of amplitude A reads A).
    fn amplitude_at(x: &[f32], freq: f64, rate: u32) -> f64 {
        let n = x.len() as f64;
        let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
        for (i, &v) in x.iter().enumerate() {
            let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n).cos();
            let phase = 2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate);
            re += w * f64::from(v) * phase.cos();
            im += w * f64::from(v) * phase.sin();
            wsum += w;
        }
        2.0 * (re * re + im * im).sqrt() / wsum
    }

    /// Frequency from upward zero crossings, between the first and the last one.
    fn zero_crossing_hz(x: &[f32], rate: u32) -> f64 {
        let ups: Vec<f64> = x
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
            .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
            .collect();
        let (first, last) = (ups[0], ups[ups.len() - 1]);
        (ups.len() - 1) as f64 * f64::from(rate) / (last - first)
    }

    #[test]
    fn a_440_hz_sine_at_44_1_khz_keeps_its_pitch_and_level() {
        let out = to_16k(&sine(440.0, 44_100, 1.0, 0.5), 44_100).unwrap();
        assert_eq!(out.len(), 16_000);
        // the ends hold the filter's ramp; the middle is steady
        let middle = &out[1_000..15_000];
        let hz = zero_crossing_hz(middle, 16_000);
        // measured 439.99998 Hz; a wrong ratio (e.g. 48 kHz assumed) would read 404 or 479
        assert!((hz - 440.0).abs() < 0.01, "{hz} Hz");
        let a = amplitude_at(middle, 440.0, 16_000);
        // measured 0.500000 (to 6 digits): the filter's passband is flat at 440 Hz
        assert!((a - 0.5).abs() < 0.001, "amplitude {a}");
    }

    #[test]
    fn what_16_khz_cannot_hold_is_filtered_not_folded_back() {
        // 10 kHz is above the new Nyquist (8 kHz): without the filter it would fold to 6 kHz
        let out = to_16k(&sine(10_000.0, 48_000, 1.0, 0.5), 48_000).unwrap();
        let alias = amplitude_at(&out[1_000..15_000], 6_000.0, 16_000);
        // measured 4.4e-8 (−141 dB of the tone); unfiltered it would be the tone's own 0.5
        assert!(
            alias < 5e-6,
            "6 kHz alias at {alias} (−100 dB of 0.5 is 5e-6)"
        );
        assert_eq!(
            to_16k(&[0.25; 3], 16_000).unwrap(),
            [0.25; 3],
            "16 kHz passes through"
        );
    }
}
