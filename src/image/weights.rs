//! `model.safetensors` bytes ↔ the EfficientNet modules, by efficientnet_pytorch's names.
//!
//! | tensor (PyTorch name)                                   | shape                 | module                        |
//! |---------------------------------------------------------|-----------------------|-------------------------------|
//! | `_conv_stem.weight`                                     | [32, 3, 3, 3]         | `stem.weight`                 |
//! | `_bn0.{weight,bias,running_mean,running_var}`           | [32]                  | `stem` γ, β, mean, var        |
//! | `_blocks.{i}._expand_conv.weight` (expand ratio ≠ 1)    | [c·r, c, 1, 1]        | `blocks[i].expand`            |
//! | `_blocks.{i}._bn0.*`                                    | [c·r]                 | `blocks[i].expand` BN         |
//! | `_blocks.{i}._depthwise_conv.weight`                    | [c·r, 1, k, k]        | `blocks[i].depthwise`         |
//! | `_blocks.{i}._bn1.*`                                    | [c·r]                 | `blocks[i].depthwise` BN      |
//! | `_blocks.{i}._project_conv.weight`                      | [c_out, c·r, 1, 1]    | `blocks[i].project`           |
//! | `_blocks.{i}._bn2.*`                                    | [c_out]               | `blocks[i].project` BN        |
//! | `_conv_head.weight`                                     | [1280, 320, 1, 1]     | `head.weight`                 |
//! | `_bn1.*`                                                | [1280]                | `head` BN                     |
//! | `_fc.{weight,bias}`                                     | [classes, 1280], [classes] | `fc` (transposed)        |
//!
//! PyTorch stores a Linear weight [out, in]; burn's `Linear` holds [in, out]. Ignored by
//! design: `*.num_batches_tracked` (a counter, not a weight). Anything else missing,
//! unexpected or mis-shaped is an error that names it.
use std::collections::BTreeSet;

use burn::module::Param;
use burn::nn::Linear;
use burn::prelude::*;
use safetensors::SafeTensors;

use super::config::{BlockSpec, HEAD_CHANNELS, STEM_CHANNELS, VisionConfig};
use super::layers::ConvBn;
use super::mbconv::MbConv;
use super::net::{EfficientNet, ImageTop};
use crate::error::{Error, Result};
use crate::tensors::{NamedTensor, to_f32, transpose, weight_problems};

struct WeightFile<'a> {
    st: SafeTensors<'a>,
    /// Read `{prefix}{name}` (a checkpoint keeps the best epoch's weights under `best.`).
    prefix: &'a str,
    /// Names under these prefixes are another part of the file (a checkpoint's optimizer
    /// state, its other weights), neither read nor reported as unexpected.
    other: &'a [&'a str],
    used: BTreeSet<String>,
    problems: Vec<String>,
}

impl<'a> WeightFile<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| {
            Error::Weights(format!("the file is not valid safetensors ({e}); it may be truncated or corrupt: download it again"))
        })?;
        Ok(Self { st, prefix: "", other: &[], used: BTreeSet::new(), problems: Vec::new() })
    }

    /// Whether `name` belongs to the part being read.
    fn in_scope(&self, name: &str) -> bool {
        name.starts_with(self.prefix) && !self.other.iter().any(|o| name.starts_with(o))
    }

    /// The tensor's values as f32, row-major; zeros and a recorded problem when absent,
    /// unreadable or mis-shaped (the shapes come from the fixed architecture table, so the
    /// allocation is bounded).
    fn take(&mut self, name: &str, shape: &[usize]) -> Vec<f32> {
        let zeros = || vec![0.0; shape.iter().product()];
        let name = &format!("{}{name}", self.prefix);
        let view = match self.st.tensor(name) {
            Ok(v) => v,
            Err(safetensors::SafeTensorError::TensorNotFound(_)) => {
                self.problems.push(format!("missing tensor '{name}' (expected shape {shape:?})"));
                return zeros();
            }
            Err(e) => {
                self.problems.push(format!("tensor '{name}' cannot be read: {e}"));
                return zeros();
            }
        };
        self.used.insert(name.to_string());
        if view.shape() != shape {
            self.problems.push(format!("tensor '{name}' has shape {:?} but the architecture needs {shape:?}", view.shape()));
            return zeros();
        }
        match to_f32(view.dtype(), view.data()) {
            Some(v) => v,
            None => {
                self.problems.push(format!("tensor '{name}' has dtype {:?}; use F32, F16 or BF16", view.dtype()));
                zeros()
            }
        }
    }

    fn tensor<const D: usize>(&mut self, name: &str, shape: [usize; D], device: &Device) -> Tensor<D> {
        let v = self.take(name, &shape);
        Tensor::from_data(TensorData::new(v, shape), device)
    }

    /// Conv `conv` [c_out, c_in/groups, k, k] with the BatchNorm `bn`.
    #[allow(clippy::too_many_arguments)]
    fn conv_bn(&mut self, conv: &str, bn: &str, shape: [usize; 4], stride: usize, groups: usize, relu6: bool, eps: f64, device: &Device) -> ConvBn {
        let c = shape[0];
        ConvBn {
            weight: Param::from_tensor(self.tensor(&format!("{conv}.weight"), shape, device)),
            gamma: Param::from_tensor(self.tensor(&format!("{bn}.weight"), [c], device)),
            beta: Param::from_tensor(self.tensor(&format!("{bn}.bias"), [c], device)),
            running_mean: self.tensor(&format!("{bn}.running_mean"), [c], device),
            running_var: self.tensor(&format!("{bn}.running_var"), [c], device),
            stride,
            groups,
            relu6,
            eps,
        }
    }

    fn block(&mut self, i: usize, s: &BlockSpec, eps: f64, device: &Device) -> MbConv {
        let p = format!("_blocks.{i}");
        let h = s.hidden();
        let expand = (s.expand != 1)
            .then(|| self.conv_bn(&format!("{p}._expand_conv"), &format!("{p}._bn0"), [h, s.c_in, 1, 1], 1, 1, true, eps, device));
        MbConv {
            expand,
            depthwise: self.conv_bn(&format!("{p}._depthwise_conv"), &format!("{p}._bn1"), [h, 1, s.kernel, s.kernel], s.stride, h, true, eps, device),
            project: self.conv_bn(&format!("{p}._project_conv"), &format!("{p}._bn2"), [s.c_out, h, 1, 1], 1, 1, false, eps, device),
            skip: s.skip(),
        }
    }

    fn finish(mut self) -> Result<()> {
        let mut problems = std::mem::take(&mut self.problems);
        for name in self.st.names() {
            if self.in_scope(name) && !name.ends_with(".num_batches_tracked") && !self.used.contains(name) {
                problems.push(format!("unexpected tensor '{name}' (not part of EfficientNet-Lite0)"));
            }
        }
        weight_problems(problems)
    }
}

/// The network described by `cfg` from safetensors bytes; `_fc` has `cfg.labels.len()` outputs.
pub fn load(bytes: &[u8], cfg: &VisionConfig, device: &Device) -> Result<EfficientNet> {
    let specs = cfg.blocks()?;
    let eps = cfg.bn_eps;
    let mut w = WeightFile::parse(bytes)?;
    let stem = w.conv_bn("_conv_stem", "_bn0", [STEM_CHANNELS, 3, 3, 3], 2, 1, true, eps, device);
    let blocks = specs.iter().enumerate().map(|(i, s)| w.block(i, s, eps, device)).collect();
    let last = specs.last().map_or(STEM_CHANNELS, |s| s.c_out);
    let (head, fc) = w.head_fc(last, cfg.labels.len(), eps, device);
    w.finish()?;
    Ok(EfficientNet { stem, blocks, head, fc })
}

impl WeightFile<'_> {
    /// The head conv (`last` channels in) and `_fc` (`classes` outputs).
    fn head_fc(&mut self, last: usize, classes: usize, eps: f64, device: &Device) -> (ConvBn, Linear) {
        let head = self.conv_bn("_conv_head", "_bn1", [HEAD_CHANNELS, last, 1, 1], 1, 1, true, eps, device);
        let fc_w = transpose(&self.take("_fc.weight", &[classes, HEAD_CHANNELS]), classes, HEAD_CHANNELS);
        let fc = Linear {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(fc_w, [HEAD_CHANNELS, classes]), device)),
            bias: Some(Param::from_tensor(self.tensor("_fc.bias", [classes], device))),
        };
        (head, fc)
    }
}

/// The trainable top a checkpoint holds (`checkpoint::image`): blocks `first..` under their
/// indices in the whole network, the head conv and an `_fc` of `classes` outputs, each name
/// read as `{prefix}{name}`; the optimizer's `optim.*` and, unless asked for, the `best.*`
/// weights are left alone. Missing, unexpected and mis-shaped tensors are errors, as in `load`.
pub fn load_top(bytes: &[u8], cfg: &VisionConfig, first: usize, classes: usize, prefix: &str, device: &Device) -> Result<ImageTop> {
    let specs = cfg.blocks()?;
    if first > specs.len() {
        return Err(Error::Weights(format!("the checkpoint trains blocks from {first}, but the model has {}", specs.len())));
    }
    let mut w = WeightFile::parse(bytes)?;
    w.prefix = prefix;
    w.other = if prefix.is_empty() { &["optim.", "best."] } else { &["optim."] };
    let eps = cfg.bn_eps;
    let blocks = specs.iter().enumerate().skip(first).map(|(i, s)| w.block(i, s, eps, device)).collect();
    let last = specs.last().map_or(STEM_CHANNELS, |s| s.c_out);
    let (head, fc) = w.head_fc(last, classes, eps, device);
    w.finish()?;
    Ok(ImageTop { blocks, head, fc })
}

fn push_conv_bn(out: &mut Vec<(String, NamedTensor)>, conv: &str, bn: &str, l: &ConvBn) {
    out.push((format!("{conv}.weight"), NamedTensor::Conv(l.weight.val())));
    out.push((format!("{bn}.weight"), NamedTensor::Vector(l.gamma.val())));
    out.push((format!("{bn}.bias"), NamedTensor::Vector(l.beta.val())));
    out.push((format!("{bn}.running_mean"), NamedTensor::Vector(l.running_mean.clone())));
    out.push((format!("{bn}.running_var"), NamedTensor::Vector(l.running_var.clone())));
}

/// Block `index`'s tensors under their file names; mirrors `load`.
pub fn block_tensors(index: usize, b: &MbConv) -> Vec<(String, NamedTensor)> {
    let p = format!("_blocks.{index}");
    let mut out = Vec::new();
    if let Some(e) = &b.expand {
        push_conv_bn(&mut out, &format!("{p}._expand_conv"), &format!("{p}._bn0"), e);
    }
    push_conv_bn(&mut out, &format!("{p}._depthwise_conv"), &format!("{p}._bn1"), &b.depthwise);
    push_conv_bn(&mut out, &format!("{p}._project_conv"), &format!("{p}._bn2"), &b.project);
    out
}

/// Every tensor of the network under its file name (what `load` reads).
pub fn tensors(net: &EfficientNet) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    push_conv_bn(&mut out, "_conv_stem", "_bn0", &net.stem);
    for (i, b) in net.blocks.iter().enumerate() {
        out.extend(block_tensors(i, b));
    }
    push_head_fc(&mut out, &net.head, &net.fc);
    out
}

/// A trainable top's tensors under the whole network's names: its blocks numbered from
/// `first` (the frozen blocks below it), the head conv and `_fc` (what `load_top` reads).
pub fn top_tensors(top: &ImageTop, first: usize) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    for (j, b) in top.blocks.iter().enumerate() {
        out.extend(block_tensors(first + j, b));
    }
    push_head_fc(&mut out, &top.head, &top.fc);
    out
}

fn push_head_fc(out: &mut Vec<(String, NamedTensor)>, head: &ConvBn, fc: &Linear) {
    push_conv_bn(out, "_conv_head", "_bn1", head);
    out.push(("_fc.weight".into(), NamedTensor::LinearWeight(fc.weight.val())));
    if let Some(b) = &fc.bias {
        out.push(("_fc.bias".into(), NamedTensor::Vector(b.val())));
    }
}
