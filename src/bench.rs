//! The shared/bench workload (batch 32, seq 128, top-2 layers + head trainable, MiniLM-L6
//! shape, random weights and ids): training samples/s with the frozen prefix run every step
//! and with it cached, and inference samples/s — the figures the PyTorch anchor prints.
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::Serialize;
use web_time::Instant;

use crate::classifier::Classifier;
use crate::data::Rng;
use crate::error::{Error, Result};
use crate::model::{BertConfig, random::random_weights, weights};
use crate::prefix::Prefix;
use crate::readback;

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
    optim: ModuleOptimizer,
    ids: Tensor<2, Int>,
    mask: Tensor<2>,
    y: Tensor<1, Int>,
    cached: Tensor<3>,
}

impl Workload {
    /// One training step; reads the loss back so the step has really finished.
    async fn train(&mut self, use_cache: bool) -> Result<()> {
        let x = if use_cache { self.cached.clone() } else { self.prefix.forward(self.ids.clone(), self.mask.clone()) };
        let top = self.top.take().ok_or_else(|| Error::Device("a bench step failed".into()))?;
        let logits = top.forward(x.autodiff(), self.mask.clone().autodiff());
        let loss = CrossEntropyLossConfig::new().init(&self.y.device()).forward(logits, self.y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &top);
        self.top = Some(self.optim.step(2e-5, top, grads));
        readback::scalar(loss.without_autodiff()).await.map(|_| ())
    }

    /// All layers, no autodiff, mean-pooled.
    async fn infer(&self) -> Result<()> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a bench step failed".into()))?.valid();
        let pooled = top.pooled(self.prefix.forward(self.ids.clone(), self.mask.clone()), self.mask.clone());
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
    let ids: Vec<i64> = (0..b * s).map(|_| 1000 + rng.below(29000) as i64).collect();
    let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [b, s]), device);
    let mask = Tensor::<2>::ones([b, s], device);
    let y: Vec<i64> = (0..b).map(|i| (i % 2) as i64).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(y, [b]), &device.clone().autodiff());
    let cached = prefix.forward(ids.clone(), mask.clone());
    let mut w = Workload {
        top: Some(Classifier::new(top_layers, model_cfg.hidden_size, 2, 0.1, 0, device).train()),
        optim: AdamWConfig::new().with_weight_decay(0.01).init(),
        prefix,
        ids,
        mask,
        y,
        cached,
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
