//! The image export read back with prost: input/output names and shapes, metadata, a graph whose
//! every node reads only values defined before it, and TF "same" pads where they are
//! asymmetric. (That onnxruntime computes what `tabtune predict` does is
//! tests/exports/check-onnx's job.)

use burn::prelude::*;
use futures_lite::future::block_on;
use prost::Message;

use super::proto::{DimensionValue, ModelProto, NodeProto};
use super::tests::{dims, ints};
use super::{OPSET, to_onnx};
use crate::kind::AnyModel;
use crate::image::ImageModel;

/// models/efficientnet-lite0 (ImageNet, 1000 classes) at input side `side`.
fn lite0(side: usize) -> ImageModel {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/efficientnet-lite0");
    let read = |f: &str| std::fs::read(dir.join(f)).expect("run scripts/fetch-model");
    let mut model = ImageModel::from_files(&read("config.json"), &read("model.safetensors"), &Device::flex()).expect("loads");
    model.config.image_size = side;
    model
}

#[test]
fn image_graph_is_well_formed() {
    // 224: ImageNet's side; 65: odd sides, where every stride-2 layer pads differently
    for side in [224usize, 65] {
        let bytes = block_on(to_onnx(&AnyModel::Image(lite0(side)))).expect("exports");
        let m = ModelProto::decode(&bytes[..]).expect("a ModelProto");
        assert_eq!((m.ir_version, m.opset_import[0].version), (8, OPSET));
        let g = m.graph.expect("graph");
        let (input, output) = (&g.input[0], &g.output[0]);
        assert_eq!((g.input.len(), input.name.as_str(), g.output.len(), output.name.as_str()), (1, "pixel_values", 1, "probabilities"));
        let s = Some(DimensionValue::DimValue(side as i64));
        let batch = Some(DimensionValue::DimParam("batch".into()));
        assert_eq!(dims(input), [batch.clone(), Some(DimensionValue::DimValue(3)), s.clone(), s]);
        assert_eq!(dims(output), [batch, Some(DimensionValue::DimValue(1000))]);
        super::tests::assert_defined_in_order(&g);

        let convs: Vec<&NodeProto> = g.node.iter().filter(|n| n.op_type == "Conv").collect();
        // stem + 15 expand (block 0 has none) + 16 depthwise + 16 project + head
        assert_eq!(convs.len(), 1 + 15 + 16 + 16 + 1);
        assert_eq!(g.node.iter().filter(|n| n.op_type == "Add").count(), 9 + 1, "9 residuals + _fc's bias");
        // The stem (3×3, stride 2): TF puts the odd padding pixel bottom/right. 224 → 112 needs
        // 1 pixel (after only); 65 → 33 needs 2 (one each side).
        let want = if side == 224 { [0, 0, 1, 1] } else { [1, 1, 1, 1] };
        assert_eq!(ints(convs[0], "pads"), want, "stem pads at {side}");
        assert_eq!(ints(convs[0], "strides"), [2, 2]);
        let depthwise = convs.iter().find(|n| n.input[1] == "_blocks.1._depthwise_conv.weight").expect("block 1");
        let group = depthwise.attribute.iter().find(|a| a.name == "group").map(|a| a.i);
        assert_eq!(group, Some(96), "depthwise: one group per channel (16 · 6)");

        let meta = |k: &str| m.metadata_props.iter().find(|p| p.key == k).map(|p| p.value.clone()).unwrap_or_default();
        assert_eq!((meta("task").as_str(), meta("image_size")), ("image", side.to_string()));
        assert!(meta("labels").starts_with("[\"tench"), "{}", &meta("labels")[..40]);
        assert!(meta("mean").starts_with("[0.485"), "{}", meta("mean"));
    }
}
