//! A training run, driven step by step from the worker, for any kind: started from settings
//! (their task says the kind: `image` trains the image model on the images, any other task the
//! text model on the file), or resumed from a checkpoint (which says its kind); then prepare,
//! step, checkpoint, finish. The run takes its kind's slot's model and data.
use js_sys::{Promise, Uint8Array};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, epoch_json, fail, js, run_config};
use super::session::Session;
use super::state::{put_trainer, take_trainer, words};
use crate::kind::Kind;
use crate::run::Init;
use crate::train::StepInfo;
use crate::export::Card;
use crate::{Trainer, checkpoint};

#[wasm_bindgen]
impl Session {
    /// Starts a run with a RunConfig (the CLI's keys); returns what it will do and its run_id.
    /// `task: "image"` trains the image model on the images (`set_images`), any other task the
    /// text model on the file (`load_data`). `init: "pretrained"` (the default) starts from the
    /// loaded model with a fresh head; `init: "continue"` trains the fine-tuned model further
    /// (same classes only).
    pub fn start_training(&self, config: JsValue) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("starting another")?;
        let cfg = run_config(config)?;
        let kind = Kind::of_run(&cfg);
        let slot = s.slot(kind);
        let data = slot.data.as_ref().ok_or_else(|| fail(words(kind).no_data))?;
        let model = match (cfg.init, &slot.tuned) {
            (Init::Continue, Some(tuned)) => tuned.clone(),
            _ => slot.base()?,
        };
        // On an error the session keeps its models: the trainer got a handle, not the original.
        let trainer = core(Trainer::new(model.clone(), data, cfg, &s.device()?))?;
        s.slot_mut(kind).started_from = Some(model);
        s.start(trainer)
    }

    /// Continues a run from a checkpoint (from `checkpoint`, saved by the page) on the model it
    /// started from and the same data, of the checkpoint's kind; returns the same as
    /// start_training, with the steps already done.
    pub fn resume_training(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("resuming another")?;
        let info = core(checkpoint::info(bytes))?;
        let kind = info.kind();
        let slot = s.slot(kind);
        let data = slot.data.as_ref().ok_or_else(|| fail(words(kind).no_data_to_resume))?;
        let model = slot.run_start(&info.base)?;
        let trainer = core(Trainer::resume(model.clone(), data, bytes, &s.device()?))?;
        s.slot_mut(kind).started_from = Some(model);
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
            step_json(&core(r)?)
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
    /// model of its kind; otherwise (it failed) the session keeps the model it had. Returns
    /// `state()`.
    pub async fn finish_training(&self, run_id: u32, keep: bool) -> Result<JsValue, JsValue> {
        let trainer = {
            let mut s = self.state.borrow_mut();
            match &s.run {
                Some(r) if r.id == run_id && r.trainer.is_some() => {}
                Some(r) if r.id == run_id => return Err(fail("the run is busy with a step: wait for it")),
                _ => return Err(fail(format!("no training run {run_id} to finish"))),
            }
            let trainer = s.run.take().and_then(|r| r.trainer).ok_or_else(|| fail("no training run to finish"))?;
            let (texts, targets) = trainer.val_rows();
            s.slot_mut(trainer.kind()).last_val = Some((texts, targets, trainer.info().labels.clone()));
            trainer
        };
        let kind = trainer.kind();
        // the run slot is already free: the weights are read back (async) without holding the state
        if keep {
            let run = trainer.facts();
            let model = core(trainer.into_model().await)?;
            let mut s = self.state.borrow_mut();
            let slot = s.slot_mut(kind);
            slot.card = Some(Card { base: slot.base_facts.clone(), run });
            slot.tuned = Some(model);
        }
        js(&self.state.borrow().summary())
    }
}

/// What `step` (and `join_step`) answer of a step taken.
pub(super) fn step_json(s: &StepInfo) -> Result<JsValue, JsValue> {
    let epoch_end = s.epoch_end.as_ref().map(epoch_json);
    js(&json!({ "step": s.step, "epoch": s.epoch, "lr": s.lr, "loss": s.loss, "activity": s.activity, "epoch_end": epoch_end }))
}
