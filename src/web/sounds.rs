//! The page's sounds: what the browser decoded or recorded, made the one-second 16 kHz clip the
//! network hears by the core's one rule (`audio::clip::to_clip`, the CLI's too), and the clip
//! set a sound run trains on.
use js_sys::Float32Array;
use serde_json::json;
use wasm_bindgen::prelude::*;

use super::convert::{fail, js};
use super::data::{Items, counts, put};
use super::session::Session;
use crate::audio::clip::{CLIP_SAMPLES, to_clip};
use crate::audio::data::{AudioDataset, AudioExample};
use crate::kind::AnyData;

/// Interleaved `samples` of `channels` channels at `sample_rate` Hz → the clip: 16,000 mono
/// samples at 16 kHz (the loudest second of a longer recording, a shorter one centred in
/// silence). Throws the rule's message (silent, too short, too long, …) for the page to show
/// after the file's name.
#[wasm_bindgen]
pub fn sound_clip(samples: &[f32], channels: u32, sample_rate: u32) -> Result<Float32Array, JsValue> {
    let clip = to_clip(samples, channels as usize, sample_rate).map_err(fail)?;
    Ok(Float32Array::from(clip.as_slice()))
}

#[wasm_bindgen]
impl Session {
    /// The page's clips: `labels[i]` indexes `classes`, clip i is `samples`' i-th run of 16,000
    /// (each made by `sound_clip`). Replaces the previous set. Returns { clips, classes: { name:
    /// count } }.
    pub fn set_clips(&self, classes: Vec<String>, names: Vec<String>, labels: Vec<u32>, samples: &[f32]) -> Result<JsValue, JsValue> {
        self.state.borrow().idle("changing the sounds")?;
        let what = Items { call: "set_clips", unit: "samples", items: format!("clips of {CLIP_SAMPLES} samples") };
        let (rows, used) = what.labelled(classes, names, &labels, samples, CLIP_SAMPLES)?;
        let examples = rows.into_iter().map(|(name, label, clip)| AudioExample { name, label, clip: clip.to_vec() }).collect();
        let data = AudioDataset { examples, classes: used, problems: Vec::new(), notes: Vec::new() };
        let info = json!({ "clips": data.examples.len(), "classes": counts(data.class_counts()) });
        put(self, AnyData::Audio(data));
        js(&info)
    }
}
