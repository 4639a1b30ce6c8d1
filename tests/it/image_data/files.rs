//! The test files for image_data.rs, made in memory: good images of two classes, one
//! of each bad kind (with the words its message must contain), folders and zips of them.
use std::io::{Cursor, Write};
use std::path::Path;

use image::codecs::gif::GifEncoder;
use image::{Delay, Frame, ImageFormat, Rgba, RgbaImage};

pub fn encode(img: image::DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// A distinct image per seed, so datasets can be compared by pixels.
pub fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([seed, (x * 7) as u8, (y * 5) as u8 ^ seed])
    });
    encode(img.into(), ImageFormat::Png)
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG with a real header and an empty zlib stream for pixels: the decoder reads its size
/// (it stops at the first IDAT) without anything allocated for 20000×20000 pixels.
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = [&w.to_be_bytes()[..], &h.to_be_bytes(), &[8, 2, 0, 0, 0]].concat();
    let idat = vec![0x78, 0x9C, 0x03, 0, 0, 0, 0, 1];
    for (kind, data) in [(&b"IHDR"[..], ihdr), (b"IDAT", idat), (b"IEND", vec![])] {
        out.extend((data.len() as u32).to_be_bytes());
        let body = [kind, &data].concat();
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    out
}

/// The start of a CMYK JPEG as Photoshop writes it: Adobe APP14 (transform 0 = CMYK), then a
/// baseline frame header with 4 components. Enough for the header check, which runs first.
pub fn cmyk_jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend([0xFF, 0xEE, 0, 14]);
    b.extend(b"Adobe\0\x64\0\0\0\0\0");
    b.extend([0xFF, 0xC0, 0, 20, 8, 0, 16, 0, 16, 4]);
    for c in 1..=4u8 {
        b.extend([c, 0x11, 0]);
    }
    b.extend([0xFF, 0xD9]);
    b
}

pub fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        let frames = [0u8, 255].map(|v| {
            Frame::from_parts(
                RgbaImage::from_pixel(8, 8, Rgba([v, 0, 0, 255])),
                0,
                0,
                Delay::from_numer_denom_ms(100, 1),
            )
        });
        enc.encode_frames(frames).expect("gif");
    }
    out
}

/// class/file → bytes for the good files: plain RGB, gray JPEG, transparent PNG, one large.
pub fn good_files() -> Vec<(String, Vec<u8>)> {
    let gray = encode(
        image::GrayImage::from_pixel(10, 6, image::Luma([90])).into(),
        ImageFormat::Jpeg,
    );
    let clear = encode(
        RgbaImage::from_pixel(4, 4, Rgba([0, 0, 0, 0])).into(),
        ImageFormat::Png,
    );
    vec![
        ("cats/a.png".into(), png(12, 9, 1)),
        ("cats/gray.jpg".into(), gray),
        ("cats/clear.png".into(), clear),
        ("dogs/big.png".into(), png(300, 200, 2)),
        ("dogs/b.png".into(), png(5, 5, 3)),
    ]
}

pub fn bad_files() -> Vec<(String, Vec<u8>, &'static str)> {
    let mut truncated = png(40, 40, 9);
    truncated.truncate(truncated.len() / 2);
    vec![
        (
            "cats/renamed.jpg".into(),
            b"just some notes, not a photo\n".to_vec(),
            "named .jpg but its content is not a JPEG, PNG",
        ),
        (
            "cats/truncated.png".into(),
            truncated,
            "truncated or damaged",
        ),
        ("dogs/empty.png".into(), png_header(0, 0), "no pixels (0×0)"),
        (
            "dogs/huge.png".into(),
            png_header(20_000, 20_000),
            "20000×20000 pixels (400 megapixels), too large to decode",
        ),
        ("dogs/print.jpg".into(), cmyk_jpeg(), "a CMYK JPEG"),
        ("dogs/anim.gif".into(), animated_gif(), "an animated GIF"),
        (
            "readme.txt".into(),
            b"hello".to_vec(),
            "not in a class folder",
        ),
    ]
}

pub fn write_tree(root: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

pub fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}
