//! Pixels → the network's input: resize the shorter side, centre crop, normalise, CHW.
//!
//! The resize is Pillow's `Image.resize(..., BICUBIC)` for 8-bit RGB, reproduced step for step
//! (libImaging/Resample.c), because the PyTorch reference preprocesses with it and ImageNet
//! models are evaluated that way: the cubic kernel with a = −0.5, its support widened by the
//! downscale factor (antialiasing), coefficients normalised per output pixel and rounded to
//! 22-bit fixed point, the horizontal pass first into an 8-bit image (rounded and clipped),
//! then the vertical pass. Plain Rust, so the browser's worker gets the same numbers.

/// Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits.
const PRECISION_BITS: u32 = 22;

fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// One output pixel's source range and fixed-point weights.
struct Taps {
    start: usize,
    weights: Vec<i32>,
}

/// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for `in_size` → `out_size`.
fn coefficients(in_size: usize, out_size: usize) -> Vec<Taps> {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = 2.0 * filterscale;
    (0..out_size)
        .map(|xx| {
            let center = (xx as f64 + 0.5) * scale;
            // C's (int) cast truncates toward zero; negatives clamp to 0 anyway.
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
            let raw: Vec<f64> = (xmin..xmax).map(|x| bicubic((x as f64 - center + 0.5) / filterscale)).collect();
            let total: f64 = raw.iter().sum();
            let weights = raw
                .iter()
                .map(|w| {
                    let w = if total != 0.0 { w / total } else { *w };
                    let f = w * (1u32 << PRECISION_BITS) as f64;
                    (if f < 0.0 { f - 0.5 } else { f + 0.5 }) as i32
                })
                .collect();
            Taps { start: xmin, weights }
        })
        .collect()
}

fn clip8(acc: i64) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// RGB8 `src` (w × h) → RGB8 (out_w × out_h), as Pillow's BICUBIC resize.
pub fn resize_bicubic(src: &[u8], w: usize, h: usize, out_w: usize, out_h: usize) -> Vec<u8> {
    let round = 1i64 << (PRECISION_BITS - 1);
    // Horizontal pass (skipped, as Pillow does, when the width stays).
    let horizontal = if out_w != w {
        let taps = coefficients(w, out_w);
        let mut tmp = vec![0u8; out_w * h * 3];
        for y in 0..h {
            let row = &src[y * w * 3..(y + 1) * w * 3];
            for (xx, t) in taps.iter().enumerate() {
                for c in 0..3 {
                    let acc = t.weights.iter().enumerate().fold(round, |acc, (i, &k)| acc + row[(t.start + i) * 3 + c] as i64 * k as i64);
                    tmp[(y * out_w + xx) * 3 + c] = clip8(acc);
                }
            }
        }
        tmp
    } else {
        src.to_vec()
    };
    if out_h == h {
        return horizontal;
    }
    let taps = coefficients(h, out_h);
    let mut out = vec![0u8; out_w * out_h * 3];
    for (yy, t) in taps.iter().enumerate() {
        for x in 0..out_w * 3 {
            let acc = t.weights.iter().enumerate().fold(round, |acc, (i, &k)| acc + horizontal[(t.start + i) * out_w * 3 + x] as i64 * k as i64);
            out[yy * out_w * 3 + x] = clip8(acc);
        }
    }
    out
}

/// The side lengths after scaling the shorter side to `resize` (Python's round, half to even,
/// as the reference computes them).
pub fn resized_dims(w: usize, h: usize, resize: usize) -> (usize, usize) {
    let sc = resize as f64 / w.min(h) as f64;
    let r = |v: usize| ((v as f64 * sc).round_ties_even() as usize).max(1);
    (r(w), r(h))
}

/// RGB8 row-major `rgb` (w·h·3) → CHW f32 [3, crop, crop], normalised with `mean`/`std`:
/// the shorter side scaled to `resize` (bicubic, as Pillow), then a centre crop of `crop`
/// (`resize` 256 / `crop` 224 is ImageNet's evaluation; `resize == crop` gives a square for
/// training). An image smaller than the crop after resizing is padded with black.
pub fn preprocess(rgb: &[u8], w: usize, h: usize, resize: usize, crop: usize, mean: [f32; 3], std: [f32; 3]) -> Vec<f32> {
    let (rw, rh) = resized_dims(w, h, resize);
    let img = if (rw, rh) == (w, h) { rgb.to_vec() } else { resize_bicubic(rgb, w, h, rw, rh) };
    // Pillow's crop box starts at (size − crop) // 2; negative means padding.
    let left = (rw as i64 - crop as i64).div_euclid(2);
    let top = (rh as i64 - crop as i64).div_euclid(2);
    let mut out = vec![0f32; 3 * crop * crop];
    for c in 0..3 {
        for y in 0..crop {
            for x in 0..crop {
                let (sx, sy) = (x as i64 + left, y as i64 + top);
                let v = if sx >= 0 && sy >= 0 && (sx as usize) < rw && (sy as usize) < rh {
                    img[(sy as usize * rw + sx as usize) * 3 + c] as f32
                } else {
                    0.0
                };
                // as numpy does it: /255 in f32, the rest in f64
                out[(c * crop + y) * crop + x] = (((v / 255.0) as f64 - mean[c] as f64) / std[c] as f64) as f32;
            }
        }
    }
    out
}
