//! Native decoding with the `image` crate (the page uses createImageBitmap instead): bytes →
//! RGB8, or a problem that names the file and says what to do. The size is read from the
//! header first, so a huge image is refused before anything is allocated for it.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::problems::{self, MAX_PIXELS, header_size, is_cmyk_jpeg};
use super::dataset::{DecodedImage, ImageProblem};

/// Decodes at full size (up to [`MAX_PIXELS`]); see [`decode_max`].
pub fn decode(name: &str, bytes: &[u8]) -> Result<DecodedImage, ImageProblem> {
    decode_max(name, bytes, 0)
}

/// Decodes JPEG, PNG, GIF, BMP or WebP to RGB8; when the longer side is above `max_side`
/// (0: no limit) the image is scaled down to it (aspect kept, triangle filter). Gray becomes
/// RGB; transparent pixels are blended onto white (as image viewers and the page's
/// thumbnails show them); an EXIF orientation is applied. Refused, with the reason: not an image, truncated or damaged, 0×0,
/// more than [`MAX_PIXELS`], a CMYK JPEG, an animated GIF (no frame is chosen for the user).
pub fn decode_max(name: &str, bytes: &[u8], max_side: usize) -> Result<DecodedImage, ImageProblem> {
    let problem = |message: String| ImageProblem::new(name, message);
    let reader = || ImageReader::new(Cursor::new(bytes)).with_guessed_format();
    let format = reader().ok().and_then(|r| r.format());
    let Some(format) = format else {
        return Err(problem(problems::not_an_image(name)));
    };
    // Before the size: the check reads only the frame header, which is all a CMYK file needs
    // to be refused (and the decoder may fail on such files with a less useful message).
    if format == ImageFormat::Jpeg && is_cmyk_jpeg(bytes) {
        return Err(problem(problems::CMYK.to_owned()));
    }
    let (width, height) = match reader()
        .map_err(|e| e.to_string())
        .and_then(|r| r.into_dimensions().map_err(|e| e.to_string()))
    {
        Ok((w, h)) => (u64::from(w), u64::from(h)),
        // The decoder rejects some headers outright (a 0×0 PNG); say what is in them.
        Err(detail) => match header_size(bytes) {
            Some((w, h)) if w == 0 || h == 0 => return Err(problem(problems::no_pixels(w, h))),
            Some((w, h)) if w * h > MAX_PIXELS => {
                return Err(problem(problems::too_many_pixels(w, h)));
            }
            _ => return Err(problem(problems::damaged(&detail))),
        },
    };
    if width == 0 || height == 0 {
        return Err(problem(problems::no_pixels(width, height)));
    }
    if width * height > MAX_PIXELS {
        return Err(problem(problems::too_many_pixels(width, height)));
    }
    if format == ImageFormat::Gif && gif_frames(bytes) > 1 {
        return Err(problem(problems::animated_gif()));
    }
    let mut reader = reader().map_err(|e| problem(problems::damaged(&e.to_string())))?;
    let mut limits = Limits::default();
    // RGBA16 at the pixel limit, plus the decoder's own buffers: a second guard for formats
    // whose header and data disagree.
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    reader.limits(limits);
    let damaged = |e: image::ImageError| problem(problems::damaged(&e.to_string()));
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    // Phones store portraits sideways with an EXIF orientation; createImageBitmap applies
    // it in the page, so the CLI does too (else the same photo trains differently).
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    Ok(to_rgb(image, max_side))
}

/// Frames in a GIF, counting to 2 (enough to know it is animated).
fn gif_frames(bytes: &[u8]) -> usize {
    match GifDecoder::new(Cursor::new(bytes)) {
        Ok(decoder) => decoder.into_frames().take(2).filter(Result::is_ok).count(),
        Err(_) => 0,
    }
}

fn to_rgb(image: DynamicImage, max_side: usize) -> DecodedImage {
    let image = shrink(image, max_side);
    let rgb = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let (w, h) = rgba.dimensions();
        let mut out = Vec::with_capacity(w as usize * h as usize * 3);
        for px in rgba.pixels() {
            let a = u32::from(px[3]);
            for c in &px.0[..3] {
                // over white, rounded: c·a + 255·(255 − a), / 255
                out.push(((u32::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
        image::RgbImage::from_raw(w, h, out).unwrap_or_else(|| image.to_rgb8())
    } else {
        image.to_rgb8()
    };
    DecodedImage {
        width: rgb.width() as usize,
        height: rgb.height() as usize,
        rgb: rgb.into_raw(),
    }
}

fn shrink(image: DynamicImage, max_side: usize) -> DynamicImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if max_side == 0 || w.max(h) <= max_side {
        return image;
    }
    let scale = max_side as f64 / w.max(h) as f64;
    let (nw, nh) = (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    );
    image.resize_exact(nw, nh, FilterType::Triangle)
}
