//! `tabtune bench`'s workload in the tab, so scripts/bench can set the wasm figures beside the
//! native ones measured the same way.
use js_sys::Promise;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail, js};
use super::session::Session;
use crate::bench::{self, BenchConfig};

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {
    layers: usize,
    batch_size: usize,
    seq_len: usize,
    steps: usize,
    warmup: usize,
}

impl Default for Options {
    /// The CLI's defaults (shared/bench's workload).
    fn default() -> Self {
        Options { layers: 2, batch_size: 32, seq_len: 128, steps: 5, warmup: 1 }
    }
}

#[wasm_bindgen]
impl Session {
    /// { train_samples_per_s, train_cached_samples_per_s, infer_samples_per_s, … } on this
    /// session's backend; options { layers, batch_size, seq_len, steps, warmup }.
    pub fn bench(&self, options: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let o: Options = if options.is_undefined() || options.is_null() {
                Options::default()
            } else {
                serde_wasm_bindgen::from_value(options).map_err(|e| fail(format!("bench options: {e}")))?
            };
            let (device, kind) = {
                let s = state.borrow();
                s.idle("measuring speed")?;
                (s.device()?, s.backend_name())
            };
            let cfg = BenchConfig { layers: o.layers, batch_size: o.batch_size, seq_len: o.seq_len, steps: o.steps, warmup: o.warmup };
            js(&core(bench::run(&cfg, &kind, &device).await)?)
        })
    }
}
