//! The core's rules for image folders, zips and labels.csv, asked by the page instead of kept
//! there as a copy (`image/data/`: `placement.rs`, `layout.rs`, `labels_csv.rs`,
//! `problems.rs`). Pure functions: paths (and a CSV's text) in, plain JSON out; the page still
//! reads files and unzips them itself.
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::prelude::*;

use super::convert::{core, fail, js};
use crate::image::data::problems::{self, FORMATS, IMAGE_EXTENSIONS, MAX_FILE_BYTES, MAX_PIXELS, Problem};
use crate::image::data::{class_order, labels_file, place};

/// The limits and formats an image must meet: { max_pixels, max_file_bytes, extensions (lower
/// case, without the dot), formats (as the messages name them) }.
#[wasm_bindgen]
pub fn image_rules() -> Result<JsValue, JsValue> {
    js(&json!({ "max_pixels": MAX_PIXELS, "max_file_bytes": MAX_FILE_BYTES, "extensions": IMAGE_EXTENSIONS, "formats": FORMATS }))
}

/// Each path as the rules see it: [{ path (as given), normalized ('/'-separated, no "./" or
/// empty parts), ignored (hidden, `__MACOSX/`, Thumbs.db: never data), image (its extension
/// is an image format's) }].
#[wasm_bindgen]
pub fn image_paths(paths: Vec<String>) -> Result<JsValue, JsValue> {
    let out: Vec<_> = paths
        .iter()
        .map(|p| {
            let normalized = problems::normalize_path(p);
            json!({ "path": p, "ignored": problems::is_ignored(&normalized), "image": problems::has_image_extension(&normalized), "normalized": normalized })
        })
        .collect();
    js(&out)
}

/// Which CSV of a zip's (or folder's) files the labels come from: the shallowest labels.csv,
/// else the only CSV; null when none. Throws when there are several CSVs, none named
/// labels.csv, and no image lies in a folder (the message says which to rename).
#[wasm_bindgen]
pub fn image_labels_file(paths: Vec<String>) -> Result<Option<String>, JsValue> {
    core(labels_file(&paths))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutQuery {
    paths: Vec<String>,
    #[serde(default)]
    dirs: Vec<String>,
    csv: Option<CsvFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvFile {
    /// Its path among `paths`, as `image_labels_file` named it.
    name: String,
    text: String,
}

/// Which file gets which class. `query`: { paths: [string], dirs?: [string] (folders known to
/// exist, so an empty class folder is reported), csv?: { name, text } (the CSV
/// `image_labels_file` chose, and its text) }. Returns { placed: [{ path, label }], classes
/// (every class found, sorted), problems: [{ name, message }], notes: [string] }: by the CSV when
/// given (a labels.csv always; another CSV when it names files), else by class folders (a
/// wrapping top folder looked through; files in the root are problems; files in sub-folders
/// count for their class). Throws when a labels.csv cannot be read or has no rows.
#[wasm_bindgen]
pub fn image_layout(query: JsValue) -> Result<JsValue, JsValue> {
    let q: LayoutQuery = serde_wasm_bindgen::from_value(query).map_err(|e| fail(format!("image_layout: {e} (keys: paths, dirs, csv: {{ name, text }})")))?;
    let csv = q.csv.as_ref().map(|c| (c.name.as_str(), c.text.as_bytes()));
    js(&core(place(&q.paths, &q.dirs, csv))?)
}

/// The words for a bad file (shown after its name), from the problem's name and details:
/// { problem: 'not_an_image', name } | { problem: 'damaged', detail } | { problem: 'no_pixels',
/// width, height } | { problem: 'too_many_pixels', width, height } | { problem:
/// 'too_large_file', bytes } | { problem: 'cmyk' } | { problem: 'animated_gif' } | { problem:
/// 'unreadable', detail } | { problem: 'not_in_class_folder' }.
#[wasm_bindgen]
pub fn image_problem(problem: JsValue) -> Result<String, JsValue> {
    let p: Problem = serde_wasm_bindgen::from_value(problem).map_err(|e| fail(format!("image_problem: {e}")))?;
    Ok(p.message())
}

/// Class names in the order every run indexes them: numerically when every name is an integer
/// ("2" before "10"), else by their text; each once.
#[wasm_bindgen]
pub fn image_class_order(names: Vec<String>) -> Vec<String> {
    class_order(names.iter().map(String::as_str))
}
