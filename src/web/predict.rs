//! Using the models the session holds: predicting texts or images (the inputs say the kind, and
//! the model of that kind answers), scoring a labelled file and predicting a file's texts, as
//! the CLI's `predict` and `eval` do.
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, data_options, fail, js};
use super::session::Session;
use super::state::Shared;
use crate::image::data::DecodedImage;
use crate::kind::{DataRef, Inputs, Kind};
use crate::{data, infer};

/// What the page asks a prediction for: texts, images as RGB8 pixels, or one-second clips.
pub(super) enum Given {
    Texts(Vec<String>),
    Images(Vec<DecodedImage>),
    Clips(Vec<Vec<f32>>),
}

#[wasm_bindgen]
impl Session {
    /// Predictions as the CLI prints them ({ label, probs: { label: p } }, multi-label adds
    /// `labels`, regression `value`), by the model of the inputs' kind: `inputs` is an array of
    /// texts → an array of predictions; one image { rgb: Uint8Array (RGB8), width, height },
    /// scaled and cropped as the model trained → one prediction; one sound { samples:
    /// Float32Array (mono, or interleaved), sample_rate, channels? }, made a clip by the one
    /// rule (`sound_clip`) → one prediction; an array of images or of sounds → an array.
    pub fn predict(&self, inputs: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let one = !Array::is_array(&inputs);
            let given = given(inputs)?;
            let mut preds = predictions(&state, &given).await?;
            match (one, preds.pop()) {
                (true, Some(p)) => js(&p),
                (true, None) => Err(fail("predict: no prediction came back")),
                (false, last) => {
                    preds.extend(last);
                    js(&preds)
                }
            }
        })
    }

    /// The text model's task metrics on a labelled file, tagged by task (classification:
    /// accuracy, macro-F1, per-class scores and the confusion matrix).
    pub fn evaluate(&self, bytes: Vec<u8>, options: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = {
                let s = state.borrow();
                (s.model(Kind::Text)?, s.device()?)
            };
            let opts = data_options(options)?;
            let data = data::load(&bytes, &opts).map_err(fail)?;
            js(&core(infer::evaluate(&model, DataRef::Text(&data), None, &device).await)?)
        })
    }

    /// The texts of a labelled file as `evaluate` reads them, in its order: what the pool
    /// computes the logits of for `evaluate_logits`.
    pub fn evaluate_texts(&self, bytes: Vec<u8>, options: JsValue) -> Result<JsValue, JsValue> {
        let data = data::load(&bytes, &data_options(options)?).map_err(fail)?;
        js(&data.examples.iter().map(|e| e.text.as_str()).collect::<Vec<_>>())
    }

    /// The text model's logits of `texts`: { logits: Float32Array (a row per text), width }.
    pub fn logits(&self, texts: Vec<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = {
                let s = state.borrow();
                (s.model(Kind::Text)?, s.device()?)
            };
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let rows = core(infer::logits(&model, Inputs::Texts(&texts), None, &device).await)?;
            let width = rows.first().map_or(0, Vec::len);
            let out = js_sys::Object::new();
            Reflect::set(&out, &"logits".into(), &js_sys::Float32Array::from(rows.concat().as_slice()))?;
            Reflect::set(&out, &"width".into(), &(width as u32).into())?;
            Ok(out.into())
        })
    }

    /// `evaluate` of a labelled file from the logits of its texts (`evaluate_texts`' order, a
    /// row of `width` per text), computed across the pool.
    pub fn evaluate_logits(&self, bytes: Vec<u8>, options: JsValue, logits: Vec<f32>, width: usize) -> Result<JsValue, JsValue> {
        let model = self.state.borrow().model(Kind::Text)?;
        let data = data::load(&bytes, &data_options(options)?).map_err(fail)?;
        let rows: Vec<Vec<f32>> = logits.chunks(width.max(1)).map(<[f32]>::to_vec).collect();
        js(&core(infer::evaluate_logits(&model, DataRef::Text(&data), &rows))?)
    }

    /// The texts of a file (one per line, or the text column of a CSV / TSV / JSONL, per
    /// options { format, text_column }), as `predict` takes them: the worker predicts them on
    /// every core and puts each text beside its prediction.
    pub fn file_texts(&self, bytes: Vec<u8>, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = data_options(options)?;
        js(&data::load_texts(&bytes, opts.format, opts.text_column.as_deref()).map_err(fail)?)
    }
}

/// Each input's prediction (`Prediction::to_json`) by the model of the inputs' kind.
pub(super) async fn predictions(state: &Shared, given: &Given) -> Result<Vec<serde_json::Value>, JsValue> {
    let texts: Vec<&str>;
    let images: Vec<&DecodedImage>;
    let clips: Vec<&[f32]>;
    let inputs = match given {
        Given::Texts(t) => {
            texts = t.iter().map(String::as_str).collect();
            Inputs::Texts(&texts)
        }
        Given::Images(i) => {
            images = i.iter().collect();
            Inputs::Images(&images)
        }
        Given::Clips(c) => {
            clips = c.iter().map(Vec::as_slice).collect();
            Inputs::Clips(&clips)
        }
    };
    let (model, device) = {
        let s = state.borrow();
        (s.model(inputs.kind())?, s.device()?)
    };
    let preds = core(infer::predict(&model, inputs, None, &device).await)?;
    let labels = model.labels().unwrap_or_default();
    Ok(preds.iter().map(|p| p.to_json(&labels)).collect())
}

/// The inputs as the page sends them: an array of texts, one image { rgb, width, height } or
/// sound { samples, sample_rate, channels? }, or an array of either.
fn given(inputs: JsValue) -> Result<Given, JsValue> {
    let items: Vec<JsValue> = if Array::is_array(&inputs) { Array::from(&inputs).iter().collect() } else { vec![inputs] };
    if let Some(texts) = items.iter().map(JsValue::as_string).collect::<Option<Vec<String>>>() {
        return Ok(Given::Texts(texts));
    }
    if items.first().is_some_and(|x| Reflect::has(x, &"samples".into()).unwrap_or(false)) {
        return Ok(Given::Clips(items.iter().map(clip_of).collect::<Result<_, _>>()?));
    }
    Ok(Given::Images(items.iter().map(image_of).collect::<Result<_, _>>()?))
}

fn clip_of(v: &JsValue) -> Result<Vec<f32>, JsValue> {
    let field = |name: &str| Reflect::get(v, &name.into()).ok().filter(|x| !x.is_undefined());
    let (Some(samples), Some(rate)) = (field("samples"), field("sample_rate").and_then(|x| x.as_f64())) else {
        return Err(fail("predict: give a sound as { samples: Float32Array, sample_rate, channels? } (or an array of them)"));
    };
    let channels = field("channels").and_then(|x| x.as_f64()).unwrap_or(1.0);
    let samples = js_sys::Float32Array::new(&samples).to_vec();
    crate::audio::clip::to_clip(&samples, channels as usize, rate as u32).map_err(|e| fail(format!("predict: {e}")))
}

fn image_of(v: &JsValue) -> Result<DecodedImage, JsValue> {
    let field = |name: &str| Reflect::get(v, &name.into()).ok().filter(|x| !x.is_undefined());
    let (Some(rgb), Some(w), Some(h)) = (field("rgb"), field("width").and_then(|x| x.as_f64()), field("height").and_then(|x| x.as_f64())) else {
        return Err(fail("predict: give an array of texts, or an image as { rgb: Uint8Array (RGB8), width, height } (or an array of them)"));
    };
    rgb_image(Uint8Array::new(&rgb).to_vec(), w as u32, h as u32, "predict")
}

/// Checked RGB8 pixels; `caller` names the method in the refusal.
pub(super) fn rgb_image(rgb: Vec<u8>, width: u32, height: u32, caller: &str) -> Result<DecodedImage, JsValue> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || rgb.len() != w * h * 3 {
        return Err(fail(format!("{caller}: {} bytes are not a {w}×{h} RGB image", rgb.len())));
    }
    Ok(DecodedImage { width: w, height: h, rgb })
}
