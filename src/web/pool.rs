//! The frozen prefix on every core: the training worker's `Session` hands the prefix pass out in
//! chunks (`prefix_plan`, `chunk_rows`, `put_chunk`) to a pool of module workers, each running a
//! `PrefixRunner` — its own wasm instance holding only the frozen layers (`prefix_files`). The
//! pass is pure inference over independent rows, so the chunks can run anywhere in any order.
use burn::prelude::Device;
use js_sys::{Object, Promise, Reflect, Uint8Array, Uint32Array};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail, js};
use super::session::Session;
use super::state::{put_trainer, take_trainer};
use crate::backend::{self, BackendKind};
use crate::prefix::{self, Prefix};
use crate::run::CacheDtype;

#[wasm_bindgen]
impl Session {
    /// What a pool needs for run `run_id`'s prefix pass: { chunks, rows, key, f16, pool }, where `key`
    /// names the prefix (model and frozen layers) so a pool loads it once; null when nothing is
    /// left to cache (the cache is off, or done).
    pub fn prefix_plan(&self, run_id: u32) -> Result<JsValue, JsValue> {
        let trainer = take_trainer(&self.state, run_id)?;
        let plan = (!trainer.is_prepared()).then(|| {
            json!({
                "chunks": trainer.prefix_chunks(),
                "rows": trainer.info().train_rows + trainer.info().val_rows,
                "key": format!("{}:{}", trainer.base_fingerprint(), trainer.info().frozen_layers),
                "f16": trainer.config().cache_dtype == CacheDtype::F16,
                // the pool's workers run text prefixes of at least one layer (with every layer
                // trained, the prefix is the embeddings alone: cheap here); an image run's
                // frozen blocks run here
                "pool": trainer.text().is_ok() && trainer.info().frozen_layers > 0,
            })
        });
        put_trainer(&self.state, trainer);
        js(&plan)
    }

    /// The run's frozen prefix as files for `PrefixRunner`: { config, weights } bytes.
    pub fn prefix_files(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let trainer = take_trainer(&state, run_id)?;
            let files = trainer.prefix_files().await;
            put_trainer(&state, trainer);
            let (config, weights) = core(files)?;
            let out = Object::new();
            Reflect::set(&out, &"config".into(), &Uint8Array::from(config.as_slice()))?;
            Reflect::set(&out, &"weights".into(), &Uint8Array::from(weights.as_slice()))?;
            Ok(out.into())
        })
    }

    /// Chunk `j`'s rows: { ids (all rows' token ids, one after another), lens }.
    pub fn chunk_rows(&self, run_id: u32, j: usize) -> Result<JsValue, JsValue> {
        let trainer = take_trainer(&self.state, run_id)?;
        let rows = trainer.chunk_rows(j);
        let ids: Vec<u32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
        let lens: Vec<u32> = rows.iter().map(|r| r.len() as u32).collect();
        put_trainer(&self.state, trainer);
        let out = Object::new();
        Reflect::set(&out, &"ids".into(), &Uint32Array::from(ids.as_slice()))?;
        Reflect::set(&out, &"lens".into(), &Uint32Array::from(lens.as_slice()))?;
        Ok(out.into())
    }

    /// Runs chunk `j` here, beside the pool: { done, total } rows.
    pub fn prepare_chunk(&self, run_id: u32, j: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let mut trainer = take_trainer(&state, run_id)?;
            let r = trainer.prepare_chunk(j).await;
            put_trainer(&state, trainer);
            let (done, total) = core(r)?;
            js(&json!({ "done": done, "total": total }))
        })
    }

    /// Stores chunk `j`'s states as a `PrefixRunner` computed them: { done, total } rows.
    pub fn put_chunk(&self, run_id: u32, j: usize, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let mut trainer = take_trainer(&self.state, run_id)?;
        let lens: Vec<usize> = trainer.chunk_rows(j).iter().map(|r| r.len()).collect();
        // a pool runs text prefixes (an image run is refused here, after the trainer is put back)
        let hidden = trainer.text().map(|(model, _)| model.config.hidden_size);
        let r = hidden
            .and_then(|h| prefix::rows_from_bytes(bytes, &lens, h, trainer.config().cache_dtype))
            .and_then(|rows| trainer.put_chunk(j, rows));
        put_trainer(&self.state, trainer);
        let (done, total) = core(r)?;
        js(&json!({ "done": done, "total": total }))
    }

    /// A digest of the run's cached rows (tests compare a pool's with one worker's).
    pub fn cache_digest(&self, run_id: u32) -> Result<String, JsValue> {
        let trainer = take_trainer(&self.state, run_id)?;
        let digest = trainer.cache_digest();
        put_trainer(&self.state, trainer);
        Ok(digest)
    }
}

/// One pool worker's frozen prefix, on the CPU backend.
#[wasm_bindgen]
pub struct PrefixRunner {
    prefix: Prefix,
    device: Device,
}

#[wasm_bindgen]
impl PrefixRunner {
    /// Loads the prefix from `Session::prefix_files`' output.
    pub async fn load(config: Vec<u8>, weights: Vec<u8>) -> Result<PrefixRunner, JsValue> {
        let device = core(backend::device(BackendKind::Cpu).await)?;
        let prefix = core(prefix::from_files(&config, &weights, &device))?;
        Ok(PrefixRunner { prefix, device })
    }

    /// The prefix's states for rows given as `chunk_rows` gives them, as `put_chunk` takes them.
    pub async fn cache(&self, ids: Vec<u32>, lens: Vec<u32>, f16: bool) -> Result<Uint8Array, JsValue> {
        let mut rows = Vec::with_capacity(lens.len());
        let mut at = 0;
        for &n in &lens {
            let row = ids.get(at..at + n as usize).ok_or_else(|| fail("chunk rows: lens add up to more than ids"))?;
            rows.push(row);
            at += n as usize;
        }
        let dtype = if f16 { CacheDtype::F16 } else { CacheDtype::F32 };
        let cached = core(self.prefix.cache(&rows, &self.device, dtype).await)?;
        Ok(Uint8Array::from(prefix::rows_to_bytes(&cached).as_slice()))
    }
}
