//! The trainer, stepped by its caller: `prepare()` until it returns `None` (the frozen prefix
//! runs once over every example), then `step()` until `is_done()`. Nothing here blocks or loops
//! over a whole run, so a Web Worker can yield between calls and the CLI drives the same code.
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::Serialize;
use web_time::Instant;

use crate::classifier::Classifier;
use crate::data::{Dataset, epoch_order, stratified_split};
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::model::{Encoder, Model};
use crate::prefix::{Cached, Prefix, stack};
use crate::run::RunConfig;
use crate::schedule::Schedule;
use crate::infer as evaluate;
use crate::readback;

/// Rows the prefix runs at once while caching.
const PREPARE_CHUNK: usize = 32;

/// Facts about a run, known before the first step.
#[derive(Clone, Debug, Serialize)]
pub struct TrainInfo {
    pub train_rows: usize,
    pub val_rows: usize,
    pub labels: Vec<String>,
    pub frozen_layers: usize,
    pub trainable_layers: usize,
    pub trainable_params: usize,
    pub steps_per_epoch: usize,
    pub total_steps: usize,
    /// Texts longer than max_len tokens, cut at max_len.
    pub truncated: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepInfo {
    pub step: usize,
    pub epoch: usize,
    pub lr: f64,
    /// Present every `log_every` steps and at the end of each epoch.
    pub loss: Option<f32>,
    /// The epoch this step finished, evaluated on the validation rows.
    #[serde(skip)]
    pub epoch_end: Option<EpochSummary>,
}

/// One line per epoch, with the keys the CLI prints.
#[derive(Clone, Debug, Serialize)]
pub struct EpochSummary {
    pub epoch: usize,
    pub train_loss: f32,
    pub val_loss: Option<f32>,
    pub val_acc: Option<f64>,
    pub val_macro_f1: Option<f64>,
    pub samples_per_s: f64,
    #[serde(skip)]
    pub val_metrics: Option<Metrics>,
}

struct Split {
    tokens: Vec<Vec<u32>>,
    labels: Vec<usize>,
    cache: Vec<Cached>,
}

impl Split {
    fn rows(&self, idx: &[usize]) -> Vec<&Cached> {
        idx.iter().map(|&i| &self.cache[i]).collect()
    }
}

pub struct Trainer {
    cfg: RunConfig,
    model: Model,
    prefix: Prefix,
    top: Option<Classifier>,
    optim: ModuleOptimizer,
    schedule: Schedule,
    device: Device,
    info: TrainInfo,
    train: Split,
    val: Split,
    /// (is_val, index) in ascending token length, so cached batches carry little padding.
    pending: Vec<(bool, usize)>,
    prepared: usize,
    step: usize,
    order: Vec<usize>,
    cursor: usize,
    epoch_loss: Option<Tensor<1>>,
    epoch_steps: usize,
    epoch_seconds: f64,
}

impl Trainer {
    /// Checks the settings, splits and tokenizes the data, and splits the model at
    /// `layers` from the top. `device` is a plain (non-autodiff) device.
    pub fn new(mut model: Model, data: &Dataset, cfg: RunConfig, device: &Device) -> Result<Trainer> {
        cfg.check(&model.config)?;
        let labels = data.labels();
        let (train_ex, val_ex) = stratified_split(&data.examples, cfg.val_split, cfg.seed);
        if train_ex.is_empty() {
            return Err(Error::Settings("no rows are left for training: lower val_split or add rows".into()));
        }
        let index = data.class_index();
        let mut truncated = 0;
        let mut split = |ex: &[crate::data::Example]| -> Result<Split> {
            let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
            let enc = model.tokenizer.encode(&texts, cfg.max_len)?;
            truncated += enc.iter().filter(|e| e.truncated).count();
            let labels = ex.iter().map(|e| index[&e.label]).collect();
            Ok(Split { tokens: enc.into_iter().map(|e| e.ids).collect(), labels, cache: Vec::new() })
        };
        let (train, val) = (split(&train_ex)?, split(&val_ex)?);

        let n = model.config.num_hidden_layers;
        let h = model.config.hidden_size;
        device.seed(cfg.seed);
        let top_layers = model.encoder.layers.split_off(n - cfg.layers);
        let top = match model.head.take() {
            // Same classes as the data: continue training the head it has.
            Some(head) if model.config.labels().as_deref() == Some(&labels[..]) => {
                Classifier::with_head(top_layers, head, cfg.dropout)
            }
            _ => Classifier::new(top_layers, h, labels.len(), cfg.dropout, cfg.seed, device),
        }
        .train();
        let prefix = Prefix {
            embeddings: model.encoder.embeddings.clone(),
            layers: std::mem::take(&mut model.encoder.layers),
        }
        .valid();

        let steps_per_epoch = train.tokens.len().div_ceil(cfg.batch_size);
        let total_steps = steps_per_epoch * cfg.epochs;
        let mut pending: Vec<(bool, usize)> =
            (0..train.tokens.len()).map(|i| (false, i)).chain((0..val.tokens.len()).map(|i| (true, i))).collect();
        pending.sort_by_key(|&(v, i)| if v { val.tokens[i].len() } else { train.tokens[i].len() });

        let info = TrainInfo {
            train_rows: train.tokens.len(),
            val_rows: val.tokens.len(),
            labels,
            frozen_layers: n - cfg.layers,
            trainable_layers: cfg.layers,
            trainable_params: top.num_params(),
            steps_per_epoch,
            total_steps,
            truncated,
        };
        let optim = AdamWConfig::new().with_epsilon(1e-8).with_weight_decay(cfg.weight_decay as f32).init();
        Ok(Trainer {
            schedule: Schedule::new(cfg.lr, total_steps, cfg.warmup),
            cfg,
            model,
            prefix,
            top: Some(top),
            optim,
            device: device.clone(),
            info,
            train,
            val,
            pending,
            prepared: 0,
            step: 0,
            order: Vec::new(),
            cursor: 0,
            epoch_loss: None,
            epoch_steps: 0,
            epoch_seconds: 0.0,
        })
    }

    pub fn info(&self) -> &TrainInfo {
        &self.info
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    /// Runs the frozen prefix over the next chunk of rows; `Some((done, total))` while rows
    /// remain, `None` once every row is cached.
    pub async fn prepare(&mut self) -> Result<Option<(usize, usize)>> {
        let total = self.pending.len();
        if self.prepared == total {
            return Ok(None);
        }
        if self.prepared == 0 {
            self.train.cache = vec![Cached { hidden: Vec::new(), len: 0 }; self.train.tokens.len()];
            self.val.cache = vec![Cached { hidden: Vec::new(), len: 0 }; self.val.tokens.len()];
        }
        let end = (self.prepared + PREPARE_CHUNK).min(total);
        let chunk = self.pending[self.prepared..end].to_vec();
        let rows: Vec<&[u32]> = chunk
            .iter()
            .map(|&(v, i)| if v { &self.val.tokens[i][..] } else { &self.train.tokens[i][..] })
            .collect();
        let cached = self.prefix.cache(&rows, &self.device).await?;
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

    /// One optimizer step on the next batch (the prefix must be prepared).
    pub async fn step(&mut self) -> Result<StepInfo> {
        if !self.is_prepared() {
            return Err(Error::Settings("call prepare() until it returns None before training".into()));
        }
        if self.is_done() {
            return Err(Error::Settings("training has already finished".into()));
        }
        let started = Instant::now();
        let epoch = self.step / self.info.steps_per_epoch;
        let n = self.train.tokens.len();
        if self.cursor == 0 {
            self.order = epoch_order(n, self.cfg.seed, epoch);
        }
        let end = (self.cursor + self.cfg.batch_size).min(n);
        let idx = self.order[self.cursor..end].to_vec();
        let ad = self.device.clone().autodiff();
        let (x, mask) = stack(&self.train.rows(&idx), self.model.config.hidden_size, &ad);
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
        self.cursor = end;
        self.step += 1;
        let epoch_done = self.cursor == n;
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
        self.cursor = 0;
        self.epoch_steps = 0;
        self.epoch_seconds = 0.0;
        let (val_loss, val_metrics) = match self.evaluate_val().await? {
            Some((l, m)) => (Some(l), Some(m)),
            None => (None, None),
        };
        Ok(EpochSummary {
            epoch: epoch + 1,
            train_loss,
            val_loss,
            val_acc: val_metrics.as_ref().map(|m| m.acc),
            val_macro_f1: val_metrics.as_ref().map(|m| m.macro_f1),
            samples_per_s,
            val_metrics,
        })
    }

    /// Loss and metrics on the validation rows; None when there are none.
    pub async fn evaluate_val(&self) -> Result<Option<(f32, Metrics)>> {
        if self.val.tokens.is_empty() {
            return Ok(None);
        }
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let h = self.model.config.hidden_size;
        let mut logits = Vec::with_capacity(self.val.tokens.len());
        for chunk in (0..self.val.tokens.len()).collect::<Vec<_>>().chunks(evaluate::BATCH) {
            let (x, mask) = stack(&self.val.rows(chunk), h, &self.device);
            logits.extend(evaluate::read_rows(top.forward(x, mask)).await?);
        }
        let loss = evaluate::cross_entropy(&logits, &self.val.labels);
        Ok(Some((loss, evaluate::metrics(&logits, &self.val.labels, &self.info.labels))))
    }

    /// The fine-tuned model: the frozen layers and the trained ones back in one encoder, the
    /// head, and a config.json naming the classes.
    pub fn into_model(self) -> Result<Model> {
        let mut model = self.model;
        let top = self.top.ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let mut layers = self.prefix.layers;
        layers.extend(top.layers);
        model.encoder = Encoder { embeddings: self.prefix.embeddings, layers };
        model.head = Some(top.head);
        model.config.set_labels(&self.info.labels);
        model.config.extra.insert("tabtune".into(), serde_json::json!({ "pooling": "mean", "max_len": self.cfg.max_len }));
        Ok(model)
    }
}
