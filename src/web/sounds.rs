//! The page's sounds: what the browser decoded or recorded, made the one-second 16 kHz clip the
//! network hears by the core's one rule (`audio::clip::to_clip`, the CLI's too), and the clip
//! set a sound run trains on.
use js_sys::Float32Array;
use serde_json::json;
use wasm_bindgen::prelude::*;

use super::convert::{fail, js};
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
        if names.len() != labels.len() || samples.len() != CLIP_SAMPLES * labels.len() {
            return Err(fail(format!(
                "set_clips: {} names, {} labels and {} samples do not describe the same clips of {CLIP_SAMPLES} samples",
                names.len(),
                labels.len(),
                samples.len()
            )));
        }
        let mut examples = Vec::with_capacity(labels.len());
        for ((name, &label), clip) in names.into_iter().zip(&labels).zip(samples.chunks_exact(CLIP_SAMPLES)) {
            let label = classes.get(label as usize).ok_or_else(|| fail(format!("set_clips: label {label} of '{name}' is not one of the {} classes", classes.len())))?;
            examples.push(AudioExample { name, label: label.clone(), clip: clip.to_vec() });
        }
        // only classes that have clips, in the page's order
        let used: Vec<String> = classes.into_iter().filter(|c| examples.iter().any(|e| &e.label == c)).collect();
        let data = AudioDataset { examples, classes: used, problems: Vec::new(), notes: Vec::new() };
        let counts: serde_json::Map<_, _> = data.class_counts().into_iter().map(|(c, n)| (c, json!(n))).collect();
        let info = json!({ "clips": data.examples.len(), "classes": counts });
        self.state.borrow_mut().slot_mut(crate::kind::Kind::Audio).data = Some(AnyData::Audio(data));
        js(&info)
    }
}
