//! The page's data, one loader per source, since the data itself differs: a text file (CSV /
//! TSV / JSONL / text, parsed here) or images (decoded and scaled by the page, handed over as
//! RGB squares). Either becomes the data of its kind's slot, which the next run of that kind
//! trains on.
use serde_json::json;
use wasm_bindgen::prelude::*;

use super::convert::{data_options, fail, js};
use super::session::Session;
use crate::data;
use crate::image::data::{DecodedImage, ImageDataset, ImageExample};
use crate::kind::AnyData;

/// Rows of the data a page can show as a preview.
const PREVIEW_ROWS: usize = 8;

#[wasm_bindgen]
impl Session {
    /// Parses a data file (options: { format, text_column, label_column }); the result says
    /// which columns were used, the classes and what was dropped.
    pub fn load_data(&self, bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
        self.state.borrow().idle("loading other data")?;
        let opts = data_options(options)?;
        let data = data::load(bytes, &opts).map_err(fail)?;
        let mut info = serde_json::to_value(&data).map_err(fail)?;
        // classes as { label: count } for the page, in class order (labels); the first rows as
        // they will be used, for a preview table
        info["classes"] = data.classes.iter().map(|(l, n)| (l.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into();
        info["labels"] = json!(data.labels());
        info["preview"] = data.examples.iter().take(PREVIEW_ROWS).map(|e| json!({ "text": e.text, "label": e.label })).collect();
        put(self, AnyData::Text(data));
        js(&info)
    }

    /// The page's images: `labels[i]` indexes `classes`, image i is `rgb`'s i-th `size`² RGB8
    /// square. Replaces the previous set. Returns { images, classes: { name: count } }.
    pub fn set_images(&self, classes: Vec<String>, names: Vec<String>, labels: Vec<u32>, size: u32, rgb: &[u8]) -> Result<JsValue, JsValue> {
        self.state.borrow().idle("changing the images")?;
        let size = size as usize;
        let one = size * size * 3;
        if names.len() != labels.len() || rgb.len() != one * labels.len() {
            return Err(fail(format!(
                "set_images: {} names, {} labels and {} bytes do not describe the same images of {size}×{size} pixels",
                names.len(),
                labels.len(),
                rgb.len()
            )));
        }
        let mut examples = Vec::with_capacity(labels.len());
        for ((name, &label), pixels) in names.into_iter().zip(&labels).zip(rgb.chunks_exact(one.max(1))) {
            let label = classes.get(label as usize).ok_or_else(|| fail(format!("set_images: label {label} of '{name}' is not one of the {} classes", classes.len())))?;
            examples.push(ImageExample { name, label: label.clone(), image: DecodedImage { width: size, height: size, rgb: pixels.to_vec() } });
        }
        // only classes that have images, in the page's order
        let used: Vec<String> = classes.into_iter().filter(|c| examples.iter().any(|e| &e.label == c)).collect();
        let data = ImageDataset { examples, classes: used, problems: Vec::new(), notes: Vec::new() };
        let counts: serde_json::Map<_, _> = data.class_counts().into_iter().map(|(c, n)| (c, json!(n))).collect();
        let info = json!({ "images": data.examples.len(), "classes": counts });
        put(self, AnyData::Image(data));
        js(&info)
    }
}

/// `data` becomes the data of its kind.
fn put(session: &Session, data: AnyData) {
    let kind = data.kind();
    session.state.borrow_mut().slot_mut(kind).data = Some(data);
}
