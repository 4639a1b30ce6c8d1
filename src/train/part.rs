//! A part of a step's batch, as another worker computes its gradients (data-parallel steps,
//! `parts.rs`): the part's inputs as bytes, a module's parameters and gradients as one flat run
//! of floats in the optimizer's traversal order, and `PartWorker`, the other worker's side.
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dropout::Noise;
use crate::error::{Error, Result};
use crate::head::ParamGroup;
use crate::kind::{Batch, Kind, Top, top_from_files};
use crate::loss::{BatchTarget, Objective};
use crate::readback;
use crate::step::grads_of;

/// What the floats after a part's header are.
#[derive(Serialize, Deserialize)]
struct Header {
    /// The input's dims: [r, s, h] (text, then the mask [r, s]) or [r, c, h, w] (image; sound:
    /// r = clips · `windows`).
    x: Vec<usize>,
    /// A sound part's windows per clip (absent for text and images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    windows: Option<usize>,
    /// "classes" [r, C], "multi" [r, L] or "values" [r].
    target: String,
    target_dims: Vec<usize>,
    /// The part's share of a loss whose targets do not carry the batch's denominator.
    scale: f64,
    noise: Noise,
}

/// A part of a batch as bytes: a u32 header length, the JSON header, then the input's, the
/// mask's (text) and the target's floats, little-endian.
pub(crate) async fn encode(batch: Batch, target: BatchTarget, scale: f64, noise: Noise) -> Result<Vec<u8>> {
    let (x, mask, windows) = match batch {
        Batch::Text(x, mask) => (x.dims().to_vec(), vec![readback::floats(x).await?, readback::floats(mask).await?], None),
        Batch::Image(x) => (x.dims().to_vec(), vec![readback::floats(x).await?], None),
        Batch::Audio(x, w) => (x.dims().to_vec(), vec![readback::floats(x).await?], Some(w)),
    };
    let (name, target_dims, values) = match target {
        BatchTarget::Classes(t) => ("classes", t.dims().to_vec(), readback::floats(t).await?),
        BatchTarget::Multi(t) => ("multi", t.dims().to_vec(), readback::floats(t).await?),
        BatchTarget::Values(t) => ("values", t.dims().to_vec(), readback::floats(t).await?),
    };
    let header = Header { x, windows, target: name.into(), target_dims, scale, noise };
    let json = serde_json::to_vec(&header).map_err(|e| Error::Device(format!("could not write a part's header: {e}")))?;
    let mut out = (json.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&json);
    for v in mask.iter().chain([&values]) {
        v.iter().for_each(|f| out.extend_from_slice(&f.to_le_bytes()));
    }
    Ok(out)
}

/// `encode`'s inverse, the tensors on `device`.
pub(crate) fn decode(bytes: &[u8], device: &Device) -> Result<(Batch, BatchTarget, f64, Noise)> {
    let bad = |what: &str| Error::Device(format!("a part of a step arrived damaged ({what})"));
    let len = u32::from_le_bytes(bytes.get(..4).and_then(|b| b.try_into().ok()).ok_or_else(|| bad("no header"))?) as usize;
    let header: Header = serde_json::from_slice(bytes.get(4..4 + len).ok_or_else(|| bad("short header"))?).map_err(|_| bad("header"))?;
    let floats: Vec<f32> = bytes[4 + len..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let mut at = 0;
    let mut take = |n: usize| -> Result<Vec<f32>> {
        let v = floats.get(at..at + n).ok_or_else(|| bad("short data"))?.to_vec();
        at += n;
        Ok(v)
    };
    let count = |d: &[usize]| d.iter().product::<usize>();
    let batch = match header.x[..] {
        [r, s, h] => {
            let x = Tensor::from_data(TensorData::new(take(r * s * h)?, [r, s, h]), device);
            Batch::Text(x, Tensor::from_data(TensorData::new(take(r * s)?, [r, s]), device))
        }
        [r, c, h, w] => {
            let x = Tensor::from_data(TensorData::new(take(r * c * h * w)?, [r, c, h, w]), device);
            match header.windows {
                Some(w) => Batch::Audio(x, w),
                None => Batch::Image(x),
            }
        }
        _ => return Err(bad("input dims")),
    };
    let values = take(count(&header.target_dims))?;
    let target = match (header.target.as_str(), &header.target_dims[..]) {
        ("classes", &[r, c]) => BatchTarget::Classes(Tensor::from_data(TensorData::new(values, [r, c]), device)),
        ("multi", &[r, l]) => BatchTarget::Multi(Tensor::from_data(TensorData::new(values, [r, l]), device)),
        ("values", &[r]) => BatchTarget::Values(Tensor::from_data(TensorData::new(values, [r]), device)),
        _ => return Err(bad("target")),
    };
    if at != floats.len() {
        return Err(bad("extra data"));
    }
    Ok((batch, target, header.scale, header.noise))
}

/// Every float parameter of `module`, one after another in traversal order, read back at once.
pub(crate) async fn read_params<M: Module>(module: &M) -> Result<Vec<f32>> {
    struct Flat(Vec<Tensor<1>>);
    impl ModuleVisitor for Flat {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            let t = p.val().inner();
            let n = t.shape().num_elements();
            self.0.push(t.reshape([n]));
        }
    }
    let mut flat = Flat(Vec::new());
    module.visit(&mut flat);
    readback::floats(Tensor::cat(flat.0, 0)).await
}

/// `module` with its float parameters set from `read_params`' output, which must hold
/// as many values as the module's parameters.
fn load_params<M: Module>(module: M, flat: &[f32]) -> M {
    struct Load<'a>(&'a [f32], usize);
    impl ModuleMapper for Load<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let (id, tensor, mapper) = param.consume();
            let shape = tensor.shape();
            let n = shape.num_elements();
            let values = self.0[self.1..self.1 + n].to_vec();
            self.1 += n;
            let mut t = Tensor::<D>::from_data(TensorData::new(values, shape), &tensor.device());
            if tensor.is_require_grad() {
                t = t.require_grad();
            }
            Param::from_mapped_value(id, t, mapper)
        }
    }
    module.map(&mut Load(flat, 0))
}

/// `grads` of `module`'s parameters flattened as `read_params` orders them (zeros where a
/// parameter has none), read back at once; `device` is the plain device they live on.
pub(crate) async fn read_grads<M: Module>(module: &M, grads: &GradientsParams, device: &Device) -> Result<Vec<f32>> {
    struct Flat<'a>(&'a GradientsParams, &'a Device, Vec<Tensor<1>>);
    impl ModuleVisitor for Flat<'_> {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            let n = p.lazy_shape().num_elements();
            self.2.push(match self.0.get::<D>(p.id) {
                Some(g) => g.reshape([n]),
                None => Tensor::zeros([n], self.1),
            });
        }
    }
    let mut flat = Flat(grads, device, Vec::new());
    module.visit(&mut flat);
    readback::floats(Tensor::cat(flat.2, 0)).await
}

/// Adds another part's flat gradients (`read_grads`' order) to `grads`, parameter by parameter.
pub(crate) fn add_grads<M: Module>(module: &M, grads: &mut GradientsParams, flat: &[f32]) -> Result<()> {
    struct Add<'a>(&'a mut GradientsParams, &'a [f32], usize, bool);
    impl ModuleVisitor for Add<'_> {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            let n = p.lazy_shape().num_elements();
            let Some(values) = self.1.get(self.2..self.2 + n) else {
                self.3 = true;
                return;
            };
            self.2 += n;
            // a parameter without a gradient here has none in any part (the same module)
            if let Some(g) = self.0.remove::<D>(p.id) {
                let other = Tensor::<D>::from_data(TensorData::new(values.to_vec(), g.shape()), &g.device());
                self.0.register(p.id, g + other);
            }
        }
    }
    let mut add = Add(grads, flat, 0, false);
    module.visit(&mut add);
    if add.3 || add.2 != flat.len() {
        return Err(Error::Device(format!("a part's gradients hold {} values, the model {}", flat.len(), add.2)));
    }
    Ok(())
}

/// What a `PartWorker` is built from (`Trainer::part_files`).
pub struct PartFiles {
    pub kind: Kind,
    /// The base model's config.json.
    pub config: Vec<u8>,
    /// A checkpoint of the run (its settings and the top's tensors).
    pub checkpoint: Vec<u8>,
    pub first: usize,
    pub outputs: usize,
}

/// Another worker's copy of a run's trainable top: given the top's weights and a part of a
/// step's batch, it returns the part's gradients and loss.
pub struct PartWorker {
    top: Option<Top>,
    objective: Objective,
    device: Device,
}

impl PartWorker {
    /// On the plain `device` (its autodiff twin computes the gradients).
    pub fn load(files: &PartFiles, device: &Device) -> Result<PartWorker> {
        let cfg = crate::checkpoint::info(&files.checkpoint)?.config;
        let top = top_from_files(files.kind, &files.config, &cfg, &files.checkpoint, files.first, files.outputs, device)?;
        // the loss of a part reads only its target's kind (the targets carry weights and smoothing)
        Ok(PartWorker { top: Some(top), objective: Objective::classes(files.outputs), device: device.clone() })
    }

    /// The top's weights as `Trainer::top_weights` gives them.
    pub fn set_weights(&mut self, flat: &[f32]) -> Result<()> {
        let top = self.top.take().ok_or_else(|| Error::Device("this worker's copy of the model is gone".into()))?;
        // the count the page's parameter groups show, over the whole top
        let want = ParamGroup::of(String::new(), &top, 1.0).params;
        if flat.len() != want {
            self.top = Some(top);
            return Err(Error::Device(format!("the weights sent hold {} values, the model {want}", flat.len())));
        }
        self.top = Some(load_params(top, flat));
        Ok(())
    }

    /// The gradients of a part (`Trainer::split_step`'s bytes) as `join_step` takes them: every
    /// parameter's, flattened, then the part's loss.
    pub async fn grads(&self, part: &[u8]) -> Result<Vec<f32>> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("this worker's copy of the model is gone".into()))?;
        let (batch, target, scale, noise) = decode(part, &self.device.clone().autodiff())?;
        let (grads, loss) = grads_of(top, &self.objective, |t| t.forward(batch, Some(noise)), target, scale, false);
        let mut flat = read_grads(top, &grads, &self.device).await?;
        flat.push(readback::scalar(loss).await?);
        Ok(flat)
    }
}
