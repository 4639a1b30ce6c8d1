//! Every core trains: a step of a run on the CPU backend split across the pool of workers
//! (`train::parts`). The training worker's `Session` splits the step (`split_step`), computes
//! its own part (`own_part`) while each pool worker's `PartRunner` computes one of the others,
//! and joins their gradients (`join_step`); after it the pool gets the new weights
//! (`top_weights`). A pool worker is loaded once per run (`part_files`).
use js_sys::{Array, Float32Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail};
use super::session::Session;
use super::state::{put_trainer, take_trainer};
use super::training::step_json;
use crate::backend::{self, BackendKind};
use crate::kind::Kind;
use crate::train::{PartFiles, PartWorker};

#[wasm_bindgen]
impl Session {
    /// Begins run `run_id`'s next step in `parts` parts: an array of the parts for the pool
    /// (Uint8Array each; part 0 stays here), or null when the run's steps are not split
    /// (contrastive) and `step` takes them whole.
    pub fn split_step(&self, run_id: u32, parts: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.split_step(parts).await;
            put_trainer(&state, trainer);
            Ok(match core(r)? {
                Some(others) => others.iter().map(|b| JsValue::from(Uint8Array::from(b.as_slice()))).collect::<Array>().into(),
                None => JsValue::NULL,
            })
        })
    }

    /// Part 0's gradients, here.
    pub fn own_part(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.own_part().await;
            put_trainer(&state, trainer);
            core(r)?;
            Ok(JsValue::TRUE)
        })
    }

    /// Ends the step with the pool's gradients (Float32Array each, in part order): what `step`
    /// answers.
    pub fn join_step(&self, run_id: u32, grads: Array) -> Promise {
        let state = self.state.clone();
        let others: Vec<Vec<f32>> = grads.iter().map(|g| Float32Array::new(&g).to_vec()).collect();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.join_step(&others).await;
            put_trainer(&state, trainer);
            step_json(&core(r)?)
        })
    }

    /// The run's trainable weights (Float32Array) for `PartRunner::set_weights`.
    pub fn top_weights(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let trainer = take_trainer(&state, run_id)?;
            let r = trainer.top_weights().await;
            put_trainer(&state, trainer);
            Ok(Float32Array::from(core(r)?.as_slice()).into())
        })
    }

    /// What `PartRunner.load` takes for this run: { kind, config, checkpoint, first, outputs }.
    pub fn part_files(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let trainer = take_trainer(&state, run_id)?;
            let r = trainer.part_files().await;
            put_trainer(&state, trainer);
            let f = core(r)?;
            let out = Object::new();
            Reflect::set(&out, &"kind".into(), &f.kind.name().into())?;
            Reflect::set(&out, &"config".into(), &Uint8Array::from(f.config.as_slice()))?;
            Reflect::set(&out, &"checkpoint".into(), &Uint8Array::from(f.checkpoint.as_slice()))?;
            Reflect::set(&out, &"first".into(), &(f.first as u32).into())?;
            Reflect::set(&out, &"outputs".into(), &(f.outputs as u32).into())?;
            Ok(out.into())
        })
    }
}

/// A pool worker's copy of a run's trainable top, on the CPU backend.
#[wasm_bindgen]
pub struct PartRunner {
    worker: PartWorker,
}

#[wasm_bindgen]
impl PartRunner {
    /// From `Session::part_files`' output.
    pub async fn load(kind: String, config: Vec<u8>, checkpoint: Vec<u8>, first: usize, outputs: usize) -> Result<PartRunner, JsValue> {
        let kind = match kind.as_str() {
            "text" => Kind::Text,
            "image" => Kind::Image,
            "audio" => Kind::Audio,
            other => return Err(fail(format!("a part runner for '{other}' models does not exist"))),
        };
        let device = core(backend::device(BackendKind::Cpu).await)?;
        let files = PartFiles { kind, config, checkpoint, first, outputs };
        Ok(PartRunner { worker: core(PartWorker::load(&files, &device))? })
    }

    /// The run's weights as `Session::top_weights` gives them.
    pub fn set_weights(&mut self, weights: Vec<f32>) -> Result<(), JsValue> {
        core(self.worker.set_weights(&weights))
    }

    /// A part's gradients and loss (Float32Array) as `Session::join_step` takes them.
    pub async fn grads(&self, part: Vec<u8>) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(core(self.worker.grads(&part).await)?.as_slice()))
    }
}
