//! Reading a foreign ONNX file: its graph (nodes, attributes, initializers) and an initializer's
//! values. Only what a pretrained network's loader needs: FLOAT and INT64 tensors stored in
//! `raw_data` (little-endian) or in the typed `float_data` / `int64_data` fields.
use prost::Message;

use super::proto::{AttributeProto, FLOAT, GraphProto, INT64, ModelProto, NodeProto, TensorProto};
use crate::error::{Error, Result};

/// An initializer's (or a `Constant` node's) values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

/// The graph of the ONNX model in `bytes`; `file` names it in errors.
pub fn graph(bytes: &[u8], file: &str) -> Result<GraphProto> {
    let model = ModelProto::decode(bytes).map_err(|e| Error::Onnx(format!("{file} is not an ONNX model ({e}); download it again")))?;
    model.graph.ok_or_else(|| Error::Onnx(format!("{file} has no graph")))
}

/// The tensor's shape (dims must be non-negative) and values, or why they cannot be read.
pub fn values(t: &TensorProto) -> std::result::Result<(Vec<usize>, Values), String> {
    let shape = t.dims.iter().map(|&d| usize::try_from(d).map_err(|_| format!("dimension {d}"))).collect::<Result<Vec<_>, _>>()?;
    let n: usize = shape.iter().product();
    let raw = &t.raw_data;
    let v = match t.data_type {
        FLOAT if !raw.is_empty() => Values::F32(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()),
        FLOAT => Values::F32(t.float_data.clone()),
        INT64 if !raw.is_empty() => Values::I64(raw.chunks_exact(8).map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect()),
        INT64 => Values::I64(t.int64_data.clone()),
        other => return Err(format!("data type {other} (only FLOAT and INT64 are read)")),
    };
    let len = match &v {
        Values::F32(x) => x.len(),
        Values::I64(x) => x.len(),
    };
    if len != n {
        return Err(format!("{len} values for shape {shape:?}"));
    }
    Ok((shape, v))
}

/// The attribute `name` of `node`, if set.
pub fn attr<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

/// The one float a `Constant` node (its `value` attribute) or a scalar initializer holds.
pub fn scalar(t: &TensorProto) -> Option<f32> {
    match values(t).ok()? {
        (_, Values::F32(v)) if v.len() == 1 => Some(v[0]),
        _ => None,
    }
}
