//! The image model (EfficientNet-Lite0, fine-tuned or not) as ONNX nodes, layer for layer what
//! src/image/ computes, so onnxruntime's probabilities match `tabtune predict`'s.
//!
//! Input `pixel_values`: float32 [batch, 3, S, S], RGB in [0, 1] (pixel / 255), already scaled
//! (shorter side to `resize`, bicubic) and centre-cropped to S = `image_size`; the side is
//! fixed because TF "same" padding depends on it. Inside: (x − mean) / std, the stem, the 16
//! MBConv blocks, the head conv, the mean over H×W, `_fc` and a softmax → `probabilities`
//! [batch, classes]. Every Conv carries BN folded in (`ConvBn::folded`, the f32 numbers burn
//! runs with) and its "same" padding as explicit `pads`, computed for S like `same_padding`.
use super::ImageModel;
use super::layers::{ConvBn, same_out, same_padding};
use crate::error::Result;
use crate::onnx::graph::{Attr, Graph};
use crate::onnx::proto::{DimensionValue, FLOAT, GraphProto, StringStringEntryProto, value_info};
use crate::readback;

/// The graph's input and output names (docs/onnx.md, tests/exports/check_onnx_image.py).
pub const INPUT: &str = "pixel_values";
pub const OUTPUT: &str = "probabilities";

/// The graph and its metadata for `model`.
pub async fn image_graph(model: &ImageModel) -> Result<(GraphProto, Vec<StringStringEntryProto>)> {
    let cfg = &model.config;
    let net = &model.net;
    let s = cfg.image_size;
    let mut b = Builder { g: Graph::default(), side: s };
    let x = b.normalise(cfg.mean, cfg.std);
    let mut x = b.conv_bn(&x, "_conv_stem", &net.stem).await?;
    for (i, block) in net.blocks.iter().enumerate() {
        let p = format!("_blocks.{i}");
        let input = x.clone();
        if let Some(e) = &block.expand {
            x = b.conv_bn(&x, &format!("{p}._expand_conv"), e).await?;
        }
        x = b.conv_bn(&x, &format!("{p}._depthwise_conv"), &block.depthwise).await?;
        x = b.conv_bn(&x, &format!("{p}._project_conv"), &block.project).await?;
        if block.skip {
            x = b.g.op("Add", &[&x, &input], vec![]);
        }
    }
    let x = b.conv_bn(&x, "_conv_head", &net.head).await?;
    // `net::pool`: the mean over H×W → [b, 1280, 1, 1], flattened to [b, 1280]
    let x = b.g.op("GlobalAveragePool", &[&x], vec![]);
    let x = b.g.op("Flatten", &[&x], vec![Attr::Int("axis", 1)]);
    let fc_w = net.fc.weight.val();
    let (fc_dims, fc_w) = (fc_w.dims().to_vec(), readback::floats(fc_w).await?);
    let w = b.g.floats("_fc.weight", &fc_dims, &fc_w); // burn's [in, out]: what MatMul wants
    let logits = match &net.fc.bias {
        Some(bias) => {
            let bias = bias.val();
            let (dims, values) = (bias.dims().to_vec(), readback::floats(bias).await?);
            let bias = b.g.floats("_fc.bias", &dims, &values);
            b.g.linear(&x, &w, &bias)
        }
        None => b.g.op("MatMul", &[&x, &w], vec![]),
    };
    b.g.op_to(OUTPUT, "Softmax", &[&logits], vec![Attr::Int("axis", -1)]);

    let classes = cfg.labels.len() as i64;
    let side = DimensionValue::DimValue(s as i64);
    let batch = || DimensionValue::DimParam("batch".into());
    let input_dims = [batch(), DimensionValue::DimValue(3), side.clone(), side];
    let graph = GraphProto {
        node: b.g.nodes,
        name: "tabtune_image_classifier".into(),
        initializer: b.g.initializers,
        doc_string: format!(
            "{} image classifier exported by tabtune: {INPUT} = RGB / 255, shorter side scaled to {} (bicubic), centre crop {s}",
            cfg.architecture, cfg.resize
        ),
        input: vec![value_info(INPUT, FLOAT, &input_dims)],
        output: vec![value_info(OUTPUT, FLOAT, &[batch(), DimensionValue::DimValue(classes)])],
    };
    let meta = [
        ("labels", json(&cfg.labels)),
        ("task", "image".to_string()),
        ("architecture", cfg.architecture.clone()),
        ("image_size", s.to_string()),
        ("resize", cfg.resize.to_string()),
        ("mean", json(&cfg.mean)),
        ("std", json(&cfg.std)),
        (
            "preprocessing",
            format!(
                "RGB, shorter side scaled to resize (bicubic), centre crop image_size, then {INPUT} = pixel / 255 as \
                 float32 [batch, 3, image_size, image_size]; mean/std are applied inside the graph"
            ),
        ),
    ];
    let meta = meta.into_iter().map(|(k, value)| StringStringEntryProto { key: k.into(), value }).collect();
    Ok((graph, meta))
}

/// A metadata value as JSON (serde_json cannot fail on strings and floats).
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

struct Builder {
    g: Graph,
    /// The current feature map's side (square: the input is S×S and every layer keeps it so).
    side: usize,
}

impl Builder {
    /// (x − mean) / std per channel, as `preprocess` does after /255.
    fn normalise(&mut self, mean: [f32; 3], std: [f32; 3]) -> String {
        let mean = self.g.floats("const.mean", &[1, 3, 1, 1], &mean);
        let std = self.g.floats("const.std", &[1, 3, 1, 1], &std);
        let x = self.g.op("Sub", &[INPUT, &mean], vec![]);
        self.g.op("Div", &[&x, &std], vec![])
    }

    /// One `ConvBn`: Conv (BN folded, TF "same" pads, groups for the depthwise) and Clip(0, 6)
    /// when the layer has ReLU6. Initializers `{name}.weight` / `{name}.bias` hold the folded
    /// values (not the file's conv weight and BN).
    async fn conv_bn(&mut self, x: &str, name: &str, l: &ConvBn) -> Result<String> {
        let (weight, bias) = l.folded();
        let dims = weight.dims().to_vec();
        let w = self.g.floats(&format!("{name}.weight"), &dims, &readback::floats(weight).await?);
        let bias_dims = bias.dims().to_vec();
        let bias = self.g.floats(&format!("{name}.bias"), &bias_dims, &readback::floats(bias).await?);
        let k = l.kernel();
        let (before, after) = same_padding(self.side, k, l.stride);
        let (b, a) = (before as i64, after as i64);
        let y = self.g.op(
            "Conv",
            &[x, &w, &bias],
            vec![
                Attr::Ints("kernel_shape", vec![k as i64, k as i64]),
                Attr::Ints("strides", vec![l.stride as i64, l.stride as i64]),
                // [top, left, bottom, right]: the odd pixel after, as TF (and burn's forward)
                Attr::Ints("pads", vec![b, b, a, a]),
                Attr::Int("group", l.groups as i64),
            ],
        );
        self.side = same_out(self.side, l.stride);
        Ok(if l.relu6 {
            let zero = self.g.floats("const.zero", &[], &[0.0]);
            let six = self.g.floats("const.six", &[], &[6.0]);
            self.g.op("Clip", &[&y, &zero, &six], vec![])
        } else {
            y
        })
    }
}
