//! The shared/bench workload (batch 32, seq 128, top-2 layers + head trainable, MiniLM-L6
//! shape, random weights and ids): training samples/s with the frozen prefix run every step
//! and with it cached, and inference samples/s — the figures the PyTorch anchor prints.
//! Training runs the trainer's own step (`step::train_step`, recipe R's optimizer and
//! objective) and, cached, takes the prefix states from the host cache each step as it does.
use burn::module::Module;
use burn::prelude::*;
use serde::Serialize;
use web_time::Instant;

use crate::text::Classifier;
use crate::data::Rng;
use crate::dropout::Noise;
use crate::error::{Error, Result};
use crate::loss::{BatchTarget, Objective};
use crate::text::{BertConfig, random::random_weights, weights};
use crate::optim::{Optimizer, Settings};
use crate::prefix::{Cached, Prefix, stack};
use crate::readback;
use crate::run::RunConfig;
use crate::step::train_step;
use crate::task::Targets;

#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub layers: usize,
    pub batch_size: usize,
    pub seq_len: usize,
    /// Timed steps per figure, after `warmup` untimed ones.
    pub steps: usize,
    pub warmup: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub backend: String,
    pub batch: usize,
    pub seq: usize,
    pub trainable_layers: usize,
    pub steps: usize,
    pub train_samples_per_s: f64,
    pub train_cached_samples_per_s: f64,
    pub infer_samples_per_s: f64,
}

/// all-MiniLM-L6-v2's shape.
pub fn minilm_config() -> BertConfig {
    let json = r#"{"vocab_size":30522,"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,
        "intermediate_size":1536,"max_position_embeddings":512,"hidden_act":"gelu"}"#;
    serde_json::from_str(json).expect("the built-in MiniLM config is valid JSON")
}

struct Workload {
    prefix: Prefix,
    top: Option<Classifier>,
    optim: Optimizer,
    objective: Objective,
    targets: Targets,
    device: Device,
    hidden: usize,
    ids: Tensor<2, Int>,
    mask: Tensor<2>,
    /// The prefix's states on the host, as the trainer caches them.
    cached: Vec<Cached>,
    steps: u64,
}

impl Workload {
    /// One training step; reads the loss back so the step has really finished.
    async fn train(&mut self, use_cache: bool) -> Result<()> {
        let ad = self.device.clone().autodiff();
        let (x, mask) = if use_cache {
            stack(&self.cached.iter().collect::<Vec<_>>(), self.hidden, &ad)
        } else {
            (self.prefix.forward(self.ids.clone(), self.mask.clone()).autodiff(), self.mask.clone().autodiff())
        };
        let idx: Vec<usize> = (0..self.targets.len()).collect();
        let target: BatchTarget = self.objective.batch(&self.targets, &idx, &ad);
        let top = self.top.take().ok_or_else(|| Error::Device("a bench step failed".into()))?;
        // the trainer's dropout, drawn as a run draws it (a fresh stream each step)
        self.steps += 1;
        let noise = Some(Noise::new(self.steps));
        let (top, out) = train_step(top, &mut self.optim, &self.objective, x, mask, noise, target, 2e-5, None, false);
        self.top = Some(top);
        readback::scalar(out.loss).await.map(|_| ())
    }

    /// All layers, no autodiff, mean-pooled.
    async fn infer(&self) -> Result<()> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a bench step failed".into()))?.valid();
        let pooled = top.pooled(self.prefix.forward(self.ids.clone(), self.mask.clone()), self.mask.clone(), None);
        readback::floats(pooled.sum()).await.map(|_| ())
    }
}

/// Runs `warmup` untimed then `steps` timed calls of `what`; returns samples per second.
macro_rules! timed {
    ($cfg:expr, $what:expr) => {{
        for _ in 0..$cfg.warmup {
            $what.await?;
        }
        let t0 = Instant::now();
        for _ in 0..$cfg.steps {
            $what.await?;
        }
        ($cfg.batch_size * $cfg.steps) as f64 / t0.elapsed().as_secs_f64()
    }};
}

pub async fn run(cfg: &BenchConfig, backend: &str, device: &Device) -> Result<BenchReport> {
    let mut model_cfg = minilm_config();
    if cfg.layers > model_cfg.num_hidden_layers || cfg.batch_size == 0 || cfg.steps == 0 || cfg.seq_len < 2 {
        return Err(Error::Settings("bench needs layers ≤ 6, batch_size ≥ 1, seq_len ≥ 2 and steps ≥ 1".into()));
    }
    model_cfg.max_position_embeddings = model_cfg.max_position_embeddings.max(cfg.seq_len);
    let (b, s) = (cfg.batch_size, cfg.seq_len);
    let (encoder, _, _) = weights::load(&random_weights(&model_cfg, 0)?, &model_cfg, device)?;
    let mut layers = encoder.layers;
    let top_layers = layers.split_off(layers.len() - cfg.layers);
    let prefix = Prefix { embeddings: encoder.embeddings, layers }.valid();

    let mut rng = Rng::new(0);
    let rows: Vec<Vec<u32>> = (0..b).map(|_| (0..s).map(|_| 1000 + rng.below(29000) as u32).collect()).collect();
    let ids: Vec<i64> = rows.iter().flatten().map(|&i| i as i64).collect();
    let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [b, s]), device);
    let mask = Tensor::<2>::ones([b, s], device);
    let recipe = RunConfig::default();
    let cached = prefix.cache(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>(), device, recipe.cache_dtype).await?;
    let top = Classifier::new(top_layers, model_cfg.hidden_size, 2, recipe.dropout, 0, device).train();
    let mut w = Workload {
        optim: Optimizer::new(Settings::of(&recipe), top.lr_scales(recipe.layer_lr_decay)),
        objective: Objective::classes(2),
        targets: Targets::Classes((0..b).map(|i| i % 2).collect()),
        top: Some(top),
        device: device.clone(),
        hidden: model_cfg.hidden_size,
        prefix,
        ids,
        mask,
        cached,
        steps: 0,
    };
    let train_samples_per_s = timed!(cfg, w.train(false));
    let train_cached_samples_per_s = timed!(cfg, w.train(true));
    let infer_samples_per_s = timed!(cfg, w.infer());
    Ok(BenchReport {
        backend: backend.to_string(),
        batch: b,
        seq: s,
        trainable_layers: cfg.layers,
        steps: cfg.steps,
        train_samples_per_s,
        train_cached_samples_per_s,
        infer_samples_per_s,
    })
}
