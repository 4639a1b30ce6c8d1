//! The image task on the one trainer: Fashion-MNIST quality (top 2 blocks + head at 64 px
//! reach 0.80 on 1,000 held-back images; a head-only run's accuracy is printed), the cached
//! path equal to the whole network (1e-5), the settings an image run refuses (and that its
//! checkpoint names the trained blocks as the whole network does), a step past its memory
//! budget refused with the batch that fits, and the CLI's
//! train → eval → predict on a folder with a bad file in it.

use std::path::Path;
use std::time::Instant;

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::{AnyModel, DataRef, Inputs};
use tabtune::image::data::{FASHION_DIR, ImageDataset, fashion_mnist, write_sample};
use tabtune::infer::{evaluate, logits};
use tabtune::metrics::TaskMetrics;
use tabtune::run::CacheDtype;
use tabtune::task::TaskChoice;
use tabtune::image::ImageModel;
use tabtune::{RunConfig, Trainer};

fn lite0_dir() -> std::path::PathBuf {
    root().join("models/efficientnet-lite0")
}

fn lite0(device: &Device) -> ImageModel {
    let dir = lite0_dir();
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}/{f}: {e} (run scripts/fetch-model)", dir.display()));
    ImageModel::from_files(&read("config.json"), &read("model.safetensors"), device).expect("EfficientNet-Lite0 loads")
}

fn fashion(per_class: usize, test: usize) -> (ImageDataset, ImageDataset) {
    fashion_mnist(Path::new(FASHION_DIR), per_class, test, 7).expect("Fashion-MNIST (apt-get install dataset-fashion-mnist)")
}

fn image_cfg() -> RunConfig {
    RunConfig { task: TaskChoice::Image, image_size: 64, ..RunConfig::default() }
}

/// Trains on `train`, then scores the model it leaves on `test`: (accuracy, seconds).
fn train_and_score(train: &ImageDataset, test: &ImageDataset, cfg: RunConfig, device: &Device) -> (f64, f64) {
    let started = Instant::now();
    let mut t = Trainer::new(lite0(device), train, cfg, device).expect("image trainer");
    drive(&mut t, None);
    let model = block_on(t.into_model()).and_then(AnyModel::into_image).expect("the fine-tuned model");
    let TaskMetrics::Classification(m) = block_on(evaluate(&AnyModel::Image(model.clone()), DataRef::Image(test), None, device)).expect("evaluates") else {
        panic!("an image model is scored as classification")
    };
    (m.acc, started.elapsed().as_secs_f64())
}

#[test]
fn fashion_mnist_top_two_blocks_reach_080() {
    let _serial = serial();
    let device = Device::flex();
    let (train, test) = fashion(100, 1000);
    assert_eq!((train.examples.len(), test.examples.len()), (1000, 1000));
    let cfg = RunConfig { layers: 2, epochs: 6, lr: 1e-3, batch_size: 32, val_split: 0.0, dropout: 0.1, ..image_cfg() };
    let (acc, secs) = train_and_score(&train, &test, cfg.clone(), &device);
    let (head_acc, head_secs) = train_and_score(&train, &test, RunConfig { layers: 0, ..cfg }, &device);
    println!("Fashion-MNIST 100/class, 64 px, 1000 held-back: top 2 blocks + head {acc:.3} ({secs:.0} s); head only {head_acc:.3} ({head_secs:.0} s)");
    assert!(acc >= 0.80, "top 2 blocks + head: accuracy {acc:.3} < 0.80");
}

/// Through the real trainer, after a step: the loss over the training rows from the cached
/// frozen blocks (f32) equals the whole fine-tuned network's on the original images.
#[test]
fn cached_blocks_equal_the_whole_network() {
    let _turn = serial();
    let device = Device::flex();
    let (train, _) = fashion(2, 0);
    let cfg = RunConfig { layers: 2, epochs: 1, lr: 1e-3, warmup: 0.0, batch_size: 8, val_split: 0.0, dropout: 0.0, cache_dtype: CacheDtype::F32, ..image_cfg() };
    let mut t = Trainer::new(lite0(&device), &train, cfg, &device).expect("image trainer");
    assert!(t.info().cached);
    drive(&mut t, Some(1));
    let cached = block_on(t.train_loss_all()).expect("cached loss");
    let model = block_on(t.into_model()).and_then(AnyModel::into_image).expect("model");
    let images: Vec<_> = train.examples.iter().map(|e| &e.image).collect();
    let logits = block_on(logits(&AnyModel::Image(model.clone()), Inputs::Images(&images), None, &device)).expect("whole network");
    let gold = train.targets();
    let full: f64 = logits
        .iter()
        .zip(&gold)
        .map(|(row, &g)| {
            let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
            row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max - row[g] as f64
        })
        .sum::<f64>()
        / gold.len() as f64;
    println!("cached {cached} whole {full}");
    assert!((cached as f64 - full).abs() <= 1e-5, "cached {cached} vs whole network {full}");
}

#[test]
fn text_only_settings_are_refused_for_images() {
    let _turn = serial();
    let device = Device::flex();
    let (train, _) = fashion(2, 0);
    let model = lite0(&device);
    let refused = |cfg: RunConfig, words: &[&str]| {
        let Err(e) = Trainer::new(model.clone(), &train, cfg, &device) else { panic!("accepted: {words:?}") };
        let msg = e.to_string();
        assert!(words.iter().all(|w| msg.contains(w)), "{msg} (wanted {words:?})");
    };
    refused(RunConfig { task: TaskChoice::MultiLabel, ..image_cfg() }, &["multi_label", "task image"]);
    refused(RunConfig { task: TaskChoice::Regression, ..image_cfg() }, &["regression", "task image"]);
    refused(RunConfig { strategy: tabtune::run::Strategy::Contrastive, ..image_cfg() }, &["contrastive", "standard"]);
    refused(RunConfig { teaching: true, ..image_cfg() }, &["teaching"]);
    refused(RunConfig { image_size: 16, ..image_cfg() }, &["image_size = 16", "32", "512"]);
    refused(RunConfig { image_size: 4000, ..image_cfg() }, &["image_size = 4000"]);
    refused(RunConfig { layers: 17, ..image_cfg() }, &["layers = 17", "16 blocks"]);
    // and a text run asked for images says where images go
    let text = Trainer::new(Files::tiny(3).load(&device), &toy(20), RunConfig { task: TaskChoice::Image, ..RunConfig::default() }, &device);
    assert!(text.is_err_and(|e| e.to_string().contains("efficientnet-lite0")));
    // an image run's checkpoint holds its blocks under their numbers in the whole network
    // (tests/it/image_checkpoint.rs resumes and applies them)
    let mut t = Trainer::new(model, &train, RunConfig { epochs: 1, layers: 2, ..image_cfg() }, &device).expect("trainer");
    drive(&mut t, Some(1));
    let bytes = block_on(t.checkpoint(true)).expect("an image run's checkpoint");
    let names = safetensors::SafeTensors::deserialize(&bytes).expect("safetensors").names().into_iter().map(str::to_string).collect::<Vec<_>>();
    assert!(names.iter().any(|n| n.starts_with("_blocks.14.")) && !names.iter().any(|n| n.starts_with("_blocks.13.")), "{names:?}");
}

/// An image run whose step (with the images the engine holds) would not fit its memory is refused
/// before it starts, with the numbers and the largest batch that fits; that batch is taken.
#[test]
fn an_image_step_past_its_memory_budget_is_refused_with_the_batch_that_fits() {
    let _turn = serial();
    let device = Device::flex();
    let (train, _) = fashion(20, 0);
    let model = lite0(&device);
    let cfg = RunConfig { layers: 16, batch_size: 512, step_budget_mb: Some(200), ..image_cfg() };
    let msg = Trainer::new(model.clone(), &train, cfg.clone(), &device).err().expect("refused").to_string();
    assert!(msg.starts_with("batch_size = 512 at 64 px would need about") && msg.contains("the 200 images take") && msg.contains("more than the 200 MB"), "{msg}");
    let fits: usize = msg.split("use batch_size ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).expect("a batch size that fits");
    assert!((1..180).contains(&fits), "{msg}");
    assert!(Trainer::new(model.clone(), &train, RunConfig { batch_size: fits, ..cfg.clone() }, &device).is_ok(), "batch_size {fits} is refused too");
    assert!(Trainer::new(model, &train, RunConfig { batch_size: fits + 1, ..cfg }, &device).is_err());
}

/// `tabtune train --task image` on a folder (one file in it is not an image: a warning naming
/// it, the rest trains), then `eval` and `predict` on the model it wrote.
#[test]
fn cli_trains_evaluates_and_predicts_images() {
    let dir = std::env::temp_dir().join(format!("tabtune-image-cli-{}", std::process::id()));
    let data = dir.join("data");
    write_sample(Path::new(FASHION_DIR), &data, &["Trouser", "Bag"], 8, 3).expect("sample folder");
    std::fs::write(data.join("Bag/notes.jpg"), b"not a picture").expect("bad file");
    let out = dir.join("model");
    let (data_s, out_s, lite0_s) = (data.display().to_string(), out.display().to_string(), lite0_dir().display().to_string());
    let (ok, stdout, stderr) = tabtune(&[
        "train", "--task", "image", "--data", &data_s, "--model", &lite0_s, "--out", &out_s, "--image-size", "32", "--epochs", "2",
        "--val-split", "0.25", "--lr", "1e-3", "--batch-size", "4",
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("notes.jpg") && stderr.contains("warning"), "the bad file is named: {stderr}");
    assert!(stderr.contains("BatchNorm stays in eval mode"), "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "one JSON line per epoch: {stdout}");
    let config: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("config.json")).expect("config.json")).expect("JSON");
    assert_eq!(config["labels"], serde_json::json!(["Bag", "Trouser"]));
    assert_eq!(config["image_size"], 32);

    let (ok, stdout, stderr) = tabtune(&["eval", "--model", &out_s, "--data", &data_s]);
    assert!(ok, "{stderr}");
    let m: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert!(m["acc"].as_f64().is_some_and(|a| a > 0.5), "{m}");
    assert!(m["confusion"].is_array(), "{m}");

    let img = data.join("Bag").read_dir().expect("Bag").flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "png")).expect("a png");
    let img_s = img.display().to_string();
    let (ok, stdout, stderr) = tabtune(&["predict", "--model", &out_s, "--input", &img_s, &img_s]);
    assert!(ok, "{stderr}");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["probs"]["Bag"].is_number() && lines[0]["label"].is_string(), "{}", lines[0]);
    let _ = std::fs::remove_dir_all(&dir);
}
