//! The teaching view at the wasm edge (text runs): the map's frames and rows, attention from
//! [CLS] and the validation mistakes, on the run's trainer between steps or, after a run, on
//! the session's text model. Byte offsets become UTF-16 indices here (what a JS string is indexed by).
use js_sys::Promise;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail, js};
use super::session::Session;
use super::state::{Shared, put_trainer, take_trainer};
use crate::kind::Kind;
use crate::teach::{self, Attention};

#[wasm_bindgen]
impl Session {
    /// Map frames made since the last call: [{ epoch, points: [[x, y], …] }] (the first call
    /// after prepare fits the axes and gives epoch 0's); [] unless the run has `teaching`.
    pub fn teaching_maps(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.take_maps().await;
            put_trainer(&state, trainer);
            js(&core(r)?)
        })
    }

    /// The map's rows: { texts, labels (class index per row), label_names, values? }, from
    /// the run in progress or the last one.
    pub fn teaching_rows(&self) -> Result<JsValue, JsValue> {
        let s = self.state.borrow();
        if let Some(id) = s.training_run() {
            drop(s);
            let trainer = take_trainer(&self.state, id)?;
            let rows = trainer.teaching_rows();
            put_trainer(&self.state, trainer);
            return js(&rows);
        }
        let (texts, targets, labels) = s.slot(Kind::Text).last_val.as_ref().ok_or_else(|| fail("no run yet: the teaching rows are a run's validation rows"))?;
        js(&teach::rows_of(texts, targets, labels))
    }

    /// { tokens: [{ token, start, end, weight }], probs: [{ label, p }] } for `text`: the last
    /// layer's attention from [CLS], averaged over heads, on the run's current weights or the
    /// session's model; start/end index the text as a JS string.
    pub fn attention(&self, text: String) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let a = match running(&state) {
                Some(id) => {
                    let trainer = take_trainer(&state, id)?;
                    let r = trainer.attention(&text).await;
                    put_trainer(&state, trainer);
                    core(r)?
                }
                None => {
                    let (model, device) = {
                        let s = state.borrow();
                        (s.slot(Kind::Text).any_model().cloned().ok_or_else(|| fail("no model loaded: load one first"))?, s.device()?)
                    };
                    core(teach::attention::of_model(core(model.text())?, &text, &device).await)?
                }
            };
            js(&utf16(a, &text))
        })
    }

    /// The validation rows the model gets wrong: [{ row, text, label, predicted, confidence }],
    /// most confident first (classification and multi-label; regression is refused).
    pub fn mistakes(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let m = match running(&state) {
                Some(id) => {
                    let trainer = take_trainer(&state, id)?;
                    let r = trainer.mistakes().await;
                    put_trainer(&state, trainer);
                    core(r)?
                }
                None => {
                    let (model, device, rows) = {
                        let s = state.borrow();
                        let rows = s.slot(Kind::Text).last_val.clone().ok_or_else(|| fail("no run yet: mistakes are counted on a run's validation rows"))?;
                        (s.model(Kind::Text)?, s.device()?, rows)
                    };
                    core(teach::mistakes::of_model(core(model.text())?, &rows.0, &rows.1, &device).await)?
                }
            };
            js(&json!(m))
        })
    }
}

fn running(state: &Shared) -> Option<u32> {
    state.borrow().training_run()
}

/// Byte offsets → UTF-16 code-unit offsets into `text`.
fn utf16(mut a: Attention, text: &str) -> Attention {
    let at = |b: usize| text.get(..b).map_or(0, |p| p.encode_utf16().count());
    for t in &mut a.tokens {
        (t.start, t.end) = (at(t.start), at(t.end));
    }
    a
}
