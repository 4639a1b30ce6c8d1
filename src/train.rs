//! The trainer, stepped by its caller: `prepare()` until it returns `None` (the frozen prefix
//! runs once over every example), then `step()` until `is_done()`. Nothing here blocks or loops
//! over a whole run, so a Web Worker can yield between calls and the CLI drives the same code.
//! `checkpoint()` / `Trainer::resume` (in `checkpoint.rs`) stop and continue a run exactly.
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::GradientsParams;
use burn::prelude::*;
use web_time::Instant;

use crate::classifier::Classifier;
use crate::data::{Dataset, Example, epoch_order, stratified_sample, stratified_split};
use crate::error::{Error, Result};
use crate::infer as evaluate;
use crate::metrics::Metrics;
pub use crate::progress::{EpochSummary, StepInfo, TrainInfo};
use crate::model::{Encoder, Model, Pooling, fingerprint};
use crate::optim::AdamW;
use crate::prefix::{Cached, Prefix, cache_bytes, stack};
use crate::readback;
use crate::run::{CacheDtype, Init, RunConfig};
use crate::schedule::Schedule;

/// Rows the prefix runs at once while caching.
const PREPARE_CHUNK: usize = 32;

pub(crate) struct Split {
    pub tokens: Vec<Vec<u32>>,
    pub labels: Vec<usize>,
    pub cache: Vec<Cached>,
}

pub struct Trainer {
    pub(crate) cfg: RunConfig,
    pub(crate) model: Model,
    pub(crate) prefix: Prefix,
    pub(crate) top: Option<Classifier>,
    pub(crate) optim: AdamW,
    pub(crate) schedule: Schedule,
    pub(crate) device: Device,
    pub(crate) info: TrainInfo,
    pub(crate) train: Split,
    pub(crate) val: Split,
    /// Identifies the rows this run uses, so a checkpoint resumes only on the same data.
    pub(crate) data_fingerprint: String,
    /// (is_val, index) in ascending token length, so cached batches carry little padding.
    pending: Vec<(bool, usize)>,
    prepared: usize,
    pub(crate) step: usize,
    /// (epoch, its shuffled row order): drawn once per epoch from the seed.
    order: (usize, Vec<usize>),
    /// Sum of this epoch's step losses so far (on the device until the epoch ends).
    pub(crate) epoch_loss: Option<Tensor<1>>,
    pub(crate) epoch_steps: usize,
    epoch_seconds: f64,
    pub(crate) history: Vec<EpochSummary>,
}

impl Trainer {
    /// Checks the settings, samples, splits and tokenizes the data, and splits the model at
    /// `layers` from the top. `device` is a plain (non-autodiff) device. With `init: continue`
    /// the model's head keeps training (same classes only); otherwise a fresh head starts.
    pub fn new(mut model: Model, data: &Dataset, cfg: RunConfig, device: &Device) -> Result<Trainer> {
        cfg.check(&model.config)?;
        let labels = data.labels();
        if cfg.init == Init::Continue {
            check_continue(&model, &labels)?;
        }
        let mut notes = Vec::new();
        let sampled;
        let examples: &[Example] = match cfg.sample {
            Some(n) if n < data.examples.len() => {
                sampled = stratified_sample(&data.examples, n, cfg.seed);
                notes.push(format!("trained on a sample of {} of the {} rows (seed {})", sampled.len(), data.examples.len(), cfg.seed));
                &sampled
            }
            _ => &data.examples,
        };
        let (train_ex, val_ex) = stratified_split(examples, cfg.val_split, cfg.seed);
        if train_ex.is_empty() {
            return Err(Error::Settings("no rows are left for training: lower val_split or add rows".into()));
        }
        let index = data.class_index();
        let mut truncated = 0;
        let mut split = |ex: &[Example]| -> Result<Split> {
            let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
            let enc = model.tokenizer.encode(&texts, cfg.max_len)?;
            truncated += enc.iter().filter(|e| e.truncated).count();
            let labels = ex.iter().map(|e| index[&e.label]).collect();
            Ok(Split { tokens: enc.into_iter().map(|e| e.ids).collect(), labels, cache: Vec::new() })
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
        let top = match (cfg.init, model.head.take()) {
            (Init::Continue, Some(head)) => Classifier::with_head(top_layers, head, cfg.dropout),
            _ => Classifier::new(top_layers, h, labels.len(), cfg.dropout, cfg.seed, device),
        }
        .train();
        let prefix = Prefix { embeddings: model.encoder.embeddings.clone(), layers: std::mem::take(&mut model.encoder.layers) }.valid();

        let steps_per_epoch = train.tokens.len().div_ceil(cfg.batch_size);
        let total_steps = steps_per_epoch * cfg.epochs;
        let mut pending: Vec<(bool, usize)> = Vec::new();
        if cached {
            pending = (0..train.tokens.len()).map(|i| (false, i)).chain((0..val.tokens.len()).map(|i| (true, i))).collect();
            pending.sort_by_key(|&(v, i)| if v { val.tokens[i].len() } else { train.tokens[i].len() });
        }
        let info = TrainInfo {
            rows: examples.len(),
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
        let data_fingerprint = data_fingerprint(&train_ex, &val_ex);
        Ok(Trainer {
            schedule: Schedule::new(cfg.lr, total_steps, cfg.warmup),
            optim: AdamW::new(cfg.weight_decay),
            cfg,
            model,
            prefix,
            top: Some(top),
            device: device.clone(),
            info,
            train,
            val,
            data_fingerprint,
            pending,
            prepared: 0,
            step: 0,
            order: (0, Vec::new()),
            epoch_loss: None,
            epoch_steps: 0,
            epoch_seconds: 0.0,
            history: Vec::new(),
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

    /// Runs the frozen prefix over the next chunk of rows; `Some((done, total))` while rows
    /// remain, `None` once every row is cached (at once when the cache is off).
    pub async fn prepare(&mut self) -> Result<Option<(usize, usize)>> {
        let total = self.pending.len();
        if self.prepared == total {
            return Ok(None);
        }
        if self.prepared == 0 {
            self.train.cache = vec![Cached::empty(); self.train.tokens.len()];
            self.val.cache = vec![Cached::empty(); self.val.tokens.len()];
        }
        let end = (self.prepared + PREPARE_CHUNK).min(total);
        let chunk = self.pending[self.prepared..end].to_vec();
        let rows: Vec<&[u32]> = chunk.iter().map(|&(v, i)| if v { &self.val.tokens[i][..] } else { &self.train.tokens[i][..] }).collect();
        let cached = self.prefix.cache(&rows, &self.device, self.cfg.cache_dtype).await?;
        for ((v, i), c) in chunk.into_iter().zip(cached) {
            if v { self.val.cache[i] = c } else { self.train.cache[i] = c }
        }
        self.prepared = end;
        Ok(Some((end, total)))
    }

    pub fn is_prepared(&self) -> bool {
        self.prepared == self.pending.len()
    }

    pub fn is_done(&self) -> bool {
        self.step >= self.info.total_steps
    }

    /// The prefix's output for rows `idx` of a split, as a batch on `device`: from the cache,
    /// or computed now when the cache is off.
    async fn batch(&self, val: bool, idx: &[usize], device: &Device) -> Result<(Tensor<3>, Tensor<2>)> {
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
        let n = self.train.tokens.len();
        let start = in_epoch * self.cfg.batch_size;
        let end = (start + self.cfg.batch_size).min(n);
        if self.order.0 != epoch || self.order.1.is_empty() {
            self.order = (epoch, epoch_order(n, self.cfg.seed, epoch));
        }
        let idx = self.order.1[start..end].to_vec();
        // Dropout draws from the backend's RNG: seeded per step, so a resumed run draws the same.
        self.device.seed(step_seed(self.cfg.seed, self.step));
        let ad = self.device.clone().autodiff();
        let (x, mask) = self.batch(false, &idx, &ad).await?;
        let y: Vec<i64> = idx.iter().map(|&i| self.train.labels[i] as i64).collect();
        let y = Tensor::<1, Int>::from_data(TensorData::new(y, [idx.len()]), &ad);

        let top = self.top.take().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let loss = CrossEntropyLossConfig::new().init(&ad).forward(top.forward(x, mask), y);
        let grads = GradientsParams::from_grads(loss.backward(), &top);
        let lr = self.schedule.lr(self.step);
        self.top = Some(self.optim.step(lr, top, grads));

        let loss = loss.without_autodiff();
        self.epoch_loss = Some(match self.epoch_loss.take() {
            Some(sum) => sum + loss.clone(),
            None => loss.clone(),
        });
        self.epoch_steps += 1;
        self.step += 1;
        let epoch_done = end == n;
        let read = epoch_done || self.step % self.cfg.log_every == 0;
        let loss = if read { Some(readback::scalar(loss).await?) } else { None };
        self.epoch_seconds += started.elapsed().as_secs_f64();
        let epoch_end = if epoch_done { Some(self.finish_epoch(epoch).await?) } else { None };
        Ok(StepInfo { step: self.step, epoch: epoch + 1, lr, loss, epoch_end })
    }

    async fn finish_epoch(&mut self, epoch: usize) -> Result<EpochSummary> {
        let sum = match self.epoch_loss.take() {
            Some(s) => readback::scalar(s).await?,
            None => 0.0,
        };
        let train_loss = sum / self.epoch_steps.max(1) as f32;
        let samples_per_s = self.train.tokens.len() as f64 / self.epoch_seconds.max(1e-9);
        self.epoch_steps = 0;
        self.epoch_seconds = 0.0;
        let (val_loss, val_metrics) = match self.evaluate_val().await? {
            Some((l, m)) => (Some(l), Some(m)),
            None => (None, None),
        };
        let summary = EpochSummary {
            epoch: epoch + 1,
            train_loss,
            val_loss,
            val_acc: val_metrics.as_ref().map(|m| m.acc),
            val_macro_f1: val_metrics.as_ref().map(|m| m.macro_f1),
            samples_per_s,
            val_metrics,
        };
        self.history.push(summary.clone());
        Ok(summary)
    }

    /// Loss and metrics on the validation rows; None when there are none.
    pub async fn evaluate_val(&self) -> Result<Option<(f32, Metrics)>> {
        if self.val.tokens.is_empty() {
            return Ok(None);
        }
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let mut logits = Vec::with_capacity(self.val.tokens.len());
        for chunk in (0..self.val.tokens.len()).collect::<Vec<_>>().chunks(evaluate::BATCH) {
            let (x, mask) = self.batch(true, chunk, &self.device).await?;
            logits.extend(evaluate::read_rows(top.forward(x, mask)).await?);
        }
        let loss = evaluate::cross_entropy(&logits, &self.val.labels);
        Ok(Some((loss, evaluate::metrics(&logits, &self.val.labels, &self.info.labels))))
    }

    /// The fine-tuned model: the frozen layers and the trained ones back in one encoder, the
    /// head, and a config.json naming the classes and how the head pools.
    pub fn into_model(self) -> Result<Model> {
        let mut model = self.model;
        let top = self.top.ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let mut layers = self.prefix.layers;
        layers.extend(top.layers);
        model.encoder = Encoder { embeddings: self.prefix.embeddings, layers };
        model.head = Some(top.head);
        model.pooling = Pooling::Mean;
        model.fingerprint = crate::checkpoint::tuned_fingerprint(&model.fingerprint, &self.data_fingerprint, self.step);
        model.config.set_labels(&self.info.labels);
        model.config.extra.insert("tabtune".into(), serde_json::json!({ "pooling": "mean", "max_len": self.cfg.max_len }));
        Ok(model)
    }
}

/// `init: continue` needs a head trained here on the same classes.
fn check_continue(model: &Model, labels: &[String]) -> Result<()> {
    let bad = |m: String| Err(Error::Settings(m));
    let Some(have) = model.labels() else {
        return bad("init = continue needs a fine-tuned model, but this one has no classification head yet: train it with init = pretrained first".into());
    };
    if !matches!(model.pooling, Pooling::Mean) {
        return bad("init = continue cannot build on this head: it was trained with [CLS] pooling elsewhere; start from the pretrained encoder (init = pretrained)".into());
    }
    if have != labels {
        return bad(format!(
            "init = continue needs the same classes, but the model knows {} and the data has {}: use init = pretrained to train a new head",
            have.join(", "),
            labels.join(", ")
        ));
    }
    Ok(())
}

/// A distinct, reproducible RNG seed for every step of a run.
fn step_seed(seed: u64, step: usize) -> u64 {
    seed ^ (step as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn data_fingerprint(train: &[Example], val: &[Example]) -> String {
    let mut bytes = Vec::new();
    for (tag, part) in [(b'T', train), (b'V', val)] {
        for e in part {
            bytes.push(tag);
            bytes.extend_from_slice(e.text.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(e.label.as_bytes());
            bytes.push(0);
        }
    }
    fingerprint(&[&bytes])
}
