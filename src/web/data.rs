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
        let what = Items { call: "set_images", unit: "bytes", items: format!("images of {size}×{size} pixels") };
        let (rows, used) = what.labelled(classes, names, &labels, rgb, size * size * 3)?;
        let examples = rows.into_iter().map(|(name, label, px)| ImageExample { name, label, image: DecodedImage { width: size, height: size, rgb: px.to_vec() } }).collect();
        let data = ImageDataset { examples, classes: used, problems: Vec::new(), notes: Vec::new() };
        let info = json!({ "images": data.examples.len(), "classes": counts(data.class_counts()) });
        put(self, AnyData::Image(data));
        js(&info)
    }
}

/// A kind's items as the page hands them over: names, labels (indexes into the classes) and
/// one flat run of values, `one` per item.
pub(super) struct Items {
    /// The method, for the messages.
    pub call: &'static str,
    /// What the values are ("bytes", "samples").
    pub unit: &'static str,
    /// What the items are ("clips of 16000 samples").
    pub items: String,
}

impl Items {
    /// (name, class, values) per item, after checking the lengths agree and every label is a
    /// class; with the classes that have items, in the page's order.
    #[allow(clippy::type_complexity)]
    pub fn labelled<'a, T>(&self, classes: Vec<String>, names: Vec<String>, labels: &[u32], values: &'a [T], one: usize) -> Result<(Vec<(String, String, &'a [T])>, Vec<String>), JsValue> {
        let Items { call, unit, items } = self;
        if names.len() != labels.len() || values.len() != one * labels.len() {
            return Err(fail(format!("{call}: {} names, {} labels and {} {unit} do not describe the same {items}", names.len(), labels.len(), values.len())));
        }
        let mut rows = Vec::with_capacity(labels.len());
        for ((name, &label), v) in names.into_iter().zip(labels).zip(values.chunks_exact(one.max(1))) {
            let class = classes.get(label as usize).ok_or_else(|| fail(format!("{call}: label {label} of '{name}' is not one of the {} classes", classes.len())))?;
            rows.push((name, class.clone(), v));
        }
        let used = classes.into_iter().filter(|c| rows.iter().any(|(_, l, _)| l == c)).collect();
        Ok((rows, used))
    }
}

/// Class counts as the page's { name: count }.
pub(super) fn counts(counts: Vec<(String, usize)>) -> serde_json::Map<String, serde_json::Value> {
    counts.into_iter().map(|(c, n)| (c, json!(n))).collect()
}

/// `data` becomes the data of its kind.
pub(super) fn put(session: &Session, data: AnyData) {
    let kind = data.kind();
    session.state.borrow_mut().slot_mut(kind).data = Some(data);
}
