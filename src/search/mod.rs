//! Grid search and k-fold cross-validation, stepped like the trainer: `advance()` does at most
//! one prefix chunk or one training step and says what happened, so the CLI loops over it and a
//! Web Worker yields (and hears a cancel) between calls. Runs that freeze the same layers share
//! one prefix cache (`PrefixStore`): the frozen layers run once per distinct depth.
//! Cross-validation is a search with one run and `folds`.
use std::collections::{BTreeMap, VecDeque};

use burn::prelude::Device;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use web_time::Instant;

use crate::data::{self, Dataset, Example};
use crate::error::{Error, Result};
use crate::text::Model;
use crate::progress::{EpochSummary, TrainInfo};
use crate::run::{MONITORS, RunConfig, monitors_for};
use crate::train::{PrefixStore, Trainer};

mod folds;
mod report;
pub use folds::{assign_folds, fold_split};
pub use report::{RunResult, mean_std};

/// What to search: RunConfig keys in `base`, a list of values per key in `grid` (every
/// combination is one run), scored on `folds`-fold cross-validation or `base`'s val_split.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSpec {
    pub base: Value,
    pub grid: BTreeMap<String, Vec<Value>>,
    pub folds: Option<usize>,
    pub metric: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchPlan {
    /// Each run's grid values.
    pub runs: Vec<BTreeMap<String, Value>>,
    /// 0: each run scored on its validation split.
    pub folds: usize,
    pub metric: String,
    pub higher_is_better: bool,
    /// Trainings in all (runs × folds).
    pub trainings: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SearchEvent {
    Started { run: usize, fold: Option<usize>, info: Box<TrainInfo> },
    Prepare { run: usize, fold: Option<usize>, done: usize, total: usize },
    Step { run: usize, fold: Option<usize>, step: usize, total_steps: usize, epoch: usize, lr: f64, loss: Option<f32> },
    Epoch { run: usize, fold: Option<usize>, summary: Box<EpochSummary> },
    Fold { run: usize, fold: Option<usize>, scores: BTreeMap<String, f64> },
    Result { result: Box<RunResult> },
    Done { cancelled: bool, prefix_passes: usize },
}

pub struct Search {
    plan: SearchPlan,
    configs: Vec<RunConfig>,
    model: Model,
    data: Dataset,
    /// The rows every run uses (after base's `sample`) and, with folds, each row's fold.
    examples: Vec<Example>,
    fold_of: Vec<usize>,
    device: Device,
    store: PrefixStore,
    /// (run, fold) of the next training to start.
    next: (usize, usize),
    current: Option<Current>,
    results: Vec<RunResult>,
    events: VecDeque<SearchEvent>,
    prefix_passes: usize,
    cancelled: bool,
    finished: bool,
}

struct Current {
    run: usize,
    fold: Option<usize>,
    trainer: Trainer,
    computed_prefix: bool,
    scores: Vec<(Option<usize>, BTreeMap<String, f64>)>,
    started: Instant,
}

impl Search {
    /// Checks every run's settings up front, so a bad value is said before anything trains.
    pub fn new(model: Model, data: &Dataset, spec: SearchSpec, device: &Device) -> Result<Search> {
        let base = match spec.base {
            Value::Null => serde_json::Map::new(),
            Value::Object(m) => m,
            _ => return Err(Error::Settings("search: base must be an object of training settings".into())),
        };
        let mut runs = vec![BTreeMap::new()];
        for (key, values) in &spec.grid {
            if values.is_empty() {
                return Err(Error::Settings(format!("search: grid key {key} has no values: give at least one")));
            }
            runs = runs.iter().flat_map(|r| values.iter().map(move |v| { let mut r = r.clone(); r.insert(key.clone(), v.clone()); r })).collect();
        }
        let mut configs = Vec::with_capacity(runs.len());
        for values in &runs {
            let mut obj = base.clone();
            obj.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
            let mut cfg = RunConfig::from_value(Value::Object(obj)).map_err(|e| Error::Settings(format!("search run {}: {e}", describe(values))))?;
            crate::kind::text::settle(&model.config, &mut cfg).map_err(|e| Error::Settings(format!("search run {}: {e}", describe(values))))?;
            configs.push(cfg);
        }
        let first = configs[0].clone();
        let task = first.task.resolve(data.task);
        let metric = spec.metric.unwrap_or_else(|| monitors_for(task).get(1).unwrap_or(&"val_loss").to_string());
        if !monitors_for(task).contains(&metric.as_str()) {
            return Err(Error::Settings(format!("search: metric {metric} is not measured for {}: use one of {}", task.name(), monitors_for(task).join(", "))));
        }
        let higher_is_better = !MONITORS.iter().any(|&(m, lower)| m == metric && lower);
        let examples = match first.sample {
            Some(n) if n < data.examples.len() => data::sample_for(&data.examples, n, first.seed, task),
            _ => data.examples.clone(),
        };
        let folds = spec.folds.unwrap_or(0);
        if spec.folds.is_some() && !(2..=examples.len()).contains(&folds) {
            return Err(Error::Settings(format!("folds = {folds}: use 2 to {} (the rows there are), or leave it out to score on val_split", examples.len())));
        }
        if folds == 0 && configs.iter().any(|c| c.val_split == 0.0) {
            return Err(Error::Settings("search needs rows to score on: set folds (e.g. 5) or a val_split above 0".into()));
        }
        let fold_of = if folds > 0 { assign_folds(&examples, folds, first.seed, task) } else { Vec::new() };
        let plan = SearchPlan { trainings: runs.len() * folds.max(1), runs, folds, metric, higher_is_better };
        Ok(Search {
            plan,
            configs,
            model,
            data: data.clone(),
            examples,
            fold_of,
            device: device.clone(),
            store: PrefixStore::default(),
            next: (0, 0),
            current: None,
            results: Vec::new(),
            events: VecDeque::new(),
            prefix_passes: 0,
            cancelled: false,
            finished: false,
        })
    }

    pub fn plan(&self) -> &SearchPlan {
        &self.plan
    }

    /// Stops before the next step: the next `advance` says Done; finished runs are kept.
    pub fn cancel(&mut self) {
        self.cancelled = true;
    }

    pub fn is_done(&self) -> bool {
        self.finished
    }

    /// Trainings that ran the frozen prefix (the rest took every row from an earlier one).
    pub fn prefix_passes(&self) -> usize {
        self.prefix_passes
    }

    /// Finished runs, best first by the plan's metric (a run without a score last).
    pub fn ranked(&self) -> Vec<RunResult> {
        report::rank(&self.results, self.plan.higher_is_better)
    }

    pub fn best_config(&self) -> Option<RunConfig> {
        self.ranked().into_iter().next().map(|r| r.config)
    }

    /// One prefix chunk or one training step, and what happened.
    pub async fn advance(&mut self) -> Result<SearchEvent> {
        if let Some(e) = self.events.pop_front() {
            return Ok(e);
        }
        if self.finished || self.cancelled || self.next.0 >= self.configs.len() && self.current.is_none() {
            self.finished = true;
            self.current = None;
            return Ok(SearchEvent::Done { cancelled: self.cancelled, prefix_passes: self.prefix_passes });
        }
        let Some(cur) = self.current.as_mut() else { return self.start_next() };
        let (run, fold) = (cur.run, cur.fold);
        if !cur.trainer.is_prepared() {
            cur.computed_prefix = true;
            let p = cur.trainer.prepare().await?;
            if cur.trainer.is_prepared() {
                cur.trainer.keep_prefix(&mut self.store);
                self.prefix_passes += 1;
            }
            let (done, total) = p.unwrap_or((1, 1));
            return Ok(SearchEvent::Prepare { run, fold, done, total });
        }
        if !cur.trainer.is_done() {
            let s = cur.trainer.step().await?;
            let total_steps = cur.trainer.info().total_steps;
            if let Some(summary) = s.epoch_end {
                self.events.push_back(SearchEvent::Epoch { run, fold, summary: Box::new(summary) });
            }
            return Ok(SearchEvent::Step { run, fold, step: s.step, total_steps, epoch: s.epoch, lr: s.lr, loss: s.loss });
        }
        // the training is over: its kept epoch's scores are the fold's
        let kept = cur.trainer.kept_epoch();
        let scores = cur.trainer.history().get(kept.saturating_sub(1)).map(|e| e.val_scores.clone()).unwrap_or_default();
        cur.scores.push((fold, scores.clone()));
        let event = SearchEvent::Fold { run, fold, scores };
        let last_fold = fold.is_none_or(|f| f + 1 == self.plan.folds);
        if last_fold {
            let cur = self.current.take().ok_or_else(|| Error::Device("search lost its run".into()))?;
            let result = RunResult::new(run, self.plan.runs[run].clone(), self.configs[run].clone(), cur.scores, &self.plan.metric, cur.started);
            self.results.push(result.clone());
            self.events.push_back(SearchEvent::Result { result: Box::new(result) });
        } else {
            // the next fold of the same run replaces the trainer, keeping the run's scores
            let next = self.trainer(run, fold.map_or(0, |f| f + 1))?;
            let cur = self.current.as_mut().ok_or_else(|| Error::Device("search lost its run".into()))?;
            cur.trainer = next;
            cur.fold = fold.map(|f| f + 1);
            cur.computed_prefix = false;
            self.announce();
        }
        Ok(event)
    }

    /// Starts the next run's first training.
    fn start_next(&mut self) -> Result<SearchEvent> {
        let run = self.next.0;
        self.next = (run + 1, 0);
        let trainer = self.trainer(run, 0)?;
        let fold = (self.plan.folds > 0).then_some(0);
        self.current = Some(Current { run, fold, trainer, computed_prefix: false, scores: Vec::new(), started: Instant::now() });
        self.announce();
        self.events.pop_front().ok_or_else(|| Error::Device("search lost its run".into()))
    }

    /// Queues the current training's Started event.
    fn announce(&mut self) {
        if let Some(cur) = &self.current {
            let info = Box::new(cur.trainer.info().clone());
            self.events.push_back(SearchEvent::Started { run: cur.run, fold: cur.fold, info });
        }
    }

    /// Run `run`'s trainer for fold `f` (or on its val_split), with every prefix row an earlier
    /// training computed.
    fn trainer(&mut self, run: usize, f: usize) -> Result<Trainer> {
        let cfg = self.configs[run].clone();
        let (train, val) = if self.plan.folds > 0 {
            fold_split(&self.examples, &self.fold_of, f)
        } else {
            data::split_for(&self.examples, cfg.val_split, cfg.seed, cfg.task.resolve(self.data.task))
        };
        let mut t = Trainer::with_split(self.model.clone(), &self.data, train, val, cfg, &self.device, Vec::new())?;
        t.reuse_prefix(&self.store);
        Ok(t)
    }
}

/// `lr = 0.001, layers = 2`, for messages.
fn describe(values: &BTreeMap<String, Value>) -> String {
    if values.is_empty() {
        return "(the base settings)".into();
    }
    values.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
}
