//! Grid search and cross-validation in the tab: the core's `Search`, stepped from the worker one
//! event at a time (`search_advance`), in the session's run slot — while it exists, `idle()`
//! refuses other work, as during a training. Like the trainer, the search is taken out of its
//! slot for each await, so a call that arrives meanwhile is refused instead of panicking.
use js_sys::Promise;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, epoch_json, fail, js};
use super::session::Session;
use super::state::{SearchSlot, Shared, words};
use crate::kind::Kind;
use crate::search::{Search, SearchEvent, SearchSpec};

#[wasm_bindgen]
impl Session {
    /// Starts a grid search or cross-validation (spec: { base, grid, folds, metric }, the CLI's
    /// search.json) on the loaded text model and file (searches are text-only): { run_id, plan }. Every run's settings are
    /// checked here, so a bad value is refused before anything trains.
    pub fn start_search(&self, spec: JsValue) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("starting a search")?;
        let value: serde_json::Value = serde_wasm_bindgen::from_value(spec).map_err(|e| fail(format!("search settings: {e}")))?;
        let spec: SearchSpec = serde_json::from_value(value).map_err(|e| fail(format!("search settings: {e} (keys: base, grid, folds, metric)")))?;
        let device = s.device()?;
        let text = s.slot(Kind::Text);
        let data = text.data.as_ref().ok_or_else(|| fail(words(Kind::Text).no_data))?;
        let model = core(text.base()?.into_text())?;
        let search = core(Search::new(model, core(data.text())?, spec, &device))?;
        let plan = serde_json::to_value(search.plan()).map_err(fail)?;
        let id = s.next_run_id();
        s.search = Some(SearchSlot { id, search: Some(search), cancelled: false });
        js(&json!({ "run_id": id, "plan": plan }))
    }

    /// The search's next event (a SearchEvent: started, prepare, step, epoch, fold, result, done),
    /// after at most one prefix chunk or one training step.
    pub fn search_advance(&self, run_id: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (mut search, cancelled) = take_search(&state, run_id)?;
            if cancelled {
                search.cancel();
            }
            let r = search.advance().await;
            put_search(&state, search);
            let event = match core(r)? {
                // as a training's epoch: its full metrics under `metrics`
                SearchEvent::Epoch { run, fold, summary } => json!({ "type": "epoch", "run": run, "fold": fold, "summary": epoch_json(&summary) }),
                e => serde_json::to_value(&e).map_err(fail)?,
            };
            js(&event)
        })
    }

    /// Asks search `run_id` to stop: the next advance says done; finished runs are kept.
    pub fn cancel_search(&self, run_id: u32) -> Result<(), JsValue> {
        let mut s = self.state.borrow_mut();
        let slot = s.search.as_mut().filter(|x| x.id == run_id).ok_or_else(|| fail(format!("no search {run_id} to cancel")))?;
        slot.cancelled = true;
        if let Some(search) = slot.search.as_mut() {
            search.cancel();
        }
        Ok(())
    }

    /// Ends search `run_id` and frees the run slot: { ranked (best first), best (its config, or
    /// null), prefix_passes, cancelled }.
    pub fn finish_search(&self, run_id: u32) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        match &s.search {
            Some(x) if x.id == run_id && x.search.is_some() => {}
            Some(x) if x.id == run_id => return Err(fail("the search is busy with a step: wait for it")),
            _ => return Err(fail(format!("no search {run_id} to finish"))),
        }
        let slot = s.search.take().ok_or_else(|| fail("no search to finish"))?;
        let search = slot.search.ok_or_else(|| fail("no search to finish"))?;
        js(&json!({
            "ranked": search.ranked(),
            "best": search.best_config(),
            "prefix_passes": search.prefix_passes(),
            // a search ended before its done event was also cut short
            "cancelled": slot.cancelled || !search.is_done(),
        }))
    }
}

fn take_search(state: &Shared, run_id: u32) -> Result<(Search, bool), JsValue> {
    let mut s = state.borrow_mut();
    match s.search.as_mut() {
        Some(x) if x.id == run_id => {
            let search = x.search.take().ok_or_else(|| fail(format!("search {run_id} is busy with a step: wait for it")))?;
            Ok((search, x.cancelled))
        }
        Some(x) => Err(fail(format!("search {run_id} is not the current search ({})", x.id))),
        None => Err(fail(format!("no search {run_id}"))),
    }
}

fn put_search(state: &Shared, search: Search) {
    if let Some(x) = state.borrow_mut().search.as_mut() {
        x.search = Some(search);
    }
}
