//! Using the model the session holds: scoring a labelled file, predicting texts and a file's
//! texts, as the CLI's `eval` and `predict` do.
use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, data_options, fail, js};
use super::session::{Session, State};
use crate::{data, infer};

#[wasm_bindgen]
impl Session {
    /// The model's task metrics on a labelled file, tagged by task (classification: accuracy,
    /// macro-F1, per-class scores and the confusion matrix).
    pub fn evaluate(&self, bytes: Vec<u8>, options: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = { let s = state.borrow(); (s.model()?, s.device()?) };
            let opts = data_options(options)?;
            let data = data::load(&bytes, &opts).map_err(fail)?;
            let m = core(infer::evaluate(&model, &data.examples, infer::default_max_len(&model), &device).await)?;
            js(&m)
        })
    }

    /// [{ label, probs: { label: p } }] for each text.
    pub fn predict(&self, texts: Vec<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move { js(&predictions(&state, &texts, false).await?) })
    }

    /// The texts of a file (one per line, or the text column of a CSV / TSV / JSONL, per
    /// options { format, text_column }), each with { text, label, probs }.
    pub fn predict_file(&self, bytes: Vec<u8>, options: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let opts = data_options(options)?;
            let texts = data::load_texts(&bytes, opts.format, opts.text_column.as_deref()).map_err(fail)?;
            js(&predictions(&state, &texts, true).await?)
        })
    }

}

/// Predictions as the CLI prints them (`Prediction::to_json`), and the text when asked.
async fn predictions(state: &Rc<RefCell<State>>, texts: &[String], with_text: bool) -> Result<Vec<serde_json::Value>, JsValue> {
    let (model, device) = {
        let s = state.borrow();
        (s.model()?, s.device()?)
    };
    let refs: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
    let preds = core(infer::predict(&model, &refs, infer::default_max_len(&model), &device).await)?;
    let labels = model.labels().unwrap_or_default();
    Ok(preds
        .iter()
        .zip(texts)
        .map(|(p, text)| {
            let mut v = p.to_json(&labels);
            if with_text {
                v["text"] = json!(text);
            }
            v
        })
        .collect())
}

