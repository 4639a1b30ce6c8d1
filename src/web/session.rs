//! `Session`: one model, one dataset, at most one training run, driven step by step from a
//! Web Worker. Every async method returns a Promise and holds no borrow across an await, so a
//! call that arrives mid-step gets a clear "busy" error instead of a panic.
use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use js_sys::{Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::backend::{self, BackendKind};
use crate::data::{self, DataOptions, Dataset};
use crate::{Error, Model, ModelFiles, RunConfig, Trainer, export, infer};

/// Rows of the data a page can show as a preview.
const PREVIEW_ROWS: usize = 8;

#[derive(Default)]
struct State {
    device: Option<Device>,
    /// None while a run holds it.
    model: Option<Model>,
    data: Option<Dataset>,
    trainer: Option<Trainer>,
}

#[wasm_bindgen]
pub struct Session {
    state: Rc<RefCell<State>>,
}

fn fail(msg: impl std::fmt::Display) -> JsValue {
    JsError::new(&msg.to_string()).into()
}

fn js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(fail)
}

fn core<T>(r: Result<T, Error>) -> Result<T, JsValue> {
    r.map_err(fail)
}

impl State {
    fn device(&self) -> Result<Device, JsValue> {
        self.device.clone().ok_or_else(|| fail("no backend yet: call init first"))
    }

    /// A handle on the model for inference (cheap: tensors are shared, not copied).
    fn model(&self) -> Result<Model, JsValue> {
        match (&self.model, &self.trainer) {
            (Some(m), _) => Ok(m.clone()),
            (None, Some(_)) => Err(fail("the model is training: wait for it to finish or cancel it")),
            (None, None) => Err(fail("no model loaded: load one first")),
        }
    }
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
            let kind = match kind.as_str() {
                "webgpu" => BackendKind::Gpu,
                "cpu" => BackendKind::Cpu,
                other => return Err(fail(format!("backend '{other}' is unknown: use webgpu or cpu"))),
            };
            let device = core(backend::device(kind).await)?;
            state.borrow_mut().device = Some(device);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Loads a model from its three files; returns its shape and, if fine-tuned, its classes.
    pub fn load_model(&self, config: &[u8], weights: &[u8], tokenizer: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        if s.trainer.is_some() {
            return Err(fail("a training run is in progress: cancel it before loading another model"));
        }
        let model = core(Model::load(&ModelFiles { config, weights, tokenizer }, &s.device()?))?;
        let info = json!({
            "layers": model.config.num_hidden_layers,
            "hidden_size": model.config.hidden_size,
            "intermediate_size": model.config.intermediate_size,
            "labels": model.labels(),
        });
        s.model = Some(model);
        js(&info)
    }

    /// Parses a data file (options: { format, text_column, label_column }); the result says
    /// which columns were used, the classes and what was dropped.
    pub fn load_data(&self, bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
        let opts = data_options(options)?;
        let data = data::load(bytes, &opts).map_err(fail)?;
        let classes: serde_json::Map<String, serde_json::Value> =
            data.classes.iter().map(|(l, n)| (l.clone(), json!(n))).collect();
        let info = json!({
            "rows": data.rows,
            "format": data.format,
            "columns": data.columns,
            "text_column": data.text_column,
            "label_column": data.label_column,
            "inferred_columns": data.inferred_columns,
            "classes": classes,
            "labels": data.labels(),
            "dropped": data.dropped,
            // the first rows as they will be used, for a preview table
            "preview": data.examples.iter().take(PREVIEW_ROWS).map(|e| json!({ "text": e.text, "label": e.label })).collect::<Vec<_>>(),
        });
        self.state.borrow_mut().data = Some(data);
        js(&info)
    }

    /// Starts a run with a RunConfig (the CLI's keys); returns what it will do.
    pub fn start_training(&self, config: JsValue) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        if s.trainer.is_some() {
            return Err(fail("a training run is already in progress"));
        }
        let cfg: RunConfig = if config.is_undefined() || config.is_null() {
            RunConfig::default()
        } else {
            serde_wasm_bindgen::from_value(config).map_err(|e| fail(format!("training settings: {e}")))?
        };
        let data = s.data.as_ref().ok_or_else(|| fail("no data loaded: load a file first"))?;
        let model = s.model()?;
        // On an error the session keeps its model: the trainer got a handle, not the original.
        let trainer = core(Trainer::new(model, data, cfg, &s.device()?))?;
        let info = js(trainer.info())?;
        s.model = None;
        s.trainer = Some(trainer);
        Ok(info)
    }

    /// Caches the frozen prefix for the next rows: { done, total }, or null when all are cached.
    pub fn prepare(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state)?;
            let r = trainer.prepare().await;
            state.borrow_mut().trainer = Some(trainer);
            match core(r)? {
                Some((done, total)) => js(&json!({ "done": done, "total": total })),
                None => Ok(JsValue::NULL),
            }
        })
    }

    /// One optimizer step: { step, epoch, lr, loss, epoch_end } where epoch_end, at the end of
    /// an epoch, holds its summary and validation metrics; null once training is done.
    pub fn step(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state)?;
            if trainer.is_done() {
                state.borrow_mut().trainer = Some(trainer);
                return Ok(JsValue::NULL);
            }
            let r = trainer.step().await;
            state.borrow_mut().trainer = Some(trainer);
            let s = core(r)?;
            let epoch_end = s.epoch_end.as_ref().map(|e| {
                let mut v = json!(e);
                if let Some(m) = &e.val_metrics {
                    v["per_class"] = json!(m.per_class);
                    v["confusion"] = json!(m.confusion);
                }
                v
            });
            js(&json!({ "step": s.step, "epoch": s.epoch, "lr": s.lr, "loss": s.loss, "epoch_end": epoch_end }))
        })
    }

    /// Ends the run (finished or cancelled) and keeps what it trained as the session's model.
    pub fn finish_training(&self) -> Result<(), JsValue> {
        let mut s = self.state.borrow_mut();
        let trainer = s.trainer.take().ok_or_else(|| fail("no training run to finish"))?;
        s.model = Some(core(trainer.into_model())?);
        Ok(())
    }

    /// Accuracy, macro-F1, per-class scores and the confusion matrix on a labelled file.
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

    /// The model's files in the HF layout: { "config.json", "model.safetensors", "tokenizer.json" } as bytes.
    pub fn export(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let model = state.borrow().model()?;
            let files = core(export::export(&model).await)?;
            let out = Object::new();
            for (name, bytes) in [("config.json", &files.config), ("model.safetensors", &files.weights), ("tokenizer.json", &files.tokenizer)] {
                Reflect::set(&out, &name.into(), &Uint8Array::from(bytes.as_slice()))?;
            }
            Ok(out.into())
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// Predictions as JSON objects with probabilities keyed by class, and the text when asked.
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
            let probs: serde_json::Map<_, _> = labels.iter().zip(&p.probs).map(|(l, v)| (l.clone(), json!(v))).collect();
            let mut v = json!({ "label": p.label, "probs": probs });
            if with_text {
                v["text"] = json!(text);
            }
            v
        })
        .collect())
}

/// { format, text_column, label_column } from JS; undefined or null means all inferred.
fn data_options(options: JsValue) -> Result<DataOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(DataOptions::default());
    }
    serde_wasm_bindgen::from_value(options).map_err(|e| fail(format!("data options: {e}")))
}

fn take_trainer(state: &Rc<RefCell<State>>) -> Result<Trainer, JsValue> {
    state.borrow_mut().trainer.take().ok_or_else(|| fail("no training run (or a step is already running)"))
}
