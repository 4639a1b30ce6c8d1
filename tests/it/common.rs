//! Shared by the integration tests: the default model, the PyTorch reference, small helpers.
use std::path::PathBuf;

use burn::prelude::*;
use serde_json::Value;
use tabtune::text::BertConfig;
use tabtune::text::random::{TINY_CONFIG, random_weights};
use tabtune::{Model, ModelFiles};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// ../shared next to the clone (CI and developers have it there).
pub fn shared() -> PathBuf {
    root().join("../shared")
}

pub fn minilm_dir() -> PathBuf {
    let dir = root().join("models/all-MiniLM-L6-v2");
    assert!(dir.join("model.safetensors").is_file(), "the default model is missing: run scripts/fetch-model");
    dir
}

pub struct Files {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
    pub tokenizer: Vec<u8>,
}

impl Files {
    pub fn minilm() -> Files {
        Files::dir(&minilm_dir())
    }

    /// An HF folder's config.json, model.safetensors and tokenizer.json.
    pub fn dir(d: &std::path::Path) -> Files {
        let read = |f: &str| std::fs::read(d.join(f)).unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-model)", d.join(f).display()));
        Files { config: read("config.json"), weights: read("model.safetensors"), tokenizer: read("tokenizer.json") }
    }

    /// The tiny random BERT (tabtune::text::random::TINY_CONFIG) with MiniLM's tokenizer.
    pub fn tiny(seed: u64) -> Files {
        let config = TINY_CONFIG.as_bytes();
        let cfg = BertConfig::from_json(config).expect("tiny config");
        let tokenizer = std::fs::read(minilm_dir().join("tokenizer.json")).expect("tokenizer");
        Files { config: config.to_vec(), weights: random_weights(&cfg, seed).expect("random weights"), tokenizer }
    }

    /// The same files with both dropout probabilities of config.json set to 0.
    pub fn without_dropout(mut self) -> Files {
        let mut cfg: Value = serde_json::from_slice(&self.config).expect("config json");
        cfg["hidden_dropout_prob"] = 0.0.into();
        cfg["attention_probs_dropout_prob"] = 0.0.into();
        self.config = serde_json::to_vec(&cfg).expect("config json");
        self
    }

    pub fn load(&self, device: &Device) -> Model {
        let files = ModelFiles { config: &self.config, weights: &self.weights, tokenizer: &self.tokenizer };
        Model::load(&files, device).expect("model loads")
    }
}

pub fn reference() -> Value {
    let path = shared().join("reference/minilm_l6_reference.json");
    serde_json::from_slice(&std::fs::read(&path).expect("shared/reference is readable")).expect("reference json")
}

pub fn floats(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(a) => a.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().expect("number") as f32],
        other => panic!("not a number array: {other}"),
    }
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "length differs");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

pub fn max_abs(a: &[f32]) -> f32 {
    a.iter().map(|x| x.abs()).fold(0.0, f32::max)
}

pub fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    futures_lite::future::block_on(tabtune::readback::floats(t)).expect("tensor read")
}

/// Prints OK / NOT OK per compared tensor (llm.c style), then fails on any NOT OK.
pub struct Report {
    failures: Vec<String>,
}

impl Report {
    pub fn new() -> Self {
        Report { failures: Vec::new() }
    }

    pub fn check(&mut self, what: &str, err: f64, tol: f64) {
        let ok = err <= tol;
        println!("{} {what}: error {err:.3e} (tolerance {tol:.0e})", if ok { "OK    " } else { "NOT OK" });
        if !ok {
            self.failures.push(format!("{what}: {err:.3e} > {tol:.0e}"));
        }
    }

    pub fn finish(self) {
        assert!(self.failures.is_empty(), "parity failures:\n{}", self.failures.join("\n"));
    }
}

/// The CLI binary, run with `args`; returns (success, stdout, stderr).
pub fn tabtune(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tabtune")).args(args).output().expect("tabtune runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Writes the tiny random model as an HF-layout folder.
pub fn tiny_model_dir(dir: &std::path::Path) -> PathBuf {
    let files = Files::tiny(1);
    let d = dir.join("tiny");
    std::fs::create_dir_all(&d).expect("mkdir");
    std::fs::write(d.join("config.json"), &files.config).expect("write");
    std::fs::write(d.join("model.safetensors"), &files.weights).expect("write");
    std::fs::write(d.join("tokenizer.json"), &files.tokenizer).expect("write");
    d
}

/// Tests that step a trainer take turns: each step already uses every core (flex's rayon), so
/// side by side they would only add their memory up. (Dropout no longer draws from the backend's
/// shared RNG: its masks come from the step's seed, `tabtune::dropout`.)
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `toy_csv(rows)` as a dataset.
pub fn toy(rows: usize) -> tabtune::data::Dataset {
    let opts = tabtune::data::DataOptions { format: Some(tabtune::data::Format::Csv), ..Default::default() };
    tabtune::data::load(toy_csv(rows).as_bytes(), &opts).expect("toy data")
}

/// A small, easy two-class CSV: positive and negative words.
pub fn toy_csv(rows: usize) -> String {
    let good = ["great", "wonderful", "lovely", "superb", "delightful"];
    let bad = ["awful", "terrible", "boring", "dreadful", "dull"];
    let mut s = String::from("text,label\n");
    for i in 0..rows {
        let (w, l) = if i % 2 == 0 { (good[i / 2 % 5], "pos") } else { (bad[i / 2 % 5], "neg") };
        s.push_str(&format!("\"a {w} film, truly {w} (take {i})\",{l}\n"));
    }
    s
}

/// Runs `trainer` to the end (or for `steps` steps); returns every step's loss.
pub fn drive(trainer: &mut tabtune::Trainer, steps: Option<usize>) -> Vec<f32> {
    while futures_lite::future::block_on(trainer.prepare()).expect("prefix").is_some() {}
    let mut losses = Vec::new();
    while !trainer.is_done() && steps.is_none_or(|n| losses.len() < n) {
        losses.push(futures_lite::future::block_on(trainer.step()).expect("step").loss.expect("loss read every step"));
    }
    losses
}

pub fn lite0_dir() -> PathBuf {
    let dir = root().join("models/efficientnet-lite0");
    assert!(dir.join("model.safetensors").is_file(), "the image model is missing: run scripts/fetch-model");
    dir
}

/// EfficientNet-Lite0 as fetch-model converts it.
pub fn lite0(device: &Device) -> tabtune::image::ImageModel {
    let d = lite0_dir();
    let read = |f: &str| std::fs::read(d.join(f)).expect("image model file readable");
    tabtune::image::ImageModel::from_files(&read("config.json"), &read("model.safetensors"), device).expect("image model loads")
}

pub fn image_reference() -> Value {
    let path = shared().join("reference/efficientnet_lite0_reference.json");
    serde_json::from_slice(&std::fs::read(&path).expect("shared/reference is readable")).expect("reference json")
}

/// matplotlib's sample photo, put there by scripts/fetch-model.
pub fn grace_hopper() -> PathBuf {
    let p = root().join("models/samples/grace_hopper.jpg");
    assert!(p.is_file(), "models/samples/grace_hopper.jpg is missing: run scripts/fetch-model");
    p
}
