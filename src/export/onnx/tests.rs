//! The encoding, read back with prost: opset, names, shapes, and a graph whose every node
//! reads only values defined before it. (That onnxruntime computes what tabtune predicts is
//! tests/exports/check-onnx's job.)
use std::collections::HashSet;

use burn::nn::LinearConfig;
use burn::prelude::*;
use futures_lite::future::block_on;
use prost::Message;

use super::proto::{DimensionValue, GraphProto, ModelProto, NodeProto, ValueInfoProto};
use super::{OPSET, to_onnx};
use crate::kind::AnyModel;
use crate::text::random::{TINY_CONFIG, random_weights};
use crate::text::{BertConfig, Model, Pooling, weights};
use crate::text::tokenize::TextTokenizer;

/// The tiny random BERT with MiniLM's tokenizer; a 3-class head unless `head` is false.
fn tiny(head: bool, pooling: impl Fn(&Device) -> Pooling) -> Model {
    let device = Device::flex();
    let mut config = BertConfig::from_json(TINY_CONFIG.as_bytes()).expect("tiny config");
    config.set_labels(&["a".into(), "b".into(), "c".into()]);
    let (encoder, _, _) = weights::load(&random_weights(&config, 3).expect("weights"), &config, &device).expect("loads");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2/tokenizer.json");
    let tokenizer = TextTokenizer::from_json(&std::fs::read(dir).expect("run scripts/fetch-model")).expect("tokenizer");
    let head = head.then(|| LinearConfig::new(config.hidden_size, 3).init(&device));
    Model { config, encoder, head, pooling: pooling(&device), pooler: None, tokenizer, fingerprint: String::new() }
}

fn decode(model: &Model) -> ModelProto {
    let bytes = block_on(to_onnx(&AnyModel::Text(model.clone()))).expect("exports");
    ModelProto::decode(&bytes[..]).expect("a ModelProto")
}

/// A value's dimensions (a name or a size each).
pub(super) fn dims(v: &ValueInfoProto) -> Vec<Option<DimensionValue>> {
    let t = v.r#type.as_ref().and_then(|t| t.tensor_type.as_ref()).expect("tensor type");
    t.shape.as_ref().expect("shape").dim.iter().map(|d| d.value.clone()).collect()
}

/// A node's ints attribute `name` (empty when absent).
pub(super) fn ints(n: &NodeProto, name: &str) -> Vec<i64> {
    n.attribute.iter().find(|a| a.name == name).map(|a| a.ints.clone()).unwrap_or_default()
}

/// Every node reads a graph input, an initializer or an earlier node's output (each initializer
/// named once), and the graph ends in `probabilities`.
pub(super) fn assert_defined_in_order(g: &GraphProto) {
    let mut defined: HashSet<String> = g.input.iter().map(|i| i.name.clone()).collect();
    for t in &g.initializer {
        assert!(defined.insert(t.name.clone()), "initializer {} twice", t.name);
    }
    for n in &g.node {
        for i in &n.input {
            assert!(defined.contains(i), "{} ({}) reads {i} before it is defined", n.name, n.op_type);
        }
        defined.extend(n.output.iter().cloned());
    }
    assert!(defined.contains("probabilities"));
}

#[test]
fn graph_is_well_formed() {
    for (model, pooler) in [
        (tiny(true, |_| Pooling::Mean), false),
        (tiny(true, |d| Pooling::ClsPooler(LinearConfig::new(32, 32).init(d))), true),
    ] {
        let m = decode(&model);
        assert_eq!((m.ir_version, m.opset_import[0].version, m.opset_import[0].domain.as_str()), (8, OPSET, ""));
        let g = m.graph.expect("graph");
        let names = |v: &[super::proto::ValueInfoProto]| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&g.input), ["input_ids", "attention_mask"]);
        assert_eq!(names(&g.output), ["probabilities"]);
        let dims = &g.input[0].r#type.as_ref().and_then(|t| t.tensor_type.as_ref()).expect("tensor").shape.as_ref().expect("shape").dim;
        assert_eq!(dims[1].value, Some(DimensionValue::DimParam("sequence".into())));
        assert_defined_in_order(&g);
        let has = |name: &str| g.initializer.iter().any(|t| t.name == name);
        assert_eq!(has("pooler.dense.weight"), pooler);
        assert!(has("encoder.layer.1.output.dense.weight") && has("classifier.bias"));
        let q = g.initializer.iter().find(|t| t.name == "classifier.weight").expect("head");
        assert_eq!((q.dims.as_slice(), q.raw_data.len()), (&[32, 3][..], 32 * 3 * 4), "[in, out], f32");
        let labels = m.metadata_props.iter().find(|p| p.key == "labels").expect("labels");
        assert_eq!(labels.value, r#"["a","b","c"]"#);
    }
}

#[test]
fn a_model_without_head_is_refused() {
    let err = block_on(to_onnx(&AnyModel::Text(tiny(false, |_| Pooling::Mean)))).expect_err("no head");
    assert!(err.to_string().contains("no classification head"), "{err}");
}
