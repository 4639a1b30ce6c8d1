//! The sound export read back with prost: input/output names and shapes, metadata, a graph whose
//! every node reads only values defined before it, the convs' pads and the activations, and the
//! base model refused. (That onnxruntime computes what `tabtune predict` does is
//! tests/exports/check-onnx's job.)

use burn::nn::LinearConfig;
use burn::prelude::*;
use futures_lite::future::block_on;
use prost::Message;

use super::proto::{DimensionValue, ModelProto, NodeProto};
use super::tests::{dims, ints};
use super::{OPSET, to_onnx};
use crate::audio::SpeechModel;
use crate::kind::AnyModel;

/// models/speech-embedding (the base: no head).
fn base() -> SpeechModel {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/speech-embedding");
    let read = |f: &str| std::fs::read(dir.join(f)).expect("run scripts/fetch-model");
    let (config, weights, mel) = (read("config.json"), read("embedding_model.onnx"), read("melspectrogram.onnx"));
    SpeechModel::from_files(&config, &weights, &mel, &Device::flex()).expect("loads")
}

/// The base with a random 3-class head, as a fine-tune would leave it.
pub(super) fn fine_tuned() -> SpeechModel {
    let mut model = base();
    model.config.extra.insert("labels".into(), serde_json::json!(["yes", "no", "up"]));
    model.head = Some(LinearConfig::new(96, 3).init(&Device::flex()));
    model
}

#[test]
fn sound_graph_is_well_formed() {
    let bytes = block_on(to_onnx(&AnyModel::Audio(fine_tuned()))).expect("exports");
    let m = ModelProto::decode(&bytes[..]).expect("a ModelProto");
    assert_eq!((m.ir_version, m.opset_import[0].version), (8, OPSET));
    let g = m.graph.expect("graph");
    let (input, output) = (&g.input[0], &g.output[0]);
    assert_eq!((g.input.len(), input.name.as_str(), g.output.len(), output.name.as_str()), (1, "windows", 1, "probabilities"));
    let (p, v) = (|n: &str| Some(DimensionValue::DimParam(n.into())), |n: i64| Some(DimensionValue::DimValue(n)));
    assert_eq!(dims(input), [p("clips"), p("windows"), v(76), v(32)]);
    assert_eq!(dims(output), [p("clips"), v(3)]);
    super::tests::assert_defined_in_order(&g);

    let count = |op: &str| g.node.iter().filter(|n| n.op_type == op).count();
    // stem + 9 × (1×3, 3×1) + head; all but the head activated; pools after blocks 0, 2, 4, 6, 8
    assert_eq!((count("Conv"), count("LeakyRelu"), count("Max"), count("MaxPool")), (20, 19, 19, 5));
    let convs: Vec<&NodeProto> = g.node.iter().filter(|n| n.op_type == "Conv").collect();
    assert_eq!(ints(convs[0], "pads"), [0, 1, 0, 1], "stem: the mel axis padded");
    assert_eq!((ints(convs[1], "kernel_shape"), ints(convs[1], "pads")), (vec![1, 3], vec![0, 1, 0, 1]));
    assert_eq!((ints(convs[2], "kernel_shape"), ints(convs[2], "pads")), (vec![3, 1], vec![0, 0, 0, 0]));
    assert_eq!(convs[19].input.len(), 2, "the head conv has no bias");
    assert_eq!(convs[19].input[1], "model/conv2d_19/Conv2D/ReadVariableOp:0");
    let pools: Vec<Vec<i64>> = g.node.iter().filter(|n| n.op_type == "MaxPool").map(|n| ints(n, "kernel_shape")).collect();
    assert_eq!(pools, [[2, 2], [1, 2], [2, 2], [1, 2], [2, 2]]);
    let mean = g.node.iter().find(|n| n.op_type == "ReduceMean").expect("the mean over windows");
    assert_eq!(ints(mean, "axes"), [1]);
    let fc = g.initializer.iter().find(|t| t.name == "classifier.weight").expect("the head");
    assert_eq!(fc.dims, [96, 3], "burn's [in, out]");

    let meta = |k: &str| m.metadata_props.iter().find(|p| p.key == k).map(|p| p.value.clone()).unwrap_or_default();
    assert_eq!(meta("labels"), r#"["yes","no","up"]"#);
    let got: Vec<String> = ["task", "sample_rate", "input_scale", "window_frames", "window_stride"].iter().map(|k| meta(k)).collect();
    assert_eq!(got, ["audio", "16000", "32768", "76", "8"]);
    assert!(meta("input").contains("melspectrogram.onnx"), "{}", meta("input"));
}

#[test]
fn the_base_sound_model_is_refused() {
    let err = block_on(to_onnx(&AnyModel::Audio(base()))).expect_err("no head");
    assert!(err.to_string().contains("train it first"), "{err}");
}
