//! Which device runs: `flex` (pure-Rust CPU, everywhere) or wgpu (a GPU through Vulkan/Metal
//! natively, WebGPU in the browser).
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Cpu,
    Gpu,
}

impl std::str::FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "cpu" => Ok(Self::Cpu),
            "gpu" => Ok(Self::Gpu),
            other => Err(Error::Settings(format!("backend '{other}' is unknown: use cpu or gpu"))),
        }
    }
}

/// A plain (non-autodiff) device of that kind.
pub async fn device(kind: BackendKind) -> Result<Device> {
    match kind {
        BackendKind::Cpu => Ok(Device::flex()),
        BackendKind::Gpu => Device::wgpu_options().init_async().await.map_err(|e| {
            Error::Device(format!("no GPU adapter could be opened ({e:?}); use the cpu backend instead"))
        }),
    }
}

/// Before the first real step on a GPU: one tiny training step (a random two-layer BERT top and
/// head, fixed inputs, AdamW) on `gpu` and on the CPU backend. A shader bug gives silent garbage
/// rather than an error; this returns the largest difference between the two in the loss and
/// the updated head (infinite if either is not finite), so the caller can fall back to the CPU.
pub async fn self_check(gpu: &Device) -> Result<f32> {
    let (a, b) = (tiny_step(gpu).await?, tiny_step(&Device::flex()).await?);
    if a.iter().chain(&b).any(|v| !v.is_finite()) {
        return Ok(f32::INFINITY);
    }
    Ok(a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max))
}

async fn tiny_step(device: &Device) -> Result<Vec<f32>> {
    use burn::module::Module;
    use crate::text::Classifier;
    use crate::loss::Objective;
    use crate::optim::{Optimizer, Settings};
    use crate::run::RunConfig;
    use crate::task::Targets;
    use crate::text::random::{TINY_CONFIG, random_weights};
    use crate::text::{BertConfig, weights};

    let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes())?;
    let (encoder, _, _) = weights::load(&random_weights(&cfg, 7)?, &cfg, device)?;
    let (b, s, h) = (4, 6, cfg.hidden_size);
    let top = Classifier::new(encoder.layers, h, 3, 0.0, 7, device).train();
    let ad = device.clone().autodiff();
    let x: Vec<f32> = (0..b * s * h).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    let mut mask = vec![1f32; b * s];
    mask[s - 2..s].fill(0.0); // some padding, so the mask path runs too
    let x = Tensor::<3>::from_data(TensorData::new(x, [b, s, h]), &ad);
    let mask = Tensor::<2>::from_data(TensorData::new(mask, [b, s]), &ad);
    // The trainer's own step (its default optimizer), on 3 classes with one weighted.
    let objective = Objective { class_weights: vec![1.0, 2.0, 1.0], ..Objective::classes(3) };
    let target = objective.batch(&Targets::Classes(vec![0, 1, 2, 1]), &[0, 1, 2, 3], &ad);
    let mut optim = Optimizer::new(Settings::of(&RunConfig::default()), Vec::new());
    let (top, out) = crate::step::train_step(top, &mut optim, &objective, x, mask, None, target, 1e-2, None, false);
    let top = top.valid();
    let mut out = crate::readback::floats(out.loss).await?;
    out.extend(crate::readback::floats(top.head.weight.val()).await?);
    out.extend(crate::readback::floats(top.layers[0].query.weight.val()).await?);
    Ok(out)
}
