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
