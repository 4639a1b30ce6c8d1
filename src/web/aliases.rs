//! The image methods the page called before one method served every kind, kept so it keeps
//! working until it calls the unified ones: each is a thin wrapper over that one path, with the
//! words the page has been shown (the refusal while a run goes on, the formats).
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::fail;
use super::models::{exported, load};
use super::predict::{Given, predictions, rgb_image};
use super::session::Session;
use super::convert::js;
use crate::kind::Kind;

#[wasm_bindgen]
impl Session {
    /// Deprecated alias of `load_model(config, weights)`: an image model from `config.json` and
    /// `model.safetensors`. Returns { kind, blocks, image_size, classes (how many), fingerprint }.
    pub fn load_image_model(&self, config: &[u8], weights: &[u8]) -> Result<JsValue, JsValue> {
        load(&self.state, config, weights, None, "loading another image model")
    }

    /// Deprecated alias of `predict({ rgb, width, height })`: the fine-tuned image model's
    /// prediction for one image (RGB8), scaled and cropped as it trained: { label, probs }.
    pub fn predict_image(&self, rgb: Vec<u8>, width: u32, height: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            state.borrow().idle("predicting")?;
            let image = rgb_image(rgb, width, height, "predict_image")?;
            let preds = predictions(&state, &Given::Images(vec![image])).await?;
            js(preds.first().ok_or_else(|| fail("predict_image: no prediction came back"))?)
        })
    }

    /// Deprecated alias of `export(format, 'image')`: the fine-tuned image model as 'hf' (the
    /// default: its folder, { "config.json", "model.safetensors" }) or 'onnx' ({ "model.onnx" }).
    pub fn export_image(&self, format: Option<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let model = {
                let s = state.borrow();
                s.idle("exporting")?;
                s.model(Kind::Image)?
            };
            match format.as_deref() {
                None | Some("hf" | "onnx") => exported(&model, format.as_deref()).await,
                Some(other) => Err(fail(format!("an image model exports as 'hf' (its folder) or 'onnx', not '{other}'"))),
            }
        })
    }
}
