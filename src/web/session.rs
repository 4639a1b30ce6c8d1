//! `Session`: the loaded base model, the fine-tuned model (if any), one dataset and at most one
//! training run, driven step by step from a Web Worker. Every async method returns a Promise and
//! holds no borrow across an await, so a call that arrives mid-step gets a clear "busy" error
//! instead of a panic. The base model is kept: every run starts from it unless told to continue.
use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use js_sys::{Object, Promise, Reflect, Uint8Array};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, data_options, epoch_json, fail, js, run_config};
use crate::backend::{self, BackendKind};
use crate::data::{self, Dataset};
use crate::run::Init;
use crate::task::TaskChoice;
use crate::{Model, ModelFiles, Trainer, checkpoint, export, trajectory};

/// Rows of the data a page can show as a preview.
const PREVIEW_ROWS: usize = 8;

struct Run {
    id: u32,
    /// None while a step (or prepare, or a checkpoint) holds it.
    trainer: Option<Trainer>,
}

#[derive(Default)]
pub(super) struct State {
    device: Option<Device>,
    /// "webgpu" or "cpu": the backend `device` runs on.
    backend: String,
    /// The model as loaded: every `init: pretrained` run starts from it.
    base: Option<Model>,
    /// What the last run trained (or a saved one, applied to the base).
    tuned: Option<Model>,
    /// The model the last run started from: a cancelled `continue` run replaces `tuned`, and
    /// its checkpoint must still find what it started from to resume.
    started_from: Option<Model>,
    data: Option<Dataset>,
    run: Option<Run>,
    /// A grid search or cross-validation: it holds the run slot as a training does (search.rs).
    pub(super) search: Option<super::search::SearchSlot>,
    runs: u32,
    /// The last finished run's validation rows (texts, targets, class names): the teaching
    /// view's mistakes and map rows once its trainer is gone (teach.rs).
    pub(super) last_val: Option<(Vec<String>, crate::task::Targets, Vec<String>)>,
    /// The image task's models and images (images.rs).
    pub(super) images: super::images::ImageSide,
}

#[wasm_bindgen]
pub struct Session {
    pub(super) state: Rc<RefCell<State>>,
}

impl State {
    pub(super) fn device(&self) -> Result<Device, JsValue> {
        self.device.clone().ok_or_else(|| fail("no backend yet: call init first"))
    }

    pub(super) fn idle(&self, what: &str) -> Result<(), JsValue> {
        match (&self.run, &self.search) {
            (Some(r), _) => Err(fail(format!("training run {} is in progress: cancel it (or wait for it to finish) before {what}", r.id))),
            (_, Some(s)) => Err(fail(format!("search {} is in progress: cancel it (or wait for it to finish) before {what}", s.id))),
            _ => Ok(()),
        }
    }

    /// A new run id (trainings and searches share the count).
    pub(super) fn next_run_id(&mut self) -> u32 {
        self.runs += 1;
        self.runs
    }

    /// The loaded base model and data, for a search.
    pub(super) fn base_and_data(&self) -> Result<(Model, &Dataset), JsValue> {
        let data = self.data.as_ref().ok_or_else(|| fail("no data loaded: load a file first"))?;
        Ok((self.base()?, data))
    }

    pub(super) fn backend_name(&self) -> String {
        self.backend.clone()
    }

    fn base(&self) -> Result<Model, JsValue> {
        self.base.clone().ok_or_else(|| fail("no model loaded: load one first"))
    }

    /// The model that predicts: the fine-tuned one, or a loaded model that has a head.
    pub(super) fn model(&self) -> Result<Model, JsValue> {
        self.idle("using the model")?;
        self.current().cloned().ok_or_else(|| match &self.base {
            Some(_) => fail("no fine-tuned model yet: train one first"),
            None => fail("no model loaded: load one first"),
        })
    }

    /// The training run's id (not a search's), if one holds the slot.
    pub(super) fn training_run(&self) -> Option<u32> {
        self.run.as_ref().map(|r| r.id)
    }

    /// The model the teaching view looks into after a run: the predicting one, else the base.
    pub(super) fn any_model(&self) -> Option<Model> {
        self.current().or(self.base.as_ref()).cloned()
    }

    fn current(&self) -> Option<&Model> {
        self.tuned.as_ref().or(self.base.as_ref().filter(|b| b.head.is_some()))
    }

    /// What the session holds, for the page to show: never what the page assumed.
    fn summary(&self) -> serde_json::Value {
        let model = self.current().map(|m| json!({ "labels": m.labels(), "fingerprint": m.fingerprint, "fine_tuned": self.tuned.is_some() }));
        json!({
            "base": self.base.as_ref().map(|b| json!({ "fingerprint": b.fingerprint, "labels": b.labels() })),
            "model": model,
            "data": self.data.is_some(),
            "run_id": self.run.as_ref().map(|r| r.id).or(self.search.as_ref().map(|s| s.id)),
            "image": self.images.summary(),
        })
    }

    pub(super) fn start(&mut self, trainer: Trainer) -> Result<JsValue, JsValue> {
        let id = self.next_run_id();
        let mut info = serde_json::to_value(trainer.info()).map_err(fail)?;
        info["run_id"] = json!(id);
        info["step"] = json!(trainer.steps_done());
        info["image"] = json!(trainer.is_image());
        info["history"] = trainer.history().iter().map(epoch_json).collect();
        self.run = Some(Run { id, trainer: Some(trainer) });
        js(&info)
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
            let mut s = state.borrow_mut();
            s.device = Some(device);
            s.backend = if kind == BackendKind::Gpu { "webgpu" } else { "cpu" }.into();
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

    /// Loads a model from its three files; it becomes the base every run starts from. Returns
    /// its shape, its fingerprint and, if fine-tuned, its classes.
    pub fn load_model(&self, config: &[u8], weights: &[u8], tokenizer: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("loading another model")?;
        let model = core(Model::load(&ModelFiles { config, weights, tokenizer }, &s.device()?))?;
        let info = json!({
            "layers": model.config.num_hidden_layers,
            "hidden_size": model.config.hidden_size,
            "intermediate_size": model.config.intermediate_size,
            "max_position_embeddings": model.config.max_position_embeddings,
            "labels": model.labels(),
            "fingerprint": model.fingerprint,
        });
        s.base = Some(model);
        s.tuned = None;
        s.started_from = None;
        js(&info)
    }

    /// Parses a data file (options: { format, text_column, label_column }); the result says
    /// which columns were used, the classes and what was dropped.
    pub fn load_data(&self, bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
        self.state.borrow().idle("loading other data")?;
        let opts = data_options(options)?;
        let data = data::load(bytes, &opts).map_err(fail)?;
        let mut info = serde_json::to_value(&data).map_err(fail)?;
        // classes as { label: count } for the page, in class order (labels); the first rows as
        // they will be used, for a preview table
        info["classes"] = data.classes.iter().map(|(l, n)| (l.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into();
        info["labels"] = json!(data.labels());
        info["preview"] = data.examples.iter().take(PREVIEW_ROWS).map(|e| json!({ "text": e.text, "label": e.label })).collect();
        self.state.borrow_mut().data = Some(data);
        js(&info)
    }

    /// Starts a run with a RunConfig (the CLI's keys); returns what it will do and its run_id.
    /// `init: "pretrained"` (the default) starts from the loaded base model with a fresh head;
    /// `init: "continue"` trains the fine-tuned model further (same classes only).
    pub fn start_training(&self, config: JsValue) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("starting another")?;
        let cfg = run_config(config)?;
        if cfg.task == TaskChoice::Image {
            let trainer = super::images::start_images(&mut s, cfg)?;
            return s.start(trainer);
        }
        let data = s.data.as_ref().ok_or_else(|| fail("no data loaded: load a file first"))?;
        let model = match (cfg.init, &s.tuned) {
            (Init::Continue, Some(tuned)) => tuned.clone(),
            _ => s.base()?,
        };
        // On an error the session keeps its models: the trainer got a handle, not the original.
        let trainer = core(Trainer::new(model.clone(), data, cfg, &s.device()?))?;
        s.started_from = Some(model);
        s.start(trainer)
    }

    /// Continues a run from a checkpoint (from `checkpoint`, saved by the page) on the loaded
    /// base model and data; returns the same as start_training, with the steps already done.
    pub fn resume_training(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("resuming another")?;
        if core(checkpoint::info(bytes))?.config.task == TaskChoice::Image {
            let trainer = super::images::resume_images(&mut s, bytes)?;
            return s.start(trainer);
        }
        let data = s.data.as_ref().ok_or_else(|| fail("no data loaded: load the file the run trained on first"))?;
        let info = core(checkpoint::info(bytes))?;
        let model = run_start([&s.base, &s.tuned, &s.started_from], |m| &m.fingerprint, &info.base, "model")?;
        let trainer = core(Trainer::resume(model.clone(), data, bytes, &s.device()?))?;
        s.started_from = Some(model);
        s.start(trainer)
    }

    /// Caches the frozen prefix for the next rows: { done, total }, or null when all are cached.
    pub fn prepare(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.prepare().await;
            put_trainer(&state, trainer);
            match core(r)? {
                Some((done, total)) => js(&json!({ "done": done, "total": total })),
                None => Ok(JsValue::NULL),
            }
        })
    }

    /// One optimizer step: { step, epoch, lr, loss, epoch_end } where epoch_end, at the end of
    /// an epoch, holds its summary and validation metrics; null once training is done.
    pub fn step(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            if trainer.is_done() {
                put_trainer(&state, trainer);
                return Ok(JsValue::NULL);
            }
            let r = trainer.step().await;
            put_trainer(&state, trainer);
            let s = core(r)?;
            let epoch_end = s.epoch_end.as_ref().map(epoch_json);
            js(&json!({ "step": s.step, "epoch": s.epoch, "lr": s.lr, "loss": s.loss, "activity": s.activity, "epoch_end": epoch_end }))
        })
    }

    /// The run's trained part so far as checkpoint bytes (`finished`: without the optimizer
    /// state — a model to keep, not a run to continue).
    pub fn checkpoint(&self, run_id: u32, finished: bool) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let trainer = take_trainer(&state, run_id)?;
            let r = trainer.checkpoint(!finished).await;
            put_trainer(&state, trainer);
            Ok(Uint8Array::from(core(r)?.as_slice()).into())
        })
    }

    /// Ends the run. `keep`: what it trained (finished or cancelled) becomes the fine-tuned
    /// model; otherwise (it failed) the session keeps the model it had. Returns `state()`.
    pub fn finish_training(&self, run_id: u32, keep: bool) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        match &s.run {
            Some(r) if r.id == run_id && r.trainer.is_some() => {}
            Some(r) if r.id == run_id => return Err(fail("the run is busy with a step: wait for it")),
            _ => return Err(fail(format!("no training run {run_id} to finish"))),
        }
        let trainer = s.run.take().and_then(|r| r.trainer).ok_or_else(|| fail("no training run to finish"))?;
        if trainer.is_image() {
            if keep {
                s.images.tuned = Some(core(trainer.into_image_model())?);
            }
            return js(&s.summary());
        }
        let (texts, targets) = trainer.val_rows();
        s.last_val = Some((texts, targets, trainer.info().labels.clone()));
        if keep {
            s.tuned = Some(core(trainer.into_model())?);
        }
        js(&s.summary())
    }

    /// A fine-tuned model saved earlier (a finished checkpoint) applied to the loaded base model
    /// (the image model's for an image run's checkpoint).
    pub fn load_trained(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("loading a saved model")?;
        if core(checkpoint::info(bytes))?.config.task == TaskChoice::Image {
            super::images::load_trained_image(&mut s, bytes)?;
            return js(&s.summary());
        }
        let model = core(checkpoint::apply(s.base()?, bytes, &s.device()?))?;
        s.tuned = Some(model);
        js(&s.summary())
    }

    /// What the session holds: { base, model: { labels, fingerprint, fine_tuned } | null, data, run_id }.
    pub fn state(&self) -> Result<JsValue, JsValue> {
        js(&self.state.borrow().summary())
    }

    /// Replays PyTorch's reference runs (the text of trajectories.json) through the trainer on
    /// this backend, from the loaded base model: { cases: { name: { steps, max_loss_rel,
    /// max_lr_rel, final_head_max_abs, final_loss_rel, … } }, worst_loss_rel }.
    pub fn check_trajectory(&self, reference: String) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = {
                let s = state.borrow();
                s.idle("checking the device")?;
                (s.base()?, s.device()?)
            };
            js(&core(trajectory::check(&model, &reference, &device, &mut |_, _| {}).await)?)
        })
    }

    /// The model in `format` ('hf', the default; 'sentence-transformers'; 'onnx'): { path: bytes }
    /// — a folder's files by their path in it (`1_Pooling/config.json`), or { "model.onnx" }.
    pub fn export(&self, format: Option<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let model = state.borrow().model()?;
            let format: export::Format = core(format.as_deref().unwrap_or("hf").parse())?;
            let files: Vec<(String, Vec<u8>)> = match format {
                export::Format::Hf => core(export::export(&model).await)?.all().into_iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect(),
                export::Format::SentenceTransformers => {
                    core(export::sentence_transformers(&model).await)?.all().into_iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect()
                }
                export::Format::Onnx => vec![("model.onnx".to_string(), core(export::onnx::to_onnx(&model).await)?)],
            };
            let out = Object::new();
            for (name, bytes) in files {
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

/// The model a checkpoint's run started from (fingerprint `wanted`) among those the session holds:
/// the loaded one, the fine-tuned one, or what the last run started from (a cancelled `continue`
/// run replaced the fine-tuned one). `what` names the kind: "model", "image model".
pub(super) fn run_start<M: Clone>(held: [&Option<M>; 3], fingerprint: impl Fn(&M) -> &String, wanted: &str, what: &str) -> Result<M, JsValue> {
    held.into_iter().flatten().find(|m| fingerprint(m) == wanted).cloned().ok_or_else(|| match held[0] {
        None => fail(format!("no {what} loaded: load the {what} the run started from, then resume")),
        Some(_) => fail(format!("this run was trained from another {what} than the ones loaded: load the {what} it started from to resume it")),
    })
}

/// The run's trainer, held by the caller until `put_trainer`: a second call meanwhile is refused.
pub(super) fn take_trainer(state: &Rc<RefCell<State>>, run_id: u32) -> Result<Trainer, JsValue> {
    match state.borrow_mut().run.as_mut() {
        Some(r) if r.id == run_id => r.trainer.take().ok_or_else(|| fail(format!("run {run_id} is busy with a step: wait for it"))),
        Some(r) => Err(fail(format!("run {run_id} is not the current run ({})", r.id))),
        None => Err(fail(format!("no training run {run_id}"))),
    }
}

pub(super) fn put_trainer(state: &Rc<RefCell<State>>, trainer: Trainer) {
    if let Some(r) = state.borrow_mut().run.as_mut() {
        r.trainer = Some(trainer);
    }
}
