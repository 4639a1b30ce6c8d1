//! `Session`: one object a Web Worker drives, holding the models, the data and at most one run
//! (`state.rs`), with its wasm methods grouped by topic: the backend and what it holds (here),
//! models (`models.rs`), data (`data.rs`), training (`training.rs`), predicting (`predict.rs`),
//! sounds (`sounds.rs`), searches, teaching, the prefix pool, the contrastive head and the
//! bench. Every async method returns a Promise and holds no borrow
//! across an await, so a call that arrives mid-step gets a clear "busy" error instead of a panic.
use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail, js};
use super::state::{Shared, State};
use crate::backend::{self, BackendKind};
use crate::kind::Kind;
use crate::trajectory;

#[wasm_bindgen]
pub struct Session {
    pub(super) state: Shared,
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session { state: Rc::new(RefCell::new(State::default())) }
    }

    /// Starts the backend: "webgpu" (burn's wgpu on the browser's WebGPU) or "cpu" (flex).
    pub fn init(&self, kind: String) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (backend, name) = match kind.as_str() {
                "webgpu" => (BackendKind::Gpu, "webgpu"),
                "cpu" => (BackendKind::Cpu, "cpu"),
                other => return Err(fail(format!("backend '{other}' is unknown: use webgpu or cpu"))),
            };
            let device = core(backend::device(backend).await)?;
            state.borrow_mut().set_device(device, name);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// One tiny training step here and on the CPU backend: { max_diff, ms } (see backend::self_check).
    pub fn self_check(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let device = state.borrow().device()?;
            let t0 = web_time::Instant::now();
            let diff = core(backend::self_check(&device).await)?;
            let diff = if diff.is_finite() { json!(diff) } else { json!("not finite") };
            js(&json!({ "max_diff": diff, "ms": t0.elapsed().as_secs_f64() * 1e3 }))
        })
    }

    /// What the session holds (`State::summary`): { kinds: { text, image }: { base, model, data },
    /// run: { id, kind } | null, run_id } and, as before, the text kind's { base, model: { labels,
    /// fingerprint, fine_tuned } | null, data } at the top and the image kind's under `image`.
    pub fn state(&self) -> Result<JsValue, JsValue> {
        js(&self.state.borrow().summary())
    }

    /// Replays PyTorch's reference runs (the text of trajectories.json) through the trainer on
    /// this backend, from the loaded text model: { cases: { name: { steps, max_loss_rel,
    /// max_lr_rel, final_head_max_abs, final_loss_rel, … } }, worst_loss_rel }.
    pub fn check_trajectory(&self, reference: String) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = {
                let s = state.borrow();
                s.idle("checking the device")?;
                (s.slot(Kind::Text).base()?, s.device()?)
            };
            let model = core(model.into_text())?;
            js(&core(trajectory::check(&model, &reference, &device, &mut |_, _| {}).await)?)
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}
