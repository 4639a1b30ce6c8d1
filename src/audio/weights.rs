//! The network's weights ↔ the modules, by the ONNX initializer names, from either file:
//! `embedding_model.onnx` as fetched (its graph checked node by node first, `graph.rs`) or a
//! `model.safetensors` written by `tensors` (a fine-tuned export, a checkpoint).
//!
//! | tensor (ONNX initializer name)                     | shape            | module               |
//! |----------------------------------------------------|------------------|----------------------|
//! | `model/conv2d/Conv2D_{weights,bias}_fused_bn`      | [24, 1, 3, 3]    | `stem`               |
//! | `model/conv2d_{2j+1}/Conv2D_{weights,bias}_fused_bn` | [c_out, c_in, 1, 3] | `blocks[j].wide`  |
//! | `model/conv2d_{2j+2}/Conv2D_{weights,bias}_fused_bn` | [c_out, c_out, 3, 1] | `blocks[j].tall` |
//! | `model/conv2d_19/Conv2D/ReadVariableOp:0`          | [96, 96, 3, 1]   | `head` (no bias)     |
//! | `classifier.{weight,bias}` (fine-tuned only)       | [classes, 96], [classes] | the Linear head (transposed) |
//!
//! Only in the ONNX file, checked and not kept: `const_fold_opt__287` (the −0.4 floor),
//! `new_shape__262` / `new_shape__273` ([-1, 1, 76, 32] in, [-1, 1, 1, 96] out). Anything
//! missing, unexpected or mis-shaped is an error that names it.
use std::collections::{BTreeMap, BTreeSet};

use burn::module::Param;
use burn::nn::Linear;
use burn::prelude::*;
use safetensors::SafeTensors;

use super::arch::{self, ConvSpec, FLOOR_NAME, INPUT_SHAPE_NAME, OUTPUT_SHAPE_NAME};
use super::config::{EMBEDDING_DIM, N_MELS, WINDOW_FRAMES};
use super::layers::{Conv, FLOOR};
use super::net::{BLOCKS, Block, SpeechEmbedding, SpeechTop};
use crate::error::{Error, Result};
use crate::onnx::read::{self, Values};
use crate::tensors::{NamedTensor, problem_list, to_f32, transpose, weight_problems};

struct Tensors {
    /// name → (shape, values), every tensor of the file.
    all: BTreeMap<String, (Vec<usize>, Values)>,
    onnx: bool,
    /// Read `{prefix}{name}`; names under `other` are another part of the file.
    prefix: String,
    other: Vec<String>,
    used: BTreeSet<String>,
    problems: Vec<String>,
}

/// A safetensors file starts with its header's length (8 bytes) and the JSON header's `{`; an
/// ONNX ModelProto starts with a protobuf field tag.
pub fn is_safetensors(bytes: &[u8]) -> bool {
    bytes.len() > 8 && bytes[8] == b'{'
}

impl Tensors {
    fn parse(bytes: &[u8]) -> Result<Tensors> {
        let mut t = Tensors { all: BTreeMap::new(), onnx: !is_safetensors(bytes), prefix: String::new(), other: Vec::new(), used: BTreeSet::new(), problems: Vec::new() };
        if t.onnx {
            let graph = read::graph(bytes, "embedding_model.onnx")?;
            super::graph::check(&graph)?;
            for init in &graph.initializer {
                let v = read::values(init).map_err(|e| Error::Onnx(format!("embedding_model.onnx: initializer '{}': {e}", init.name)))?;
                t.all.insert(init.name.clone(), v);
            }
            t.constants();
        } else {
            let st = SafeTensors::deserialize(bytes).map_err(|e| Error::Weights(format!("the file is not valid safetensors ({e}); it may be truncated or corrupt")))?;
            for (name, view) in st.tensors() {
                let v = to_f32(view.dtype(), view.data()).ok_or_else(|| Error::Weights(format!("tensor '{name}' has dtype {:?}; use F32, F16 or BF16", view.dtype())))?;
                t.all.insert(name, (view.shape().to_vec(), Values::F32(v)));
            }
        }
        Ok(t)
    }

    /// The ONNX graph's non-weight constants must be the architecture's.
    fn constants(&mut self) {
        let checks = [
            (FLOOR_NAME, vec![1, 1, 1, 1], Values::F32(vec![FLOOR])),
            (INPUT_SHAPE_NAME, vec![4], Values::I64(vec![-1, 1, WINDOW_FRAMES as i64, N_MELS as i64])),
            (OUTPUT_SHAPE_NAME, vec![4], Values::I64(vec![-1, 1, 1, EMBEDDING_DIM as i64])),
        ];
        for (name, shape, want) in checks {
            self.used.insert(name.into());
            match self.all.get(name) {
                Some((s, v)) if *s == shape && *v == want => {}
                Some((s, v)) => self.problems.push(format!("'{name}' is {v:?} of shape {s:?}; the architecture has {want:?}")),
                None => self.problems.push(format!("missing constant '{name}'")),
            }
        }
    }

    /// The tensor's f32 values; zeros and a recorded problem when absent or mis-shaped (the
    /// shapes come from the fixed table, so the allocation is bounded).
    fn take(&mut self, name: &str, shape: &[usize]) -> Vec<f32> {
        let zeros = || vec![0.0; shape.iter().product()];
        let name = format!("{}{name}", self.prefix);
        let Some((s, v)) = self.all.get(&name) else {
            self.problems.push(format!("missing tensor '{name}' (expected shape {shape:?})"));
            return zeros();
        };
        self.used.insert(name.clone());
        match v {
            Values::F32(v) if s == shape => v.clone(),
            Values::F32(_) => {
                self.problems.push(format!("tensor '{name}' has shape {s:?} but the architecture needs {shape:?}"));
                zeros()
            }
            Values::I64(_) => {
                self.problems.push(format!("tensor '{name}' holds integers"));
                zeros()
            }
        }
    }

    fn conv(&mut self, s: ConvSpec, device: &Device) -> Conv {
        let shape = s.shape();
        let weight = Tensor::from_data(TensorData::new(self.take(&s.weight_name(), &shape), shape), device);
        let bias = s.bias_and_activation.then(|| Param::from_tensor(Tensor::from_data(TensorData::new(self.take(&s.bias_name(), &[s.c_out]), [s.c_out]), device)));
        Conv { weight: Param::from_tensor(weight), bias, pad_mel: s.pad_mel, activation: s.bias_and_activation }
    }

    fn block(&mut self, j: usize, device: &Device) -> Block {
        let (wide, tall) = arch::block(j);
        Block { wide: self.conv(wide, device), tall: self.conv(tall, device), pool: arch::BLOCK_TABLE[j].2 }
    }

    /// The Linear head: `classifier.weight` [classes, 96] (PyTorch's layout) and its bias.
    fn classifier(&mut self, classes: usize, device: &Device) -> Linear {
        let w = transpose(&self.take("classifier.weight", &[classes, EMBEDDING_DIM]), classes, EMBEDDING_DIM);
        let b = self.take("classifier.bias", &[classes]);
        Linear {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(w, [EMBEDDING_DIM, classes]), device)),
            bias: Some(Param::from_tensor(Tensor::from_data(TensorData::new(b, [classes]), device))),
        }
    }

    fn finish(mut self) -> Result<()> {
        let mut problems = std::mem::take(&mut self.problems);
        for name in self.all.keys() {
            let in_scope = name.starts_with(&self.prefix) && !self.other.iter().any(|o| name.starts_with(o.as_str()));
            if in_scope && !self.used.contains(name) {
                problems.push(format!("unexpected tensor '{name}' (not part of speech_embedding)"));
            }
        }
        if !self.onnx {
            return weight_problems(problems);
        }
        match problem_list(problems) {
            None => Ok(()),
            Some(msg) => Err(Error::Onnx(format!("embedding_model.onnx: {msg}"))),
        }
    }
}

/// The whole network from `embedding_model.onnx` or a `model.safetensors` of the same names,
/// and with `classes` > 0 (a fine-tuned model's labels) its Linear head.
pub fn load(bytes: &[u8], classes: usize, device: &Device) -> Result<(SpeechEmbedding, Option<Linear>)> {
    let mut t = Tensors::parse(bytes)?;
    let stem = t.conv(arch::stem(), device);
    let blocks = (0..BLOCKS).map(|j| t.block(j, device)).collect();
    let head = t.conv(arch::head(), device);
    let fc = (classes > 0).then(|| t.classifier(classes, device));
    t.finish()?;
    Ok((SpeechEmbedding { stem, blocks, head }, fc))
}

/// The trainable top a checkpoint holds: blocks `first..` under their whole-network names and
/// the head, each read as `{prefix}{name}`; names under `other` (a checkpoint's optimizer state,
/// its other copy of the weights) are left alone. Errors as in `load`.
pub fn load_top(bytes: &[u8], first: usize, prefix: &str, other: &[&str], device: &Device) -> Result<SpeechTop> {
    let (top, _) = load_top_with(bytes, first, 0, prefix, other, device)?;
    Ok(top)
}

/// `load_top`, and with `classes` > 0 the Linear head beside it.
pub fn load_top_with(bytes: &[u8], first: usize, classes: usize, prefix: &str, other: &[&str], device: &Device) -> Result<(SpeechTop, Option<Linear>)> {
    if first > BLOCKS {
        return Err(Error::Weights(format!("the checkpoint trains blocks from {first}, but speech_embedding has {BLOCKS}")));
    }
    let mut t = Tensors::parse(bytes)?;
    t.prefix = prefix.into();
    t.other = other.iter().map(|o| o.to_string()).collect();
    let blocks = (first..BLOCKS).map(|j| t.block(j, device)).collect();
    let head = t.conv(arch::head(), device);
    let fc = (classes > 0).then(|| t.classifier(classes, device));
    t.finish()?;
    Ok((SpeechTop { blocks, head }, fc))
}

fn push_conv(out: &mut Vec<(String, NamedTensor)>, s: ConvSpec, c: &Conv) {
    out.push((s.weight_name(), NamedTensor::Conv(c.weight.val())));
    if let Some(b) = &c.bias {
        out.push((s.bias_name(), NamedTensor::Vector(b.val())));
    }
}

fn push_block(out: &mut Vec<(String, NamedTensor)>, j: usize, b: &Block) {
    let (wide, tall) = arch::block(j);
    push_conv(out, wide, &b.wide);
    push_conv(out, tall, &b.tall);
}

/// The Linear head under its file name, [classes, 96] (what `load` reads as `classifier`).
pub fn push_classifier(out: &mut Vec<(String, NamedTensor)>, fc: &Linear) {
    out.push(("classifier.weight".into(), NamedTensor::LinearWeight(fc.weight.val())));
    if let Some(b) = &fc.bias {
        out.push(("classifier.bias".into(), NamedTensor::Vector(b.val())));
    }
}

/// Every weight of the network under its ONNX name (what `load` reads from safetensors).
pub fn tensors(net: &SpeechEmbedding) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    push_conv(&mut out, arch::stem(), &net.stem);
    net.blocks.iter().enumerate().for_each(|(j, b)| push_block(&mut out, j, b));
    push_conv(&mut out, arch::head(), &net.head);
    out
}

/// A trainable top's weights under the whole network's names, its blocks numbered from
/// `first` (what `load_top` reads).
pub fn top_tensors(top: &SpeechTop, first: usize) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    top.blocks.iter().enumerate().for_each(|(j, b)| push_block(&mut out, first + j, b));
    push_conv(&mut out, arch::head(), &top.head);
    out
}
