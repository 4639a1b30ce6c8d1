//! A small builder for an ONNX graph: nodes appended in order (ONNX wants them topologically
//! sorted, which building front to back gives), initializers, and fresh value names.
use std::collections::HashSet;

use super::proto::{ATTR_FLOAT, ATTR_INT, ATTR_INTS, AttributeProto, FLOAT, INT64, NodeProto, TensorProto};

#[derive(Default)]
pub struct Graph {
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<TensorProto>,
    /// Initializer names so far: a shared constant ("const.one") is stored once.
    names: HashSet<String>,
    next: usize,
}

/// A node attribute (the name and its value).
pub enum Attr {
    Int(&'static str, i64),
    Float(&'static str, f32),
    Ints(&'static str, Vec<i64>),
}

impl Attr {
    fn proto(self) -> AttributeProto {
        let named = |name: &str, r#type| AttributeProto { name: name.into(), r#type, ..Default::default() };
        match self {
            Attr::Int(n, i) => AttributeProto { i, ..named(n, ATTR_INT) },
            Attr::Float(n, f) => AttributeProto { f, ..named(n, ATTR_FLOAT) },
            Attr::Ints(n, ints) => AttributeProto { ints, ..named(n, ATTR_INTS) },
        }
    }
}

impl Graph {
    /// Appends `op_type(inputs)` and returns the name of its (single) output.
    pub fn op(&mut self, op_type: &str, inputs: &[&str], attrs: Vec<Attr>) -> String {
        self.next += 1;
        let out = format!("{}_{}", op_type.to_lowercase(), self.next);
        self.op_to(&out, op_type, inputs, attrs);
        out
    }

    /// Like [`Graph::op`] with a chosen output name (the graph's outputs).
    pub fn op_to(&mut self, out: &str, op_type: &str, inputs: &[&str], attrs: Vec<Attr>) {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![out.to_string()],
            name: format!("{op_type}_{}", self.nodes.len()),
            op_type: op_type.into(),
            attribute: attrs.into_iter().map(Attr::proto).collect(),
            domain: String::new(),
        });
    }

    /// A float32 initializer; returns its name.
    pub fn floats(&mut self, name: &str, dims: &[usize], values: &[f32]) -> String {
        let raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.init(name, FLOAT, dims, raw_data)
    }

    /// An int64 initializer (shapes, axes, indices); returns its name.
    pub fn ints(&mut self, name: &str, dims: &[usize], values: &[i64]) -> String {
        let raw_data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.init(name, INT64, dims, raw_data)
    }

    /// Adds the initializer unless one of that name is there (the same constant asked again).
    fn init(&mut self, name: &str, data_type: i32, dims: &[usize], raw_data: Vec<u8>) -> String {
        if !self.names.insert(name.to_string()) {
            return name.into();
        }
        let dims = dims.iter().map(|&d| d as i64).collect();
        self.initializers.push(TensorProto { dims, data_type, name: name.into(), raw_data, ..Default::default() });
        name.into()
    }

    /// x @ weight + bias, weight [in, out] (burn's layout, MatMul's too) and bias [out].
    pub fn linear(&mut self, x: &str, weight: &str, bias: &str) -> String {
        let y = self.op("MatMul", &[x, weight], vec![]);
        self.op("Add", &[&y, bias], vec![])
    }

    /// LayerNormalization over the last axis (opset 17), biased variance like burn's LayerNorm.
    pub fn layer_norm(&mut self, x: &str, gamma: &str, beta: &str, eps: f64) -> String {
        self.op("LayerNormalization", &[x, gamma, beta], vec![Attr::Int("axis", -1), Attr::Float("epsilon", eps as f32)])
    }
}
