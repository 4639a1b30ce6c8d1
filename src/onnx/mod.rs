//! ONNX as bytes: the subset of onnx.proto3 an inference graph needs (`proto.rs`), a small graph
//! builder (`graph.rs`), the ModelProto around a graph, and a reader of a foreign file's
//! initializers and nodes (`read.rs`). A format, like safetensors in `tensors.rs`: each kind
//! writes its own graph with these (`text/onnx.rs`, `image/onnx.rs`); the sound kind reads its
//! pretrained network from one (`audio/weights.rs`).
pub mod graph;
pub mod proto;
pub mod read;

use prost::Message;

use proto::{GraphProto, ModelProto, OperatorSetIdProto, StringStringEntryProto};

/// The default domain's opset: 17 brings LayerNormalization; onnxruntime (and -web) has run it
/// since 1.14.
pub const OPSET: i64 = 17;
/// The IR version that goes with opset 17 (onnx/docs/Versioning.md).
const IR_VERSION: i64 = 8;

/// The ModelProto around `graph` (opset 17, ir 8), encoded.
pub fn encode(graph: GraphProto, metadata_props: Vec<StringStringEntryProto>) -> Vec<u8> {
    let proto = ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        producer_name: "tabtune".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: String::new(),
        model_version: 1,
        doc_string: String::new(),
        graph: Some(graph),
        metadata_props,
    };
    proto.encode_to_vec()
}
