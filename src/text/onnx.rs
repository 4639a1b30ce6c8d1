//! The BERT classifier as ONNX nodes, step for step what src/text/bert.rs and
//! `Model::pool` compute (same order of operations, same constants), so onnxruntime's
//! probabilities match `tabtune predict`'s. Shapes: b = batch, s = sequence, h = hidden,
//! n = heads, d = h / n. Weights are initializers under their HF names, Linear weights in
//! burn's [in, out] layout (what MatMul wants; HF stores [out, in]).
use std::collections::HashMap;

use super::bert::MASKED;
use super::config::{Activation, BertConfig};
use super::weights::{NamedTensor, embeddings_tensors, head_tensors, layer_tensors, pooler_tensors};
use super::{Model, Pooling, default_max_len};
use crate::error::{Error, Result};
use crate::onnx::graph::{Attr, Graph};
use crate::onnx::proto::{DimensionValue, FLOAT, GraphProto, INT64, StringStringEntryProto, value_info};
use crate::readback;
use crate::task::Task;

/// Every weight by HF name: (shape, f32 values), Linear weights as [in, out].
pub type Weights = HashMap<String, (Vec<usize>, Vec<f32>)>;

/// How the pooled vector is read and turned into the graph's output.
pub enum Pool {
    Mean,
    ClsPooler,
}

/// What the logits become: softmax (classes), sigmoid (labels) or themselves (regression).
pub enum Output {
    Softmax,
    Sigmoid,
    Identity,
}

pub struct Bert<'a> {
    pub g: Graph,
    weights: Weights,
    cfg: &'a BertConfig,
}

impl<'a> Bert<'a> {
    pub fn new(weights: Weights, cfg: &'a BertConfig) -> Self {
        Self { g: Graph::default(), weights, cfg }
    }

    /// Moves the weight `name` into the graph as an initializer; returns its name.
    fn w(&mut self, name: &str) -> Result<String> {
        let (dims, values) = self
            .weights
            .remove(name)
            .ok_or_else(|| Error::Weights(format!("ONNX export: the model has no tensor '{name}'")))?;
        Ok(self.g.floats(name, &dims, &values))
    }

    fn linear(&mut self, x: &str, name: &str) -> Result<String> {
        let (w, b) = (self.w(&format!("{name}.weight"))?, self.w(&format!("{name}.bias"))?);
        Ok(self.g.linear(x, &w, &b))
    }

    fn norm(&mut self, x: &str, name: &str) -> Result<String> {
        let (gamma, beta) = (self.w(&format!("{name}.weight"))?, self.w(&format!("{name}.bias"))?);
        Ok(self.g.layer_norm(x, &gamma, &beta, self.cfg.layer_norm_eps))
    }

    /// `input_ids`, `attention_mask` → the graph output `out` [b, classes].
    pub fn build(&mut self, pool: Pool, output: Output, out: &str) -> Result<()> {
        let mask = self.g.op("Cast", &["attention_mask"], vec![Attr::Int("to", crate::onnx::proto::FLOAT as i64)]);
        let mut x = self.embeddings()?;
        let bias = self.mask_bias(&mask);
        for i in 0..self.cfg.num_hidden_layers {
            x = self.layer(i, &x, &bias)?;
        }
        let pooled = match pool {
            Pool::Mean => self.mean_pool(&x, &mask),
            Pool::ClsPooler => {
                let zero = self.g.ints("const.cls_index", &[], &[0]);
                let cls = self.g.op("Gather", &[&x, &zero], vec![Attr::Int("axis", 1)]); // [b, h]
                let dense = self.linear(&cls, "pooler.dense")?;
                self.g.op("Tanh", &[&dense], vec![])
            }
        };
        let logits = self.linear(&pooled, "classifier")?;
        match output {
            Output::Softmax => self.g.op_to(out, "Softmax", &[&logits], vec![Attr::Int("axis", -1)]),
            Output::Sigmoid => self.g.op_to(out, "Sigmoid", &[&logits], vec![]),
            Output::Identity => self.g.op_to(out, "Identity", &[&logits], vec![]),
        }
        Ok(())
    }

    /// word + position + token type (all 0: single segment), then LayerNorm → [b, s, h].
    fn embeddings(&mut self) -> Result<String> {
        let word = self.w("embeddings.word_embeddings.weight")?;
        let word = self.g.op("Gather", &[&word, "input_ids"], vec![]);
        // The first s rows of the position table, s = input_ids' second dim.
        let positions = self.w("embeddings.position_embeddings.weight")?;
        let s = self.g.op("Shape", &["input_ids"], vec![Attr::Int("start", 1), Attr::Int("end", 2)]);
        let zero = self.g.ints("const.slice_start", &[1], &[0]);
        let axis0 = self.g.ints("const.axis0", &[1], &[0]);
        let positions = self.g.op("Slice", &[&positions, &zero, &s, &axis0], vec![]); // [s, h]
        // Token type 0's row only: every token has type 0.
        let name = "embeddings.token_type_embeddings.weight";
        let h = self.cfg.hidden_size;
        let row0 = self.weights.get(name).and_then(|(_, v)| v.get(..h));
        let row0 = row0.ok_or_else(|| Error::Weights(format!("ONNX export: the model has no tensor '{name}'")))?.to_vec();
        let type0 = self.g.floats(&format!("{name}[0]"), &[h], &row0);
        let x = self.g.op("Add", &[&word, &positions], vec![]);
        let x = self.g.op("Add", &[&x, &type0], vec![]);
        self.norm(&x, "embeddings.LayerNorm")
    }

    /// mask [b, s] (1.0 token, 0.0 padding) → (1 - mask) · MASKED as [b, 1, 1, s].
    fn mask_bias(&mut self, mask: &str) -> String {
        let one = self.g.floats("const.one", &[], &[1.0]);
        let masked = self.g.floats("const.masked", &[], &[MASKED]);
        let axes = self.g.ints("const.axes12", &[2], &[1, 2]);
        let inv = self.g.op("Sub", &[&one, mask], vec![]);
        let bias = self.g.op("Mul", &[&inv, &masked], vec![]);
        self.g.op("Unsqueeze", &[&bias, &axes], vec![])
    }

    /// One post-LayerNorm encoder layer: x [b, s, h] → [b, s, h].
    fn layer(&mut self, i: usize, x: &str, bias: &str) -> Result<String> {
        let p = format!("encoder.layer.{i}");
        let (n, d) = (self.cfg.num_attention_heads, self.cfg.head_dim());
        let heads = self.g.ints(&format!("{p}.const.heads_shape"), &[4], &[0, 0, n as i64, d as i64]);
        let merged = self.g.ints(&format!("{p}.const.merged_shape"), &[3], &[0, 0, (n * d) as i64]);
        let scale = self.g.floats(&format!("{p}.const.sqrt_d"), &[], &[(d as f64).sqrt() as f32]);
        let split = |b: &mut Self, name: &str, perm: Vec<i64>| -> Result<String> {
            let t = b.linear(x, &format!("{p}.attention.self.{name}"))?;
            let t = b.g.op("Reshape", &[&t, &heads], vec![]); // [b, s, n, d]
            Ok(b.g.op("Transpose", &[&t], vec![Attr::Ints("perm", perm)]))
        };
        let q = split(self, "query", vec![0, 2, 1, 3])?; // [b, n, s, d]
        let k = split(self, "key", vec![0, 2, 3, 1])?; // [b, n, d, s]
        let v = split(self, "value", vec![0, 2, 1, 3])?; // [b, n, s, d]
        let scores = self.g.op("MatMul", &[&q, &k], vec![]);
        let scores = self.g.op("Div", &[&scores, &scale], vec![]);
        let scores = self.g.op("Add", &[&scores, bias], vec![]);
        let probs = self.g.op("Softmax", &[&scores], vec![Attr::Int("axis", -1)]);
        let context = self.g.op("MatMul", &[&probs, &v], vec![]);
        let context = self.g.op("Transpose", &[&context], vec![Attr::Ints("perm", vec![0, 2, 1, 3])]);
        let context = self.g.op("Reshape", &[&context, &merged], vec![]); // [b, s, h]
        let attn = self.linear(&context, &format!("{p}.attention.output.dense"))?;
        let attn = self.g.op("Add", &[&attn, x], vec![]);
        let x = self.norm(&attn, &format!("{p}.attention.output.LayerNorm"))?;
        let inner = self.linear(&x, &format!("{p}.intermediate.dense"))?;
        let inner = self.activation(&inner)?;
        let out = self.linear(&inner, &format!("{p}.output.dense"))?;
        let out = self.g.op("Add", &[&out, &x], vec![]);
        self.norm(&out, &format!("{p}.output.LayerNorm"))
    }

    /// The feed-forward activation of `hidden_act`, in the form burn computes it.
    fn activation(&mut self, x: &str) -> Result<String> {
        // constants only where an arm uses them: an unused initializer makes onnxruntime warn
        let halves = |g: &mut Graph| (g.floats("const.half", &[], &[0.5]), g.floats("const.one", &[], &[1.0]));
        Ok(match self.cfg.activation()? {
            // x · 0.5 · (1 + erf(x / √2)); Gelu is an op only from opset 20.
            Activation::Gelu => {
                let (half, one) = halves(&mut self.g);
                let sqrt2 = self.g.floats("const.sqrt2", &[], &[std::f32::consts::SQRT_2]);
                let t = self.g.op("Div", &[x, &sqrt2], vec![]);
                let t = self.g.op("Erf", &[&t], vec![]);
                let t = self.g.op("Add", &[&t, &one], vec![]);
                let t = self.g.op("Mul", &[x, &t], vec![]);
                self.g.op("Mul", &[&t, &half], vec![])
            }
            // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))), as burn's gelu_approximate.
            Activation::GeluTanh => {
                let (half, one) = halves(&mut self.g);
                let c = self.g.floats("const.gelu_c", &[], &[0.044715]);
                let k = self.g.floats("const.sqrt_2_over_pi", &[], &[(2.0 / std::f64::consts::PI).sqrt() as f32]);
                let three = self.g.floats("const.three", &[], &[3.0]);
                let cube = self.g.op("Pow", &[x, &three], vec![]);
                let t = self.g.op("Mul", &[&cube, &c], vec![]);
                let t = self.g.op("Add", &[x, &t], vec![]);
                let t = self.g.op("Mul", &[&t, &k], vec![]);
                let t = self.g.op("Tanh", &[&t], vec![]);
                let t = self.g.op("Add", &[&t, &one], vec![]);
                let t = self.g.op("Mul", &[x, &t], vec![]);
                self.g.op("Mul", &[&t, &half], vec![])
            }
            Activation::Relu => self.g.op("Relu", &[x], vec![]),
        })
    }

    /// Mean over real tokens: x [b, s, h], mask [b, s] → [b, h] (`bert::mean_pool`).
    fn mean_pool(&mut self, x: &str, mask: &str) -> String {
        let axis2 = self.g.ints("const.axis2", &[1], &[2]);
        let axis1 = self.g.ints("const.axis1", &[1], &[1]);
        let tiny = self.g.floats("const.count_min", &[], &[1e-9]);
        let m = self.g.op("Unsqueeze", &[mask, &axis2], vec![]); // [b, s, 1]
        let masked = self.g.op("Mul", &[x, &m], vec![]);
        let summed = self.g.op("ReduceSum", &[&masked, &axis1], vec![Attr::Int("keepdims", 0)]); // [b, h]
        let counts = self.g.op("ReduceSum", &[&m, &axis1], vec![Attr::Int("keepdims", 0)]); // [b, 1]
        let counts = self.g.op("Max", &[&counts, &tiny], vec![]);
        self.g.op("Div", &[&summed, &counts], vec![])
    }
}

/// A fine-tuned text classifier's graph and metadata.
pub(crate) async fn text_graph(model: &Model) -> Result<(GraphProto, Vec<StringStringEntryProto>)> {
    let labels = match (&model.head, model.labels()) {
        (Some(_), Some(labels)) => labels,
        _ => {
            return Err(Error::Settings(
                "ONNX export needs a fine-tuned model: this one has no classification head (train it first with \
                 tabtune train, then export the folder it writes)"
                    .into(),
            ));
        }
    };
    let task = model.task();
    let (pool, pooling) = match model.pooling {
        Pooling::Mean => (Pool::Mean, "mean"),
        Pooling::ClsPooler(_) => (Pool::ClsPooler, "cls"),
    };
    let (output, out_name) = match task {
        Task::Classification => (Output::Softmax, "probabilities"),
        Task::MultiLabel => (Output::Sigmoid, "probabilities"),
        Task::Regression => (Output::Identity, "value"),
    };
    let mut bert = Bert::new(weights(model).await?, &model.config);
    bert.build(pool, output, out_name)?;
    let batch_seq = [DimensionValue::DimParam("batch".into()), DimensionValue::DimParam("sequence".into())];
    let batch_out = [DimensionValue::DimParam("batch".into()), DimensionValue::DimValue(labels.len() as i64)];
    let graph = GraphProto {
        node: bert.g.nodes,
        name: "tabtune_classifier".into(),
        initializer: bert.g.initializers,
        doc_string: format!("BERT classifier ({pooling} pooling, {}) exported by tabtune", task.name()),
        input: vec![value_info("input_ids", INT64, &batch_seq), value_info("attention_mask", INT64, &batch_seq)],
        output: vec![value_info(out_name, FLOAT, &batch_out)],
    };
    let mut meta = vec![
        ("labels", serde_json::to_string(&labels).unwrap_or_default()),
        ("task", task.name().to_string()),
        ("max_len", default_max_len(model).to_string()),
        ("pooling", pooling.to_string()),
    ];
    if task == Task::MultiLabel {
        meta.push(("threshold", model.threshold().to_string()));
    }
    let meta = meta.into_iter().map(|(k, v)| StringStringEntryProto { key: k.into(), value: v }).collect();
    Ok((graph, meta))
}

/// Every weight under its HF name, Linear weights kept in burn's [in, out] layout.
async fn weights(model: &Model) -> Result<Weights> {
    let mut named = embeddings_tensors(&model.encoder.embeddings);
    for (i, layer) in model.encoder.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    if let Some(head) = &model.head {
        named.extend(head_tensors(head));
    }
    if let Pooling::ClsPooler(pooler) = &model.pooling {
        named.extend(pooler_tensors(pooler));
    }
    let mut out = Weights::new();
    for (name, t) in named {
        let (dims, values) = match t {
            NamedTensor::LinearWeight(m) | NamedTensor::Matrix(m) => (m.dims().to_vec(), readback::floats(m).await?),
            NamedTensor::Vector(v) => (v.dims().to_vec(), readback::floats(v).await?),
            NamedTensor::Conv(c) => (c.dims().to_vec(), readback::floats(c).await?),
        };
        out.insert(name, (dims, values));
    }
    Ok(out)
}
