//! The contrastive strategy's head at the wasm edge: a run fits it at each epoch end; one
//! cancelled mid-epoch fits it here before the model is kept, so it matches the layers.
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::core;
use super::session::Session;
use super::state::{put_trainer, take_trainer};

#[wasm_bindgen]
impl Session {
    /// Fits run `run_id`'s head to its layers as they are now (nothing for standard runs).
    pub fn fit_head(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.fit_head().await;
            put_trainer(&state, trainer);
            core(r)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
