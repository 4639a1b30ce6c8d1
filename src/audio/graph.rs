//! embedding_model.onnx's graph checked against the architecture table, node by node: the
//! Reshape in, each conv (its weights, kernel, pads, strides) with its LeakyReLU(0.2) and
//! max(x, −0.4), the max-pools where the table puts them, the Reshape out; each node reading
//! the one before it. A graph that differs anywhere is refused, naming the first difference,
//! so the burn network cannot silently compute something else than the file.
use super::arch::{self, ConvSpec, FLOOR_NAME, INPUT_SHAPE_NAME, OUTPUT_SHAPE_NAME};
use super::layers::SLOPE;
use super::net::BLOCKS;
use crate::error::{Error, Result};
use crate::onnx::proto::{GraphProto, NodeProto};
use crate::onnx::read::attr;

fn ints(node: &NodeProto, name: &str, default: &[i64]) -> Vec<i64> {
    attr(node, name).map_or_else(|| default.to_vec(), |a| a.ints.clone())
}

/// What a node does, as text (what the error message shows).
fn signature(node: &NodeProto) -> String {
    let args = node.input.iter().skip(1).cloned().collect::<Vec<_>>().join(" ");
    match node.op_type.as_str() {
        "Conv" => format!(
            "Conv {args} kernel {:?} pads {:?} strides {:?} dilations {:?} group {}",
            ints(node, "kernel_shape", &[]),
            ints(node, "pads", &[0; 4]),
            ints(node, "strides", &[1, 1]),
            ints(node, "dilations", &[1, 1]),
            attr(node, "group").map_or(1, |a| a.i),
        ),
        "MaxPool" => format!("MaxPool kernel {:?} pads {:?} strides {:?}", ints(node, "kernel_shape", &[]), ints(node, "pads", &[0; 4]), ints(node, "strides", &[1, 1])),
        "LeakyRelu" => format!("LeakyRelu {}", attr(node, "alpha").map_or(0.01, |a| a.f)),
        op => format!("{op} {args}"),
    }
}

fn conv(out: &mut Vec<String>, s: ConvSpec) {
    let (p, [kh, kw]) = (s.pad_mel as i64, s.kernel);
    let args = if s.bias_and_activation { format!("{} {}", s.weight_name(), s.bias_name()) } else { s.weight_name() };
    out.push(format!("Conv {args} kernel [{kh}, {kw}] pads [0, {p}, 0, {p}] strides [1, 1] dilations [1, 1] group 1"));
    if s.bias_and_activation {
        out.push(format!("LeakyRelu {}", SLOPE as f32));
        out.push(format!("Max {FLOOR_NAME}"));
    }
}

/// The nodes the architecture table describes, as `signature` writes them.
pub fn expected() -> Vec<String> {
    let mut out = vec![format!("Reshape {INPUT_SHAPE_NAME}")];
    conv(&mut out, arch::stem());
    for j in 0..BLOCKS {
        let (wide, tall) = arch::block(j);
        conv(&mut out, wide);
        conv(&mut out, tall);
        if let Some([a, b]) = arch::BLOCK_TABLE[j].2 {
            out.push(format!("MaxPool kernel [{a}, {b}] pads [0, 0, 0, 0] strides [{a}, {b}]"));
        }
    }
    conv(&mut out, arch::head());
    out.push(format!("Reshape {OUTPUT_SHAPE_NAME}"));
    out
}

pub fn check(graph: &GraphProto) -> Result<()> {
    let bad = |msg: String| Err(Error::Onnx(format!("embedding_model.onnx is not the speech_embedding graph this implements: {msg}")));
    let want = expected();
    if graph.node.len() != want.len() {
        return bad(format!("{} nodes, the architecture has {}", graph.node.len(), want.len()));
    }
    let mut previous = graph.input.first().map(|i| i.name.clone()).unwrap_or_default();
    for (i, (node, want)) in graph.node.iter().zip(&want).enumerate() {
        let got = signature(node);
        if &got != want {
            return bad(format!("node {i} is `{got}`, expected `{want}`"));
        }
        if node.input.first() != Some(&previous) || node.output.len() != 1 {
            return bad(format!("node {i} ({}) does not read the node before it", node.op_type));
        }
        previous = node.output[0].clone();
    }
    if graph.output.first().map(|o| &o.name) != Some(&previous) {
        return bad("the graph's output is not the last node's".into());
    }
    Ok(())
}
