//! What a `Session` holds, and the rules for reaching it. One `Slot` type holds a kind's models
//! and data (any kind: `AnyModel`, `AnyData`); the state keeps one per kind, because the page
//! holds a text model and an image model at once (its Text / Images switch reloads neither) and
//! `state()` reports both. Every path reaches a slot through `slot(kind)`, with the kind taken
//! from what it was given (a model's config.json, the data, a run's settings, a checkpoint, the
//! inputs), and never asks which kind it holds. At most one training run or search at a time.
//! This file imports none of the files that define the wasm methods (`session.rs`, `models.rs`,
//! `training.rs`, …): they all import it.
use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use serde_json::json;
use wasm_bindgen::JsValue;

use super::convert::{epoch_json, fail, js};
use crate::Trainer;
use crate::export::{BaseFacts, Card};
use crate::kind::{AnyData, AnyModel, Kind};
use crate::search::Search;
use crate::task::Targets;

/// The session's state, shared by its methods (`Session` holds it in an `Rc<RefCell<_>>`).
pub(super) type Shared = Rc<RefCell<State>>;

pub(super) struct State {
    device: Option<Device>,
    /// "webgpu" or "cpu": the backend `device` runs on.
    backend: String,
    /// One per kind, in `Kind::ALL`'s order.
    slots: [Slot; Kind::ALL.len()],
    pub(super) run: Option<Run>,
    /// A grid search or cross-validation: it holds the run slot as a training does (search.rs).
    pub(super) search: Option<SearchSlot>,
    runs: u32,
}

impl Default for State {
    fn default() -> Self {
        State { device: None, backend: String::new(), slots: Kind::ALL.map(Slot::new), run: None, search: None, runs: 0 }
    }
}

/// A kind's models and data.
pub(super) struct Slot {
    kind: Kind,
    /// The model as loaded: every `init: pretrained` run of its kind starts from it.
    pub base: Option<AnyModel>,
    /// What the last run trained (or a saved one, applied to the base).
    pub tuned: Option<AnyModel>,
    /// The model the last run started from: a cancelled `continue` run replaces `tuned`, and
    /// its checkpoint must still find what it started from to resume.
    pub started_from: Option<AnyModel>,
    /// The page's data of this kind: its text file, or its images.
    pub data: Option<AnyData>,
    /// The last finished run's validation rows (texts, targets, class names): the teaching
    /// view's mistakes and map rows once its trainer is gone (teach.rs).
    pub last_val: Option<(Vec<String>, Targets, Vec<String>)>,
    /// What the loaded model's own card says of it (its id, its licence).
    pub base_facts: BaseFacts,
    /// The fine-tuned model's card: every download of it carries it.
    pub card: Option<Card>,
}

pub(super) struct Run {
    pub id: u32,
    pub kind: Kind,
    /// None while a step (or prepare, or a checkpoint) holds it.
    pub trainer: Option<Trainer>,
}

pub(super) struct SearchSlot {
    pub id: u32,
    /// None while an advance holds it.
    pub search: Option<Search>,
    /// A cancel that arrived: applied before the next advance, which then says Done.
    pub cancelled: bool,
}

/// What the page is told about a kind when something is missing (a row per kind, as the page
/// has always said it: the text kind was the only one, so its words name no kind).
pub(super) struct Words {
    /// The model, as "no {model} loaded" and "load the {model} it started from" say it.
    pub model: &'static str,
    pub no_model: &'static str,
    pub no_tuned: &'static str,
    pub no_data: &'static str,
    pub no_data_to_resume: &'static str,
}

const WORDS: [(Kind, Words); 3] = [
    (Kind::Text, Words {
        model: "model",
        no_model: "no model loaded: load one first",
        no_tuned: "no fine-tuned model yet: train one first",
        no_data: "no data loaded: load a file first",
        no_data_to_resume: "no data loaded: load the file the run trained on first",
    }),
    (Kind::Image, Words {
        model: "image model",
        no_model: "no image model loaded: switch to Images (or call loadImageModel) first",
        no_tuned: "no fine-tuned image model yet: train one first",
        no_data: "no images yet: add a folder, files, a zip or webcam frames to two classes or more",
        no_data_to_resume: "no images yet: add the images the run trained on, then resume",
    }),
    (Kind::Audio, Words {
        model: "sound model",
        no_model: "no sound model loaded: load one first",
        no_tuned: "no fine-tuned sound model yet: train one first",
        no_data: "no clips yet: record or add clips to two classes or more",
        no_data_to_resume: "no clips yet: add the clips the run trained on, then resume",
    }),
];

pub(super) fn words(kind: Kind) -> &'static Words {
    &WORDS.iter().find(|(k, _)| *k == kind).unwrap_or(&WORDS[0]).1
}

fn at(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl State {
    pub(super) fn device(&self) -> Result<Device, JsValue> {
        self.device.clone().ok_or_else(|| fail("no backend yet: call init first"))
    }

    pub(super) fn set_device(&mut self, device: Device, backend: &str) {
        self.device = Some(device);
        self.backend = backend.into();
    }

    pub(super) fn backend_name(&self) -> String {
        self.backend.clone()
    }

    pub(super) fn slot(&self, kind: Kind) -> &Slot {
        &self.slots[at(kind)]
    }

    pub(super) fn slot_mut(&mut self, kind: Kind) -> &mut Slot {
        &mut self.slots[at(kind)]
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

    /// The model of `kind` that predicts, once no run holds the session.
    pub(super) fn model(&self, kind: Kind) -> Result<AnyModel, JsValue> {
        self.idle("using the model")?;
        self.slot(kind).model().cloned()
    }

    /// The training run's id (not a search's), if one holds the slot.
    pub(super) fn training_run(&self) -> Option<u32> {
        self.run.as_ref().map(|r| r.id)
    }

    /// Holds `trainer` as the run in progress: { its TrainInfo, run_id, step, kind, image,
    /// history } for the page.
    pub(super) fn start(&mut self, trainer: Trainer) -> Result<JsValue, JsValue> {
        let id = self.next_run_id();
        let mut info = serde_json::to_value(trainer.info()).map_err(fail)?;
        info["run_id"] = json!(id);
        info["step"] = json!(trainer.steps_done());
        info["kind"] = json!(trainer.kind().name());
        // what the page read before `kind` (its progress line says blocks and images)
        info["image"] = json!(trainer.kind() == Kind::Image);
        info["history"] = trainer.history().iter().map(epoch_json).collect();
        self.run = Some(Run { id, kind: trainer.kind(), trainer: Some(trainer) });
        js(&info)
    }

    /// What the session holds, for the page to show: never what the page assumed. `kinds`:
    /// { text: Slot::summary, image: … }; `run`: { id, kind } of the training or search (a
    /// search is a text run) holding the session, else null. As the page read them before
    /// `kinds`: the text slot at the top (`base`, `model`, `data`: whether a file is loaded),
    /// the image slot under `image` (`images`: how many), and `run_id`.
    pub(super) fn summary(&self) -> serde_json::Value {
        let kinds: serde_json::Map<_, _> = Kind::ALL.iter().map(|&k| (k.name().to_string(), self.slot(k).summary())).collect();
        let (text, image) = (&kinds[Kind::Text.name()], &kinds[Kind::Image.name()]);
        let training = self.run.as_ref().map(|r| (r.id, r.kind));
        let run = training.or(self.search.as_ref().map(|s| (s.id, Kind::Text)));
        json!({
            "base": text["base"],
            "model": text["model"],
            "data": !text["data"].is_null(),
            "run_id": run.map(|(id, _)| id),
            "image": { "base": image["base"], "model": image["model"], "images": image["data"]["examples"].as_u64().unwrap_or(0) },
            "run": run.map(|(id, kind)| json!({ "id": id, "kind": kind.name() })),
            "kinds": kinds,
        })
    }
}

impl Slot {
    fn new(kind: Kind) -> Slot {
        Slot { kind, base: None, tuned: None, started_from: None, data: None, last_val: None, base_facts: BaseFacts::default(), card: None }
    }

    /// The model that predicts: the fine-tuned one, or a loaded model that came with a task head.
    pub(super) fn current(&self) -> Option<&AnyModel> {
        self.tuned.as_ref().or(self.base.as_ref().filter(|b| b.has_task_head()))
    }

    pub(super) fn model(&self) -> Result<&AnyModel, JsValue> {
        self.current().ok_or_else(|| match &self.base {
            Some(_) => fail(words(self.kind).no_tuned),
            None => fail(words(self.kind).no_model),
        })
    }

    /// The card of the model that predicts: the fine-tuned model's (a loaded model has none).
    pub(super) fn current_card(&self) -> Option<&Card> {
        self.tuned.as_ref().and(self.card.as_ref())
    }

    pub(super) fn base(&self) -> Result<AnyModel, JsValue> {
        self.base.clone().ok_or_else(|| fail(words(self.kind).no_model))
    }

    /// The model the teaching view looks into after a run: the predicting one, else the base.
    pub(super) fn any_model(&self) -> Option<&AnyModel> {
        self.current().or(self.base.as_ref())
    }

    /// The model a checkpoint's run started from (fingerprint `wanted`) among those held: the
    /// loaded one, the fine-tuned one, or what the last run started from (a cancelled `continue`
    /// run replaced the fine-tuned one).
    pub(super) fn run_start(&self, wanted: &str) -> Result<AnyModel, JsValue> {
        let held = [&self.base, &self.tuned, &self.started_from];
        let what = words(self.kind).model;
        held.into_iter().flatten().find(|m| m.fingerprint() == wanted).cloned().ok_or_else(|| match &self.base {
            None => fail(format!("no {what} loaded: load the {what} the run started from, then resume")),
            Some(_) => fail(format!("this run was trained from another {what} than the ones loaded: load the {what} it started from to resume it")),
        })
    }

    /// { base: AnyModel::describe | null, model: the same with labels and fine_tuned | null,
    /// data: { kind, examples } | null }.
    fn summary(&self) -> serde_json::Value {
        let model = self.current().map(|m| {
            let mut v = m.describe();
            v["labels"] = json!(m.labels());
            v["fine_tuned"] = json!(self.tuned.is_some());
            v
        });
        json!({
            "base": self.base.as_ref().map(AnyModel::describe),
            "model": model,
            "data": self.data.as_ref().map(|d| json!({ "kind": d.kind().name(), "examples": d.len() })),
        })
    }

}

/// The run's trainer, held by the caller until `put_trainer`: a second call meanwhile is refused.
pub(super) fn take_trainer(state: &Shared, run_id: u32) -> Result<Trainer, JsValue> {
    match state.borrow_mut().run.as_mut() {
        Some(r) if r.id == run_id => r.trainer.take().ok_or_else(|| fail(format!("run {run_id} is busy with a step: wait for it"))),
        Some(r) => Err(fail(format!("run {run_id} is not the current run ({})", r.id))),
        None => Err(fail(format!("no training run {run_id}"))),
    }
}

pub(super) fn put_trainer(state: &Shared, trainer: Trainer) {
    if let Some(r) = state.borrow_mut().run.as_mut() {
        r.trainer = Some(trainer);
    }
}
