//! The browser edge, and the only code that touches wasm-bindgen / js-sys / web-sys. It wraps
//! the core in one `Session` that a module Web Worker drives (`session.rs`; what it holds in
//! `state.rs`), for every kind of model and data; the page asks the core's rules for image
//! folders, zips and labels.csv through `rules.rs`. Core errors become JS `Error`s carrying the
//! core's message, once, here.
mod bench;
mod convert;
mod ctors;
mod data;
mod head;
mod logger;
mod models;
mod parts;
mod pool;
mod predict;
mod rules;
mod search;
mod session;
mod sounds;
mod state;
mod teach;
mod training;

pub use session::Session;

use wasm_bindgen::prelude::*;

use crate::RunConfig;
use crate::run::monitors_for;
use crate::task::Task;

#[wasm_bindgen(start)]
pub fn start() {
    ctors::run_once();
    console_error_panic_hook::set_once();
    logger::install();
}

/// The settings a run takes when the page sends none: { config: RunConfig::default(), monitors:
/// { task: [early_stopping metrics it measures] }, contrastive: { the keys a contrastive run
/// defaults otherwise } }, so the page's defaults are the core's.
#[wasm_bindgen]
pub fn settings_defaults() -> Result<JsValue, JsValue> {
    let monitors: serde_json::Map<_, _> = [Task::Classification, Task::MultiLabel, Task::Regression]
        .into_iter()
        .map(|t| (t.name().to_string(), serde_json::json!(monitors_for(t))))
        .collect();
    let contrastive: serde_json::Map<_, _> = crate::run::contrastive_defaults().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    convert::js(&serde_json::json!({ "config": RunConfig::default(), "monitors": monitors, "contrastive": contrastive }))
}

/// What checkpoint bytes say about their run (their metadata: settings, step, epochs, …).
#[wasm_bindgen]
pub fn checkpoint_info(bytes: &[u8]) -> Result<JsValue, JsValue> {
    convert::js(&convert::core(crate::checkpoint::info(bytes))?)
}

/// How many times the module's constructors have run: 1 when the fix in `ctors` holds.
#[wasm_bindgen]
pub fn ctor_runs() -> u32 {
    ctors::runs()
}
