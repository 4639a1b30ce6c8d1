//! `model.safetensors` bytes ↔ modules, by Hugging Face tensor name.
//!
//! | HF tensor (an optional `bert.` prefix is accepted)        | module                      |
//! |-----------------------------------------------------------|-----------------------------|
//! | `embeddings.word_embeddings.weight` [vocab, h]            | `embeddings.word`           |
//! | `embeddings.position_embeddings.weight` [positions, h]    | `embeddings.position`       |
//! | `embeddings.token_type_embeddings.weight` [types, h]      | `embeddings.token_type`     |
//! | `embeddings.LayerNorm.{weight,bias}` [h]                  | `embeddings.norm` γ, β      |
//! | `encoder.layer.{i}.attention.self.{query,key,value}.*`    | `layers[i].{query,key,value}` |
//! | `encoder.layer.{i}.attention.output.dense.*`              | `layers[i].attn_out`        |
//! | `encoder.layer.{i}.attention.output.LayerNorm.*`          | `layers[i].attn_norm`       |
//! | `encoder.layer.{i}.intermediate.dense.*` [ffn, h]         | `layers[i].intermediate`    |
//! | `encoder.layer.{i}.output.dense.*` [h, ffn]               | `layers[i].output`          |
//! | `encoder.layer.{i}.output.LayerNorm.*`                    | `layers[i].out_norm`        |
//! | `pooler.dense.*` [h, h] (when present)                    | the [CLS] pooler            |
//! | `classifier.{weight,bias}` [classes, h] (tabtune export)  | the classification head     |
//!
//! HF stores a Linear weight as [out, in]; burn's `Linear` holds [in, out], so weights are
//! transposed on the way in and out. Ignored by design: `embeddings.position_ids` (a buffer, not
//! a weight) and `pooler.*` other than `pooler.dense` (none in BERT). Anything else that is
//! missing, unexpected or mis-shaped is an error that names it.
use std::collections::{BTreeSet, HashMap};

use burn::module::Param;
use burn::nn::{Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig, Linear};
use burn::prelude::*;
use safetensors::SafeTensors;

use super::bert::{Embeddings, Encoder, Layer, layer_dropouts};
use super::config::BertConfig;
use crate::error::{Error, Result};


pub use crate::tensors::{NamedTensor, transpose};
use crate::tensors::{to_f32, weight_problems};

struct WeightFile<'a> {
    st: SafeTensors<'a>,
    /// name without `bert.` → name in the file
    names: HashMap<String, String>,
    used: BTreeSet<String>,
    problems: Vec<String>,
}

impl<'a> WeightFile<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| {
            Error::Weights(format!("the file is not valid safetensors ({e}); it may be truncated or corrupt: download it again"))
        })?;
        let names = st
            .names()
            .into_iter()
            .map(|n| (n.strip_prefix("bert.").unwrap_or(n).to_string(), n.to_string()))
            .collect();
        Ok(Self { st, names, used: BTreeSet::new(), problems: Vec::new() })
    }

    fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The tensor's values as f32 in row-major order; zeros (and a recorded problem for
    /// `finish`) when absent, unreadable or mis-shaped. The callers build a tensor of `shape`
    /// from the result, so it must have that many values even then. Allocating them is safe
    /// only because `BertConfig::check` bounds every size (500M values at most in all, so the
    /// product cannot overflow either): a config.json with absurd sizes never gets here.
    fn take(&mut self, name: &str, shape: &[usize]) -> Vec<f32> {
        let zeros = || vec![0.0; shape.iter().product()];
        let Some(file_name) = self.names.get(name) else {
            self.problems.push(format!("missing tensor '{name}' (expected shape {shape:?})"));
            return zeros();
        };
        self.used.insert(name.to_string());
        let view = match self.st.tensor(file_name) {
            Ok(v) => v,
            Err(e) => {
                self.problems.push(format!("tensor '{name}' cannot be read: {e}"));
                return zeros();
            }
        };
        if view.shape() != shape {
            self.problems.push(format!(
                "tensor '{name}' has shape {:?} but config.json implies {shape:?}",
                view.shape()
            ));
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

    fn finish(self) -> Result<()> {
        let mut problems = self.problems;
        for name in self.names.keys() {
            let ignored = name == "embeddings.position_ids" || name.starts_with("pooler.");
            if !ignored && !self.used.contains(name) {
                problems.push(format!("unexpected tensor '{name}' (not part of a BERT encoder with this config.json)"));
            }
        }
        weight_problems(problems)
    }

    fn matrix(&mut self, name: &str, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
        let v = self.take(name, &[rows, cols]);
        Tensor::from_data(TensorData::new(v, [rows, cols]), device)
    }

    fn vector(&mut self, name: &str, n: usize, device: &Device) -> Tensor<1> {
        let v = self.take(name, &[n]);
        Tensor::from_data(TensorData::new(v, [n]), device)
    }

    fn linear(&mut self, name: &str, d_in: usize, d_out: usize, device: &Device) -> Linear {
        let w = transpose(&self.take(&format!("{name}.weight"), &[d_out, d_in]), d_out, d_in);
        let weight = Tensor::from_data(TensorData::new(w, [d_in, d_out]), device);
        let bias = self.vector(&format!("{name}.bias"), d_out, device);
        Linear { weight: Param::from_tensor(weight), bias: Some(Param::from_tensor(bias)) }
    }

    fn layer_norm(&mut self, name: &str, n: usize, eps: f64, device: &Device) -> LayerNorm {
        let mut norm = LayerNormConfig::new(n).with_epsilon(eps).init(device);
        norm.gamma = Param::from_tensor(self.vector(&format!("{name}.weight"), n, device));
        norm.beta = Some(Param::from_tensor(self.vector(&format!("{name}.bias"), n, device)));
        norm
    }

    fn embedding(&mut self, name: &str, n: usize, h: usize, device: &Device) -> Embedding {
        let mut emb = EmbeddingConfig::new(n, h).init(device);
        emb.weight = Param::from_tensor(self.matrix(&format!("{name}.weight"), n, h, device));
        emb
    }
}

/// The encoder and, when the file has them, a classifier head with `classes` outputs and the
/// [CLS] pooler (`pooler.dense`: how an HF `*ForSequenceClassification` head reads, and where
/// `pooling: cls` training starts from a base model).
pub fn load(bytes: &[u8], cfg: &BertConfig, device: &Device) -> Result<(Encoder, Option<Linear>, Option<Linear>)> {
    let mut w = WeightFile::parse(bytes)?;
    let (h, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
    let embeddings = Embeddings {
        word: w.embedding("embeddings.word_embeddings", cfg.vocab_size, h, device),
        position: w.embedding("embeddings.position_embeddings", cfg.max_position_embeddings, h, device),
        token_type: w.embedding("embeddings.token_type_embeddings", cfg.type_vocab_size, h, device),
        norm: w.layer_norm("embeddings.LayerNorm", h, eps, device),
    };
    let layers = (0..cfg.num_hidden_layers).map(|i| w.layer(i, cfg, device)).collect::<Result<_>>()?;
    let head = match cfg.labels() {
        Some(labels) if w.has("classifier.weight") => Some(w.linear("classifier", h, labels.len(), device)),
        _ => None,
    };
    let pooler = w.has("pooler.dense.weight").then(|| w.linear("pooler.dense", h, h, device));
    w.finish()?;
    Ok((Encoder { embeddings, layers }, head, pooler))
}

impl WeightFile<'_> {
    /// Encoder layer `i` (`encoder.layer.{i}.…`).
    fn layer(&mut self, i: usize, cfg: &BertConfig, device: &Device) -> Result<Layer> {
        let (h, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
        let p = format!("encoder.layer.{i}");
        let (attn_dropout, dropout) = layer_dropouts(cfg);
        Ok(Layer {
            query: self.linear(&format!("{p}.attention.self.query"), h, h, device),
            key: self.linear(&format!("{p}.attention.self.key"), h, h, device),
            value: self.linear(&format!("{p}.attention.self.value"), h, h, device),
            attn_out: self.linear(&format!("{p}.attention.output.dense"), h, h, device),
            attn_norm: self.layer_norm(&format!("{p}.attention.output.LayerNorm"), h, eps, device),
            intermediate: self.linear(&format!("{p}.intermediate.dense"), h, cfg.intermediate_size, device),
            output: self.linear(&format!("{p}.output.dense"), cfg.intermediate_size, h, device),
            out_norm: self.layer_norm(&format!("{p}.output.LayerNorm"), h, eps, device),
            attn_dropout,
            dropout,
            heads: cfg.num_attention_heads,
            act: cfg.activation()?,
        })
    }
}

/// A checkpoint's trained layers, head and (pooling cls) pooler.
pub type Top = (Vec<Layer>, Linear, Option<Linear>);

/// The trained part of a model from a checkpoint's tensors: layers `first..` up to the top,
/// the head with `classes` outputs and, with `pooler`, the [CLS] pooler. Tensors named
/// `optim.*` (the optimizer's) are skipped.
/// `prefix`: "" for a checkpoint's current weights, `best.` for its best epoch's.
pub fn load_top(bytes: &[u8], cfg: &BertConfig, first: usize, classes: usize, pooler: bool, prefix: &str, device: &Device) -> Result<Top> {
    let mut w = WeightFile::parse(bytes)?;
    w.names = std::mem::take(&mut w.names)
        .into_iter()
        .filter_map(|(n, file)| match n.strip_prefix(prefix) {
            Some(rest) if !prefix.is_empty() => Some((rest.to_string(), file)),
            _ if prefix.is_empty() && !n.starts_with("optim.") && !n.starts_with("best.") => Some((n, file)),
            _ => None,
        })
        .collect();
    let layers = (first..cfg.num_hidden_layers).map(|i| w.layer(i, cfg, device)).collect::<Result<_>>()?;
    let head = w.linear("classifier", cfg.hidden_size, classes, device);
    let pooler = pooler.then(|| w.linear("pooler.dense", cfg.hidden_size, cfg.hidden_size, device));
    w.finish()?;
    Ok((layers, head, pooler))
}

fn push_linear(out: &mut Vec<(String, NamedTensor)>, name: &str, l: &Linear) {
    out.push((format!("{name}.weight"), NamedTensor::LinearWeight(l.weight.val())));
    if let Some(b) = &l.bias {
        out.push((format!("{name}.bias"), NamedTensor::Vector(b.val())));
    }
}

fn push_norm(out: &mut Vec<(String, NamedTensor)>, name: &str, n: &LayerNorm) {
    out.push((format!("{name}.weight"), NamedTensor::Vector(n.gamma.val())));
    if let Some(b) = &n.beta {
        out.push((format!("{name}.bias"), NamedTensor::Vector(b.val())));
    }
}

/// One layer's tensors under HF names (`encoder.layer.{index}.…`); mirrors `load`.
pub fn layer_tensors(index: usize, l: &Layer) -> Vec<(String, NamedTensor)> {
    let p = format!("encoder.layer.{index}");
    let mut out = Vec::new();
    push_linear(&mut out, &format!("{p}.attention.self.query"), &l.query);
    push_linear(&mut out, &format!("{p}.attention.self.key"), &l.key);
    push_linear(&mut out, &format!("{p}.attention.self.value"), &l.value);
    push_linear(&mut out, &format!("{p}.attention.output.dense"), &l.attn_out);
    push_norm(&mut out, &format!("{p}.attention.output.LayerNorm"), &l.attn_norm);
    push_linear(&mut out, &format!("{p}.intermediate.dense"), &l.intermediate);
    push_linear(&mut out, &format!("{p}.output.dense"), &l.output);
    push_norm(&mut out, &format!("{p}.output.LayerNorm"), &l.out_norm);
    out
}

pub fn embeddings_tensors(e: &Embeddings) -> Vec<(String, NamedTensor)> {
    let mut out = vec![
        ("embeddings.word_embeddings.weight".to_string(), NamedTensor::Matrix(e.word.weight.val())),
        ("embeddings.position_embeddings.weight".to_string(), NamedTensor::Matrix(e.position.weight.val())),
        ("embeddings.token_type_embeddings.weight".to_string(), NamedTensor::Matrix(e.token_type.weight.val())),
    ];
    push_norm(&mut out, "embeddings.LayerNorm", &e.norm);
    out
}

pub fn head_tensors(head: &Linear) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    push_linear(&mut out, "classifier", head);
    out
}

pub fn pooler_tensors(pooler: &Linear) -> Vec<(String, NamedTensor)> {
    let mut out = Vec::new();
    push_linear(&mut out, "pooler.dense", pooler);
    out
}
