//! The messages for bad image files and data, and the header checks that need no decoder.
//! Each message says what is wrong and what to do, because it is shown to the user as is
//! (after the file's name). Pure, so the page could use the same words.

use serde::Deserialize;

use super::dataset::ImageProblem;

/// Images with more pixels than this are refused before decoding: decoding allocates
/// width × height × 4 bytes at once (a 20000×20000 PNG would take 1.6 GB).
pub const MAX_PIXELS: u64 = 50_000_000;

/// One file (or zip entry, uncompressed) larger than this is refused without reading it
/// whole: no photo is this big, and a zip entry that claims or inflates to more is a zip bomb.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The formats an image may be in, as the messages name them.
pub const FORMATS: &str = "JPEG, PNG, GIF, BMP or WebP";
/// The extensions of those formats' files.
pub const IMAGE_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "png", "gif", "bmp", "webp", "jfif"];

fn extension(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

/// Whether the name looks like an image (its extension), for the wording of messages and
/// for counting images a CSV leaves out.
pub fn has_image_extension(name: &str) -> bool {
    extension(name).is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
}

pub fn not_an_image(name: &str) -> String {
    match extension(name) {
        Some(ext) if IMAGE_EXTENSIONS.contains(&ext.as_str()) => format!(
            "named .{ext} but its content is not a {FORMATS} image (perhaps another kind of file renamed): \
             open it in an image viewer and save it as JPEG or PNG, or remove it"
        ),
        _ => format!(
            "not an image ({FORMATS}): convert it to JPEG or PNG, or remove it"
        ),
    }
}

pub fn damaged(detail: &str) -> String {
    format!(
        "the image is truncated or damaged and could not be decoded ({detail}): \
         open it in an image viewer and save it again, or remove it"
    )
}

pub fn no_pixels(width: u64, height: u64) -> String {
    format!(
        "the image has no pixels ({width}×{height}): remove it, or save it again from the original"
    )
}

pub fn too_many_pixels(width: u64, height: u64) -> String {
    format!(
        "the image is {width}×{height} pixels ({:.0} megapixels), too large to decode (the limit is {} megapixels): \
         scale it down (a few hundred pixels a side is plenty for training) and add it again",
        (width * height) as f64 / 1e6,
        MAX_PIXELS / 1_000_000
    )
}

pub fn too_large_file(bytes: u64) -> String {
    format!(
        "the file is {} MB, over the {} MB limit for one image (or a zip entry that inflates to more): \
         scale it down or save it as JPEG",
        bytes.div_ceil(1 << 20),
        MAX_FILE_BYTES >> 20
    )
}

pub const CMYK: &str = "a CMYK JPEG (print colours, which browsers and this decoder do not show the same way): \
     save it as RGB (sRGB), e.g. \"Export as JPEG\" with colour mode RGB";

pub fn animated_gif() -> String {
    "an animated GIF (more than one frame), so it is not clear which frame to learn from: \
     save the frame you want as PNG or JPEG (or each frame as its own file)"
        .to_owned()
}

pub fn unreadable(detail: &str) -> String {
    format!("could not be read ({detail}): check that the file is there and readable")
}

pub fn not_in_class_folder() -> String {
    "not in a class folder, so it has no label, and was left out: move it into the folder named after its class".to_owned()
}

pub fn class_left_out(class: &str) -> ImageProblem {
    ImageProblem::new(
        format!("{class}/"),
        format!(
            "no image of class '{class}' could be read (or its folder is empty), so the class was left out: add images of '{class}' or remove it"
        ),
    )
}

pub fn no_images(from: &str, problems: &[ImageProblem]) -> String {
    match problems.first() {
        None => format!(
            "{from} has no images: put the images in one folder per class (e.g. cats/1.jpg, dogs/2.jpg), \
             or add a labels.csv with path,label columns to a zip"
        ),
        Some(first) => format!(
            "no image in {from} could be used ({} problem{}, the first: {first}): fix these files or choose other data",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ),
    }
}

pub fn one_class(class: &str, count: usize, from: &str) -> String {
    format!(
        "{from} has only one class ('{class}', {count} image{}): a classifier needs at least two; \
         add a folder for each other class beside '{class}'",
        if count == 1 { "" } else { "s" }
    )
}

/// A bad file's problem, by name, for callers that do not link these functions (the page asks
/// through wasm: `{ "problem": "too_many_pixels", "width": 9000, "height": 9000 }`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    NotAnImage { name: String },
    Damaged { detail: String },
    NoPixels { width: u64, height: u64 },
    TooManyPixels { width: u64, height: u64 },
    TooLargeFile { bytes: u64 },
    Cmyk,
    AnimatedGif,
    Unreadable { detail: String },
    NotInClassFolder,
}

impl Problem {
    /// The words shown after the file's name: the same as the functions above give.
    pub fn message(&self) -> String {
        match self {
            Problem::NotAnImage { name } => not_an_image(name),
            Problem::Damaged { detail } => damaged(detail),
            Problem::NoPixels { width, height } => no_pixels(*width, *height),
            Problem::TooManyPixels { width, height } => too_many_pixels(*width, *height),
            Problem::TooLargeFile { bytes } => too_large_file(*bytes),
            Problem::Cmyk => CMYK.to_owned(),
            Problem::AnimatedGif => animated_gif(),
            Problem::Unreadable { detail } => unreadable(detail),
            Problem::NotInClassFolder => not_in_class_folder(),
        }
    }
}

/// Whether a JPEG's frame header (SOFn) has 4 components, i.e. CMYK or YCCK (Adobe). image
/// 0.25 (zune-jpeg) would decode it with a plain CMYK→RGB formula that ignores the embedded
/// colour profile, and browsers differ, so the same file would not give the same pixels in
/// the CLI and the page: refused with [`CMYK`]. `false` for anything else.
pub fn is_cmyk_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    while i + 3 < bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2; // no length
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return false; // scan data or end before any frame header
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if sof {
            // length(2) precision(1) height(2) width(2) components(1)
            return bytes.get(i + 9) == Some(&4);
        }
        i += 2 + len;
    }
    false
}

/// Width and height from a PNG's IHDR or a GIF's screen descriptor, for the files whose
/// header the decoder rejects (a 0×0 PNG is "invalid" to it; the user needs to hear why).
pub fn header_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let be = |b: &[u8]| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let le16 = |b: &[u8]| u64::from(u16::from_le_bytes([b[0], b[1]]));
    if bytes.len() >= 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR" {
        return Some((be(&bytes[16..20]), be(&bytes[20..24])));
    }
    if bytes.len() >= 10 && (bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return Some((le16(&bytes[6..8]), le16(&bytes[8..10])));
    }
    None
}

/// Zip and folder paths: forward slashes, no leading "./" or "/", no empty parts.
pub fn normalize_path(path: &str) -> String {
    path.replace('\\', "/")
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Files the user did not mean as data: macOS's `__MACOSX/` resource forks and `.DS_Store`,
/// and anything hidden (a part starting with '.').
pub fn is_ignored(path: &str) -> bool {
    path.split('/')
        .any(|p| p == "__MACOSX" || p.starts_with('.') || p == "Thumbs.db" || p == "desktop.ini")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmyk_is_four_components_in_the_frame_header() {
        let sof = |n: u8| {
            let mut b = vec![
                0xFF,
                0xD8,
                0xFF,
                0xE0,
                0,
                4,
                0,
                0,
                0xFF,
                0xC0,
                0,
                8 + 3 * n as u8,
                8,
                0,
                1,
                0,
                1,
                n,
            ];
            b.extend(std::iter::repeat_n(0, 3 * n as usize));
            b
        };
        assert!(is_cmyk_jpeg(&sof(4)));
        assert!(!is_cmyk_jpeg(&sof(3)));
        assert!(!is_cmyk_jpeg(&sof(1)));
        assert!(!is_cmyk_jpeg(b"not a jpeg"));
        assert!(!is_cmyk_jpeg(&[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn paths_and_ignored_files() {
        assert_eq!(normalize_path("./a\\b//c.jpg"), "a/b/c.jpg");
        assert!(is_ignored("__MACOSX/cats/._a.jpg"));
        assert!(is_ignored("data/cats/.DS_Store"));
        assert!(!is_ignored("data/cats/a.jpg"));
    }
}
