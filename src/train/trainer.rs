//! The trainer itself: what it holds, one constructor for every kind, and one step.
use burn::prelude::*;
use web_time::Instant;

use super::begun::{Begun, PartedStep};
use super::split::Split;
use crate::kind::Batch;
use crate::text::Classifier;
use crate::kind::Top;
use crate::contrastive::Pair;
use crate::data::bucketed_order;
use crate::early_stop::EarlyStop;
use crate::kind::{AnyModel, Base, DataRef, Kind, mismatch};
use crate::error::{Error, Result};
use crate::loss::Objective;
use crate::text::Model;
use crate::optim::Optimizer;
use crate::prefix::{Prefix, stack};
use crate::readback;
use crate::run::{CacheDtype, RunConfig};
use crate::schedule::Schedule;
use crate::step::step_module;
use crate::dropout::Noise;
use crate::progress::{EpochSummary, StepInfo, TrainInfo};

/// Rows the prefix runs at once while caching.
pub(super) const PREPARE_CHUNK: usize = 32;

pub struct Trainer {
    pub(crate) cfg: RunConfig,
    pub(crate) base: Base,
    pub(crate) top: Option<Top>,
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
    pub(super) pending: Vec<(bool, usize)>,
    /// Which PREPARE_CHUNK-row chunks of `pending` are cached, and how many rows that is.
    pub(super) chunk_done: Vec<bool>,
    pub(super) prepared: usize,
    pub(crate) step: usize,
    /// (epoch, its row order): drawn once per epoch from the seed, in length buckets
    /// (`data::buckets`) so a batch carries little padding.
    pub(super) order: (usize, Vec<usize>),
    /// Batches given by the caller (train row indices per step) instead of the seeded order.
    pub(super) replay: Option<Vec<Vec<usize>>>,
    /// Contrastive: the pairs of training rows a step's batch is drawn from (`order` over them).
    pub(crate) pairs: Vec<Pair>,
    /// Contrastive: the step at which the head was last fitted to the layers (None: never).
    pub(crate) head_fitted: Option<usize>,
    /// Sum of this epoch's step losses so far (on the device until the epoch ends).
    pub(crate) epoch_loss: Option<Tensor<1>>,
    pub(crate) epoch_steps: usize,
    pub(super) epoch_seconds: f64,
    pub(crate) history: Vec<EpochSummary>,
    /// The teaching view's state (map axes, frames not yet taken); idle unless `cfg.teaching`.
    pub(crate) teach: crate::teach::TeachState,
    /// A step split across workers, between `split_step` and `join_step` (parts.rs).
    pub(super) parted: Option<PartedStep>,
    /// The data as its model card says it (`facts`).
    pub(super) data_summary: crate::kind::DataSummary,
}

impl Trainer {
    /// A run of `model` on `data` (of the model's kind): checks the settings, splits the data
    /// (seeded, per class), prepares each row's input once, and splits the model at `layers`
    /// (text layers or image blocks) from the top. `device` is a plain (non-autodiff) device.
    /// With `init: continue` the model's head keeps training (same classes only); otherwise a
    /// fresh head starts.
    pub fn new<'a>(model: impl Into<AnyModel>, data: impl Into<DataRef<'a>>, cfg: RunConfig, device: &Device) -> Result<Trainer> {
        let data = data.into();
        let mut run = match (model.into(), data) {
            (AnyModel::Text(m), DataRef::Text(d)) => Self::text_run(m, d, cfg, device)?,
            (AnyModel::Image(m), DataRef::Image(d)) => Self::image_run(m, d, cfg, device)?,
            (AnyModel::Audio(m), DataRef::Audio(d)) => Self::audio_run(m, d, cfg, device)?,
            (m, d) => return Err(mismatch(m.kind(), d.kind())),
        };
        run.data_summary = data.summary();
        Ok(run)
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

    /// The kind of data the run trains on.
    pub fn kind(&self) -> Kind {
        self.base.kind()
    }

    /// The epoch whose weights `into_model` returns: the best one under early stopping.
    pub fn kept_epoch(&self) -> usize {
        self.early.as_ref().and_then(EarlyStop::best_epoch).unwrap_or(self.history.len())
    }

    /// The frozen part's output for rows `idx` of a split, as a batch on `device`: from the
    /// cache, or computed now when the cache is off.
    pub(crate) async fn input(&self, val: bool, idx: &[usize], device: &Device) -> Result<Batch> {
        let split = if val { &self.val } else { &self.train };
        match &self.base {
            Base::Text(base) => {
                let (model, prefix) = (&base.model, &base.prefix);
                let h = model.config.hidden_size;
                if self.cache_ready() {
                    let (x, mask) = stack(&idx.iter().map(|&i| &split.cache[i]).collect::<Vec<_>>(), h, device);
                    return Ok(Batch::Text(x, mask));
                }
                let rows: Vec<&[u32]> = idx.iter().map(|&i| &split.tokens()[i][..]).collect();
                let fresh = prefix.cache(&rows, &self.device, self.fresh_dtype()).await?;
                let (x, mask) = stack(&fresh.iter().collect::<Vec<_>>(), h, device);
                Ok(Batch::Text(x, mask))
            }
            Base::Image(base) => self.image_input(base, val, idx, device).await,
            Base::Audio(base) => self.audio_input(base, val, idx, device).await,
        }
    }

    /// Whether every row's frozen states are cached. A run stopped during the prefix pass (a
    /// cancel, a resume cancelled early) has rows that are not: those batches are computed
    /// afresh, never read from an empty cache.
    pub(crate) fn cache_ready(&self) -> bool {
        self.info.cached && self.chunk_done.iter().all(|&d| d)
    }

    /// The precision of states computed afresh: the cache's own while a cache is being filled
    /// (the same numbers as once it is), f32 when the run does without one.
    pub(crate) fn fresh_dtype(&self) -> CacheDtype {
        if self.info.cached { self.cfg.cache_dtype } else { CacheDtype::F32 }
    }

    /// `input` of a text run: the prefix's states [b, s, h] and their mask.
    pub(crate) async fn batch(&self, val: bool, idx: &[usize], device: &Device) -> Result<(Tensor<3>, Tensor<2>)> {
        match self.input(val, idx, device).await? {
            Batch::Text(x, mask) => Ok((x, mask)),
            Batch::Image(_) | Batch::Audio(..) => Err(image_run()),
        }
    }

    /// A text run's model and frozen prefix (the text-only paths: contrastive, teaching).
    pub(crate) fn text(&self) -> Result<(&Model, &Prefix)> {
        match &self.base {
            Base::Text(base) => Ok((&base.model, &base.prefix)),
            Base::Image(_) | Base::Audio(_) => Err(image_run()),
        }
    }

    /// The fingerprint of the model the run started from.
    pub(crate) fn base_fingerprint(&self) -> &str {
        self.base.fingerprint()
    }

    /// A text run's trainable classifier as it is now.
    pub(crate) fn text_top(&self) -> Result<&Classifier> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        top.text().ok_or_else(image_run)
    }

    /// One optimizer step on the next batch (the prefix must be prepared).
    pub async fn step(&mut self) -> Result<StepInfo> {
        // a split step left half-done (a pool worker failed) changed nothing: this one replaces it
        self.parted = None;
        let begun = self.begin_step().await?;
        let out = if self.pairs.is_empty() {
            self.row_step(&begun.idx, begun.lr, begun.noise).await?
        } else {
            self.pair_step(&begun.idx, begun.lr, begun.noise).await?
        };
        self.end_step(begun, out).await
    }

    /// The next step's batch, LR and dropout noise; checks the run can step.
    pub(super) async fn begin_step(&mut self) -> Result<Begun> {
        if !self.is_prepared() {
            return Err(Error::Settings("call prepare() until it returns None before training".into()));
        }
        if self.is_done() {
            return Err(Error::Settings("training has already finished".into()));
        }
        let started = Instant::now();
        let spe = self.info.steps_per_epoch;
        let (epoch, in_epoch) = (self.step / spe, self.step % spe);
        let n = if self.pairs.is_empty() { self.train.len() } else { self.pairs.len() };
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
        // dropout: a stream per step (a resumed run draws the same), per row (dropout.rs)
        let noise = Noise::new(step_seed(self.cfg.seed, self.step));
        Ok(Begun { started, epoch, epoch_done: end == n, idx, lr: self.schedule.lr(self.step), noise })
    }

    /// Counts a step that `begin_step` began and `out` finished: the epoch's loss, the reads
    /// the log wants, and the epoch's end.
    pub(super) async fn end_step(&mut self, begun: Begun, out: crate::step::StepOutput) -> Result<StepInfo> {
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
        let read = begun.epoch_done || self.step % self.cfg.log_every == 0;
        let loss = if read { Some(readback::scalar(loss).await?) } else { None };
        let grad_norm = match out.grad_norm {
            Some(g) if read => Some(readback::scalar(g).await?),
            _ => None,
        };
        self.epoch_seconds += begun.started.elapsed().as_secs_f64();
        let epoch = begun.epoch;
        let epoch_end = if begun.epoch_done { Some(self.finish_epoch(epoch).await?) } else { None };
        Ok(StepInfo { step: self.step, epoch: epoch + 1, lr: begun.lr, loss, grad_norm, activity, epoch_end })
    }
}

impl Trainer {
    /// One step of the task's loss on training rows `idx`.
    async fn row_step(&mut self, idx: &[usize], lr: f64, noise: Noise) -> Result<crate::step::StepOutput> {
        let ad = self.device.clone().autodiff();
        let batch = self.input(false, idx, &ad).await?;
        let target = self.objective.batch(&self.train.targets, idx, &ad);
        let top = self.top.take().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let (top, out) = step_module(top, &mut self.optim, &self.objective, |t| t.forward(batch, Some(noise)), target, lr, self.cfg.clip_norm, self.cfg.teaching);
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

/// What a text-only path (contrastive, teaching, checkpoints of the layers) says on an image run.
fn image_run() -> Error {
    Error::Settings("this works on text runs only, and this run trains on images or clips".into())
}

/// A distinct, reproducible RNG seed for every step of a run.
fn step_seed(seed: u64, step: usize) -> u64 {
    seed ^ (step as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
