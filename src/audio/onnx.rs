//! A fine-tuned sound classifier as ONNX nodes, layer for layer what `net.rs` and
//! `SpeechClassifier::forward` compute, so onnxruntime's probabilities match `tabtune predict`'s.
//!
//! Input `windows`: float32 [clips, windows, 76, 32], each clip's log-mel windows as tabtune
//! makes them (`SpeechModel::windows`: melspectrogram.onnx on samples × input_scale, dB / 10 + 2,
//! 76 frames every 8; docs/onnx.md). The front end stays outside the graph: it is its own ONNX
//! file in the folder, and its −80 dB floor is relative to the whole clip. Inside: the windows
//! as one batch [clips · windows, 1, 76, 32], the stem, the nine blocks (1×3 conv padded on the
//! mel axis, 3×1 conv, max-pools), the head conv, the mean over each clip's windows, the Linear
//! head and a softmax → `probabilities` [clips, classes]. Convs carry BN folded in, as the
//! original file and burn do; weights keep embedding_model.onnx's initializer names.
use super::SpeechModel;
use super::arch::{self, ConvSpec};
use super::config::{EMBEDDING_DIM, N_MELS, WINDOW_FRAMES};
use super::layers::{Conv, FLOOR, SLOPE};
use crate::error::{Error, Result};
use crate::onnx::graph::{Attr, Graph};
use crate::onnx::proto::{DimensionValue, FLOAT, GraphProto, StringStringEntryProto, value_info};
use crate::readback;

/// The graph's input and output names (docs/onnx.md, tests/exports/check_onnx_audio.py).
pub const INPUT: &str = "windows";
pub const OUTPUT: &str = "probabilities";

/// The graph and its metadata for a fine-tuned `model`; the base (no head) is refused.
pub async fn speech_graph(model: &SpeechModel) -> Result<(GraphProto, Vec<StringStringEntryProto>)> {
    let cfg = &model.config;
    let labels = cfg.labels();
    let fc = match &model.head {
        Some(fc) if !labels.is_empty() => fc,
        _ => {
            return Err(Error::Settings(
                "ONNX export needs a fine-tuned sound model: this one has no classification head (train it first \
                 with tabtune train --task audio, then export the folder it writes)"
                    .into(),
            ));
        }
    };
    let net = &model.net;
    let mut g = Graph::default();
    // `net::input`: every window of every clip as one batch of one-channel images [n, 1, 76, 32]
    let as_images = g.ints("const.windows_shape", &[4], &[-1, 1, WINDOW_FRAMES as i64, N_MELS as i64]);
    let mut x = g.op("Reshape", &[INPUT, &as_images], vec![]);
    x = conv(&mut g, &x, arch::stem(), &net.stem).await?;
    for (j, block) in net.blocks.iter().enumerate() {
        let (wide, tall) = arch::block(j);
        x = conv(&mut g, &x, wide, &block.wide).await?;
        x = conv(&mut g, &x, tall, &block.tall).await?;
        if let Some([kt, km]) = block.pool {
            let k = vec![kt as i64, km as i64];
            x = g.op("MaxPool", &[&x], vec![Attr::Ints("kernel_shape", k.clone()), Attr::Ints("strides", k)]);
        }
    }
    x = conv(&mut g, &x, arch::head(), &net.head).await?; // [n, 96, 1, 1]
    // `net::flatten`, then `clip_mean`: [clips, windows, 96] (clips and windows from the input's
    // shape) averaged over the windows
    let x = g.op("Flatten", &[&x], vec![Attr::Int("axis", 1)]);
    let clips_windows = g.op("Shape", &[INPUT], vec![Attr::Int("start", 0), Attr::Int("end", 2)]);
    let dim = g.ints("const.embedding_dim", &[1], &[EMBEDDING_DIM as i64]);
    let per_clip = g.op("Concat", &[&clips_windows, &dim], vec![Attr::Int("axis", 0)]);
    let x = g.op("Reshape", &[&x, &per_clip], vec![]);
    let x = g.op("ReduceMean", &[&x], vec![Attr::Ints("axes", vec![1]), Attr::Int("keepdims", 0)]);
    let fc_w = fc.weight.val();
    let (dims, values) = (fc_w.dims().to_vec(), readback::floats(fc_w).await?);
    let w = g.floats("classifier.weight", &dims, &values); // burn's [in, out]: what MatMul wants
    let logits = match &fc.bias {
        Some(bias) => {
            let bias = bias.val();
            let (dims, values) = (bias.dims().to_vec(), readback::floats(bias).await?);
            let bias = g.floats("classifier.bias", &dims, &values);
            g.linear(&x, &w, &bias)
        }
        None => g.op("MatMul", &[&x, &w], vec![]),
    };
    g.op_to(OUTPUT, "Softmax", &[&logits], vec![Attr::Int("axis", -1)]);

    let param = |n: &str| DimensionValue::DimParam(n.into());
    let fixed = |n: usize| DimensionValue::DimValue(n as i64);
    let input_dims = [param("clips"), param("windows"), fixed(WINDOW_FRAMES), fixed(N_MELS)];
    let graph = GraphProto {
        node: g.nodes,
        name: "tabtune_sound_classifier".into(),
        initializer: g.initializers,
        doc_string: format!("{} sound classifier exported by tabtune: {INPUT} = {}", cfg.architecture, input_doc(model)),
        input: vec![value_info(INPUT, FLOAT, &input_dims)],
        output: vec![value_info(OUTPUT, FLOAT, &[param("clips"), fixed(labels.len())])],
    };
    let meta = [
        ("labels", serde_json::to_string(&labels).unwrap_or_default()),
        ("task", "audio".to_string()),
        ("architecture", cfg.architecture.clone()),
        ("sample_rate", cfg.sample_rate.to_string()),
        ("input_scale", cfg.input_scale.to_string()),
        ("feature_divisor", cfg.feature_divisor.to_string()),
        ("feature_offset", cfg.feature_offset.to_string()),
        ("window_frames", cfg.window_frames.to_string()),
        ("window_stride", cfg.window_stride.to_string()),
        ("input", input_doc(model)),
    ];
    let meta = meta.into_iter().map(|(k, value)| StringStringEntryProto { key: k.into(), value }).collect();
    Ok((graph, meta))
}

/// How to make the input, in one line (metadata `input` and the graph's doc string).
fn input_doc(model: &SpeechModel) -> String {
    let c = &model.config;
    format!(
        "float32 [clips, windows, {}, {}]: each clip one second of {} Hz mono in [-1, 1]; run the folder's \
         melspectrogram.onnx on samples x {} (the whole clip at once), then dB / {} + {}; windows of {} frames \
         starting every {} frames (3 per second)",
        c.window_frames, c.n_mels, c.sample_rate, c.input_scale, c.feature_divisor, c.feature_offset, c.window_frames, c.window_stride
    )
}

/// One `Conv` (`layers.rs`): BN already folded, zeros on the mel axis only (`pad_mel`), then
/// LeakyRelu(0.2) and Max with −0.4 unless it is the head. Initializers under `spec`'s names.
async fn conv(g: &mut Graph, x: &str, spec: ConvSpec, l: &Conv) -> Result<String> {
    let weight = l.weight.val();
    let dims = weight.dims().to_vec();
    let w = g.floats(&spec.weight_name(), &dims, &readback::floats(weight).await?);
    let mut inputs = vec![x.to_string(), w];
    if let Some(bias) = &l.bias {
        let bias = bias.val();
        let dims = bias.dims().to_vec();
        inputs.push(g.floats(&spec.bias_name(), &dims, &readback::floats(bias).await?));
    }
    let [kt, km] = l.kernel();
    let p = l.pad_mel as i64;
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let attrs = vec![
        Attr::Ints("kernel_shape", vec![kt as i64, km as i64]),
        // [time begin, mel begin, time end, mel end]: time is never padded
        Attr::Ints("pads", vec![0, p, 0, p]),
    ];
    let y = g.op("Conv", &inputs, attrs);
    if !l.activation {
        return Ok(y);
    }
    let y = g.op("LeakyRelu", &[&y], vec![Attr::Float("alpha", SLOPE as f32)]);
    let floor = g.floats("const.floor", &[], &[FLOOR]);
    Ok(g.op("Max", &[&y, &floor], vec![]))
}
