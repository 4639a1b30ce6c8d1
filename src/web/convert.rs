//! Values across the wasm edge: core errors become JS `Error`s carrying the core's message (once,
//! here), serde structs become plain JS objects, JS options become core structs.
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;

use crate::data::DataOptions;
use crate::kind::Kind;
use crate::{Error, RunConfig};
use crate::train::EpochSummary;

pub fn fail(msg: impl std::fmt::Display) -> JsValue {
    JsError::new(&msg.to_string()).into()
}

pub fn js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(fail)
}

pub fn core<T>(r: Result<T, Error>) -> Result<T, JsValue> {
    r.map_err(fail)
}

/// { format, text_column, label_column } from JS; undefined or null means all inferred.
pub fn data_options(options: JsValue) -> Result<DataOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(DataOptions::default());
    }
    serde_wasm_bindgen::from_value(options).map_err(|e| fail(format!("data options: {e}")))
}

/// Settings from JS through the same parser as the CLI's --config, so a bad value is refused
/// with the very message the CLI prints (`training settings: optimizer: unknown variant …`).
pub fn run_config(config: JsValue) -> Result<RunConfig, JsValue> {
    if config.is_undefined() || config.is_null() {
        return Ok(RunConfig::default());
    }
    let value: serde_json::Value = serde_wasm_bindgen::from_value(config).map_err(|e| fail(format!("training settings: {e}")))?;
    core(RunConfig::from_value(value))
}

/// An epoch's summary with its full validation metrics under `metrics`, tagged by task
/// (`{"task": "classification", "acc", "macro_f1", "per_class", "confusion"}`, …).
pub fn epoch_json(e: &EpochSummary) -> serde_json::Value {
    let mut v = json!(e);
    if let Some(m) = &e.val_metrics {
        v["metrics"] = json!(m);
    }
    v
}

/// A kind by the name the page gives it ('text', 'image'); none given: text, the kind the page's
/// calls meant before they named one.
pub fn kind_named(name: Option<&str>) -> Result<Kind, JsValue> {
    let Some(name) = name else { return Ok(Kind::Text) };
    Kind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        fail(format!("kind '{name}' is unknown: use {}", names.join(" or ")))
    })
}
