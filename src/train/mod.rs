//! The trainer, stepped by its caller: `prepare()` until it returns `None` (the frozen prefix
//! runs once over every example), then `step()` until `is_done()`. Nothing here blocks or loops
//! over a whole run, so a Web Worker can yield between calls and the CLI drives the same code.
//! `checkpoint()` / `Trainer::resume` (in `checkpoint.rs`) stop and continue a run exactly.
//! Epoch ends, validation and the finished model are in `epoch.rs`; what a run derives from its
//! settings and data in `setup.rs`; replaying a reference run in `replay.rs`.
use burn::module::Module;
use burn::prelude::*;
use web_time::Instant;

use crate::classifier::Classifier;
use crate::contrastive::{Pair, build_pairs};
use crate::data::{self, Dataset, Example, bucketed_order};
use crate::early_stop::EarlyStop;
use crate::error::{Error, Result};
use crate::loss::Objective;
pub use crate::progress::{EpochSummary, StepInfo, TrainInfo};
use crate::model::Model;
use crate::optim::{Optimizer, Settings};
use crate::prefix::{Cached, Prefix, cache_bytes, stack};
use crate::readback;
use crate::run::{CacheDtype, Init, RunConfig, Strategy};
use crate::schedule::Schedule;
use setup::{check_continue, class_weights, data_fingerprint};

mod epoch;
mod pairs;
mod prepare;
mod store;
pub use store::PrefixStore;
mod replay;
mod setup;
use crate::step::train_step;
use crate::task::{Targets, Task};

/// Rows the prefix runs at once while caching.
const PREPARE_CHUNK: usize = 32;

pub(crate) struct Split {
    pub texts: Vec<String>,
    pub tokens: Vec<Vec<u32>>,
    pub targets: Targets,
    pub cache: Vec<Cached>,
}

pub struct Trainer {
    pub(crate) cfg: RunConfig,
    pub(crate) model: Model,
    pub(crate) prefix: Prefix,
    pub(crate) top: Option<Classifier>,
    pub(crate) optim: Optimizer,
    pub(crate) objective: Objective,
    pub(crate) schedule: Schedule,
    pub(crate) early: Option<EarlyStop>,
    pub(crate) device: Device,
    pub(crate) info: TrainInfo,
    pub(crate) train: Split,
    pub(crate) val: Split,
    /// Identifies the rows this run uses, so a checkpoint resumes only on the same data.
    pub(crate) data_fingerprint: String,
    /// (is_val, index) in ascending token length, so cached batches carry little padding.
    pending: Vec<(bool, usize)>,
    /// Which PREPARE_CHUNK-row chunks of `pending` are cached, and how many rows that is.
    chunk_done: Vec<bool>,
    prepared: usize,
    pub(crate) step: usize,
    /// (epoch, its row order): drawn once per epoch from the seed, in length buckets
    /// (`data::buckets`) so a batch carries little padding.
    order: (usize, Vec<usize>),
    /// Batches given by the caller (train row indices per step) instead of the seeded order.
    replay: Option<Vec<Vec<usize>>>,
    /// Contrastive: the pairs of training rows a step's batch is drawn from (`order` over them).
    pub(crate) pairs: Vec<Pair>,
    /// Contrastive: the step at which the head was last fitted to the layers (None: never).
    pub(crate) head_fitted: Option<usize>,
    /// Sum of this epoch's step losses so far (on the device until the epoch ends).
    pub(crate) epoch_loss: Option<Tensor<1>>,
    pub(crate) epoch_steps: usize,
    epoch_seconds: f64,
    pub(crate) history: Vec<EpochSummary>,
    /// The teaching view's state (map axes, frames not yet taken); idle unless `cfg.teaching`.
    pub(crate) teach: crate::teach::TeachState,
}

impl Trainer {
    /// Checks the settings, samples, splits and tokenizes the data, and splits the model at
    /// `layers` from the top. `device` is a plain (non-autodiff) device. With `init: continue`
    /// the model's head keeps training (same classes only); otherwise a fresh head starts.
    pub fn new(model: Model, data: &Dataset, cfg: RunConfig, device: &Device) -> Result<Trainer> {
        // the settings are resolved and checked by with_split
        let task = cfg.task.resolve(data.task);
        let mut notes = Vec::new();
        let examples = match cfg.sample {
            Some(n) if n < data.examples.len() => {
                let sampled = data::sample_for(&data.examples, n, cfg.seed, task);
                notes.push(format!("trained on a sample of {} of the {} rows (seed {})", sampled.len(), data.examples.len(), cfg.seed));
                sampled
            }
            _ => data.examples.clone(),
        };
        let (train_ex, val_ex) = data::split_for(&examples, cfg.val_split, cfg.seed, task);
        Self::with_split(model, data, train_ex, val_ex, cfg, device, notes)
    }

    /// As `new`, on training and validation rows chosen by the caller (a cross-validation
    /// fold); `notes` start the run's notes.
    pub fn with_split(
        mut model: Model,
        data: &Dataset,
        mut train_ex: Vec<Example>,
        val_ex: Vec<Example>,
        mut cfg: RunConfig,
        device: &Device,
        mut notes: Vec<String>,
    ) -> Result<Trainer> {
        cfg.resolve(&model.config);
        cfg.check(&model.config)?;
        let task = cfg.task.resolve(data.task);
        let labels = data::labels_for(&data.examples, task, &data.label_column)?;
        cfg.check_task(task, &labels)?;
        if cfg.init == Init::Continue {
            check_continue(&model, &labels, task, cfg.pooling)?;
        }
        let rows = train_ex.len() + val_ex.len();
        if train_ex.is_empty() {
            return Err(Error::Settings("no rows are left for training: lower val_split or add rows".into()));
        }
        // identifies the rows themselves: their augmented copies follow from them and the settings
        let data_fingerprint = data_fingerprint(&train_ex, &val_ex);
        let mut augmented_rows = 0;
        if let Some(aug) = cfg.augment.as_ref().filter(|a| a.copies > 0) {
            let copies = data::augment(&train_ex, aug, cfg.seed);
            augmented_rows = copies.len();
            notes.push(format!("augmentation added {augmented_rows} altered copies of the {} training rows; validation rows are untouched", train_ex.len()));
            train_ex.extend(copies);
        }
        let mut truncated = 0;
        let mut split = |ex: &[Example]| -> Result<Split> {
            let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
            let enc = model.tokenizer.encode(&texts, cfg.max_len)?;
            truncated += enc.iter().filter(|e| e.truncated).count();
            let targets = data::targets(ex, task, &labels)?;
            let texts = ex.iter().map(|e| e.text.clone()).collect();
            Ok(Split { texts, tokens: enc.into_iter().map(|e| e.ids).collect(), targets, cache: Vec::new() })
        };
        let (train, val) = (split(&train_ex)?, split(&val_ex)?);

        let n = model.config.num_hidden_layers;
        let h = model.config.hidden_size;
        let bytes = cache_bytes(train.tokens.iter().chain(&val.tokens).map(Vec::len), h, cfg.cache_dtype);
        let cache_mb = bytes as f64 / 1e6;
        let cached = bytes <= cfg.cache_budget_mb as u64 * 1_000_000;
        if !cached {
            notes.push(format!(
                "the frozen layers' cache would need {cache_mb:.0} MB, over the {} MB budget, so they run again for every batch (slower); a smaller max_len or a sample keeps it cached",
                cfg.cache_budget_mb
            ));
        }
        let top_layers = model.encoder.layers.split_off(n - cfg.layers);
        let outputs = if task == Task::Regression { 1 } else { labels.len() };
        let mut top = match (cfg.init, model.head.take()) {
            (Init::Continue, Some(head)) => Classifier::with_head(top_layers, head, cfg.dropout),
            _ => Classifier::new(top_layers, h, outputs, cfg.dropout, cfg.seed, device),
        }
        .with_pooler(setup::pooler_for(&model, &cfg)?);
        if let Some(p) = cfg.encoder_dropout {
            top = top.with_encoder_dropout(p);
        }
        let top = top.train();
        let param_groups = top.param_groups(n - cfg.layers, cfg.layer_lr_decay);
        let prefix = Prefix { embeddings: model.encoder.embeddings.clone(), layers: std::mem::take(&mut model.encoder.layers) }.valid();

        let pairs = match (cfg.strategy, &train.targets) {
            (Strategy::Contrastive, Targets::Classes(y)) => build_pairs(y, cfg.pairs_per_row, cfg.seed),
            _ => Vec::new(),
        };
        if cfg.strategy == Strategy::Contrastive && pairs.is_empty() {
            return Err(Error::Settings("contrastive training needs two classes and at least two training rows in a class: add rows, or use strategy standard".into()));
        }
        let units = if pairs.is_empty() { train.tokens.len() } else { pairs.len() };
        let steps_per_epoch = units.div_ceil(cfg.batch_size);
        let total_steps = steps_per_epoch * cfg.epochs;
        let mut pending: Vec<(bool, usize)> = Vec::new();
        if cached {
            pending = (0..train.tokens.len()).map(|i| (false, i)).chain((0..val.tokens.len()).map(|i| (true, i))).collect();
            pending.sort_by_key(|&(v, i)| if v { val.tokens[i].len() } else { train.tokens[i].len() });
        }
        let objective = Objective {
            task,
            class_weights: class_weights(&cfg, &labels, &train.targets),
            label_smoothing: cfg.label_smoothing,
            l1: cfg.l1,
        };
        let info = TrainInfo {
            task,
            schedule: cfg.schedule.name().into(),
            optimizer: cfg.optimizer.name().into(),
            param_groups,
            rows,
            strategy: cfg.strategy,
            pairs: pairs.len(),
            augmented_rows,
            train_rows: train.tokens.len(),
            val_rows: val.tokens.len(),
            labels,
            frozen_layers: n - cfg.layers,
            trainable_layers: cfg.layers,
            trainable_params: top.num_params(),
            steps_per_epoch,
            total_steps,
            truncated,
            cache_mb,
            cache_budget_mb: cfg.cache_budget_mb,
            cached,
            notes,
        };
        Ok(Trainer {
            schedule: Schedule::new(&cfg, total_steps, steps_per_epoch),
            optim: Optimizer::new(Settings::of(&cfg), top.lr_scales(cfg.layer_lr_decay)),
            objective,
            early: cfg.early_stopping.as_deref().map(|m| EarlyStop::new(m, cfg.patience)),
            cfg,
            model,
            prefix,
            top: Some(top),
            device: device.clone(),
            info,
            train,
            val,
            data_fingerprint,
            chunk_done: vec![false; pending.len().div_ceil(PREPARE_CHUNK)],
            pending,
            prepared: 0,
            step: 0,
            order: (0, Vec::new()),
            replay: None,
            pairs,
            head_fitted: None,
            epoch_loss: None,
            epoch_steps: 0,
            epoch_seconds: 0.0,
            history: Vec::new(),
            teach: Default::default(),
        })
    }

    pub fn info(&self) -> &TrainInfo {
        &self.info
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    /// The epochs finished so far (a resumed run includes those before the checkpoint).
    pub fn history(&self) -> &[EpochSummary] {
        &self.history
    }

    pub fn steps_done(&self) -> usize {
        self.step
    }

    pub fn is_prepared(&self) -> bool {
        self.prepared == self.pending.len()
    }

    /// All steps taken, or early stopping ended the run.
    pub fn is_done(&self) -> bool {
        self.step >= self.info.total_steps || self.early.as_ref().is_some_and(|e| e.stopped)
    }

    /// The epoch whose weights `into_model` returns: the best one under early stopping.
    pub fn kept_epoch(&self) -> usize {
        self.early.as_ref().and_then(EarlyStop::best_epoch).unwrap_or(self.history.len())
    }

    /// The prefix's output for rows `idx` of a split, as a batch on `device`: from the cache,
    /// or computed now when the cache is off.
    pub(crate) async fn batch(&self, val: bool, idx: &[usize], device: &Device) -> Result<(Tensor<3>, Tensor<2>)> {
        let split = if val { &self.val } else { &self.train };
        let h = self.model.config.hidden_size;
        if self.info.cached {
            return Ok(stack(&idx.iter().map(|&i| &split.cache[i]).collect::<Vec<_>>(), h, device));
        }
        let rows: Vec<&[u32]> = idx.iter().map(|&i| &split.tokens[i][..]).collect();
        let fresh = self.prefix.cache(&rows, &self.device, CacheDtype::F32).await?;
        Ok(stack(&fresh.iter().collect::<Vec<_>>(), h, device))
    }

    /// One optimizer step on the next batch (the prefix must be prepared).
    pub async fn step(&mut self) -> Result<StepInfo> {
        if !self.is_prepared() {
            return Err(Error::Settings("call prepare() until it returns None before training".into()));
        }
        if self.is_done() {
            return Err(Error::Settings("training has already finished".into()));
        }
        let started = Instant::now();
        let spe = self.info.steps_per_epoch;
        let (epoch, in_epoch) = (self.step / spe, self.step % spe);
        let contrastive = !self.pairs.is_empty();
        let n = if contrastive { self.pairs.len() } else { self.train.tokens.len() };
        let start = in_epoch * self.cfg.batch_size;
        let end = (start + self.cfg.batch_size).min(n);
        let idx = match &self.replay {
            Some(batches) => batches[self.step].clone(),
            None => {
                if self.order.0 != epoch || self.order.1.is_empty() {
                    self.order = (epoch, self.epoch_units(epoch));
                }
                self.order.1[start..end].to_vec()
            }
        };
        // the map's axes come from the embeddings before this run's first step (teach/map.rs)
        self.fit_map().await?;
        // Dropout draws from the backend's RNG: seeded per step, so a resumed run draws the same.
        self.device.seed(step_seed(self.cfg.seed, self.step));
        let lr = self.schedule.lr(self.step);
        let out = if contrastive { self.pair_step(&idx, lr).await? } else { self.row_step(&idx, lr).await? };

        let activity = match (out.probe, self.top.as_ref()) {
            (Some(p), Some(top)) => Some(p.read(top, &self.info.param_groups).await?),
            _ => None,
        };
        let loss = out.loss;
        self.epoch_loss = Some(match self.epoch_loss.take() {
            Some(sum) => sum + loss.clone(),
            None => loss.clone(),
        });
        self.epoch_steps += 1;
        self.step += 1;
        let epoch_done = end == n;
        let read = epoch_done || self.step % self.cfg.log_every == 0;
        let loss = if read { Some(readback::scalar(loss).await?) } else { None };
        let grad_norm = match out.grad_norm {
            Some(g) if read => Some(readback::scalar(g).await?),
            _ => None,
        };
        self.epoch_seconds += started.elapsed().as_secs_f64();
        let epoch_end = if epoch_done { Some(self.finish_epoch(epoch).await?) } else { None };
        Ok(StepInfo { step: self.step, epoch: epoch + 1, lr, loss, grad_norm, activity, epoch_end })
    }
}

impl Trainer {
    /// One step of cross-entropy on training rows `idx`.
    async fn row_step(&mut self, idx: &[usize], lr: f64) -> Result<crate::step::StepOutput> {
        let ad = self.device.clone().autodiff();
        let (x, mask) = self.batch(false, idx, &ad).await?;
        let target = self.objective.batch(&self.train.targets, idx, &ad);
        let top = self.top.take().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let (top, out) = train_step(top, &mut self.optim, &self.objective, x, mask, target, lr, self.cfg.clip_norm, self.cfg.teaching);
        self.top = Some(top);
        Ok(out)
    }

    /// This epoch's order of training rows (in length buckets) or, contrastive, of pairs.
    fn epoch_units(&self, epoch: usize) -> Vec<usize> {
        if self.pairs.is_empty() {
            bucketed_order(&self.train_lengths(), self.cfg.batch_size, self.cfg.seed, epoch)
        } else {
            // pairs in length buckets too (a pair's length: its longer row), so a batch's rows pad little
            let len = self.train_lengths();
            let pair_len: Vec<usize> = self.pairs.iter().map(|p| len[p.a].max(len[p.b])).collect();
            bucketed_order(&pair_len, self.cfg.batch_size, self.cfg.seed, epoch)
        }
    }
}

/// A distinct, reproducible RNG seed for every step of a run.
fn step_seed(seed: u64, step: usize) -> u64 {
    seed ^ (step as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
