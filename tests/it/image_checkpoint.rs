//! Image runs' checkpoints on EfficientNet-Lite0 (flex, 32 px synthetic images, so it needs no
//! data set): a run stopped and resumed ends where an uninterrupted one ends (losses, weights,
//! optimizer and best-epoch state), a finished checkpoint applied to the base is the model the
//! run returned, `init: continue` keeps a head trained here, what does not fit is refused with
//! a message saying why, and the CLI's `--checkpoint DIR` resumes an image run.

use std::collections::BTreeMap;

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use safetensors::SafeTensors;
use tabtune::kind::{AnyModel, Inputs};
use tabtune::image::data::{DecodedImage, ImageDataset, ImageExample};
use tabtune::infer::logits;
use tabtune::run::{CacheDtype, Init};
use tabtune::task::TaskChoice;
use tabtune::image::ImageModel;
use tabtune::{RunConfig, Trainer, checkpoint};

const SIDE: usize = 32;

/// Image `i` of a class: stripes across (class 0), down (1) or diagonal (2), with a
/// deterministic speckle so no two images are the same.
fn synthetic(class: usize, i: usize) -> DecodedImage {
    let mut rgb = Vec::with_capacity(SIDE * SIDE * 3);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let stripe = match class {
                0 => y / 4 % 2,
                1 => x / 4 % 2,
                _ => (x + y) / 4 % 2,
            };
            let speckle = ((x * 31 + y * 17 + i * 101) * 2_654_435_761usize >> 7) % 48;
            let v = (if stripe == 1 { 200 } else { 40 } + speckle) as u8;
            rgb.extend([v, v / 2 + (i as u8 * 9), 255 - v]);
        }
    }
    DecodedImage { width: SIDE, height: SIDE, rgb }
}

/// `per_class` images of each of `classes` (class names sorted, as a folder load gives them).
pub(crate) fn dataset(classes: &[&str], per_class: usize, offset: usize) -> ImageDataset {
    let examples = classes
        .iter()
        .enumerate()
        .flat_map(|(c, name)| {
            (0..per_class).map(move |i| ImageExample { name: format!("{name}/{i}.png"), label: name.to_string(), image: synthetic(c, i + offset) })
        })
        .collect();
    ImageDataset { examples, classes: classes.iter().map(|c| c.to_string()).collect(), problems: Vec::new(), notes: Vec::new() }
}

/// Dropout on (the per-step RNG matters), f32 cache (exact numbers), the top 2 blocks, and
/// early stopping so the best epoch's weights cross the checkpoint too. 12 images, a quarter
/// held back: 8 training images / batch 4 = 2 steps an epoch.
fn cfg() -> RunConfig {
    RunConfig {
        task: TaskChoice::Image,
        image_size: SIDE,
        layers: 2,
        epochs: 2,
        lr: 1e-3,
        batch_size: 4,
        val_split: 0.25,
        dropout: 0.2,
        cache_dtype: CacheDtype::F32,
        early_stopping: Some("val_loss".into()),
        patience: 5,
        ..RunConfig::default()
    }
}

/// ImageNet's Lite0, two synthetic classes and a run of one epoch on them.
fn one_epoch(device: &Device) -> (ImageModel, ImageDataset, Trainer) {
    let base = lite0(device);
    let data = dataset(&["a", "b"], 6, 0);
    let mut t = Trainer::new(base.clone(), &data, RunConfig { epochs: 1, ..cfg() }, device).expect("trainer");
    drive(&mut t, None);
    (base, data, t)
}

/// A checkpoint's tensors by name.
fn tensors(bytes: &[u8]) -> BTreeMap<String, Vec<f32>> {
    let st = SafeTensors::deserialize(bytes).expect("safetensors");
    st.tensors()
        .into_iter()
        .map(|(name, v)| (name, v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()))
        .collect()
}

/// The largest |a − b| / max(|b|, 1e-3) over every tensor; the names must agree.
fn max_rel_diff(a: &BTreeMap<String, Vec<f32>>, b: &BTreeMap<String, Vec<f32>>) -> f32 {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same tensors");
    a.iter().flat_map(|(n, x)| x.iter().zip(&b[n]).map(|(x, y)| (x - y).abs() / y.abs().max(1e-3))).fold(0.0, f32::max)
}

fn err_of<T>(r: tabtune::Result<T>, what: &str) -> String {
    match r {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_image_run_resumed_from_a_checkpoint_ends_where_an_uninterrupted_run_ends() {
    let _turn = serial();
    let device = Device::flex();
    let base = lite0(&device);
    let data = dataset(&["a", "b"], 6, 0);
    let mut a = Trainer::new(base.clone(), &data, cfg(), &device).expect("trainer");
    let full = drive(&mut a, None);
    let spe = a.info().steps_per_epoch;
    assert_eq!((spe, full.len()), (2, 4));
    let end_a = tensors(&block_on(a.checkpoint(true)).expect("checkpoint"));
    // the tensors of blocks 14 and 15 (the top 2 of 16), the head and the optimizer's moments
    for name in ["_blocks.14._expand_conv.weight", "_blocks.15._bn2.running_var", "_conv_head.weight", "_fc.bias", "best._fc.weight", "optim.0.exp_avg"] {
        assert!(end_a.contains_key(name), "{name} in {:?}", end_a.keys().take(8).collect::<Vec<_>>());
    }
    // stop at the end of epoch 1 (the contract's case) and in the middle of epoch 2
    for stop in [spe, spe + 1] {
        let mut b = Trainer::new(base.clone(), &data, cfg(), &device).expect("trainer");
        let before = drive(&mut b, Some(stop));
        let bytes = block_on(b.checkpoint(true)).expect("checkpoint");
        drop(b);
        let info = checkpoint::info(&bytes).expect("info");
        assert_eq!((info.config.task, info.step, info.finished), (TaskChoice::Image, stop, false));
        let mut resumed = Trainer::resume(base.clone(), &data, &bytes, &device).expect("resumes");
        assert_eq!(resumed.steps_done(), stop);
        let after = drive(&mut resumed, None);
        let losses = [before, after].concat();
        let loss_diff = losses.iter().zip(&full).map(|(x, y)| (x - y).abs() / y.abs()).fold(0.0, f32::max);
        assert_eq!(resumed.history().len(), 2, "the epoch before the stop is kept");
        let diff = max_rel_diff(&tensors(&block_on(resumed.checkpoint(true)).expect("checkpoint")), &end_a);
        println!("stop at step {stop}: losses differ by {loss_diff:e} rel, final weights + best + moments by {diff:e} rel");
        assert!(loss_diff <= 1e-5, "losses after a stop at step {stop}: {losses:?} vs {full:?}");
        assert!(diff <= 1e-5, "final state differs by {diff} rel");
    }
}

#[test]
fn a_finished_image_checkpoint_on_its_base_is_the_model_the_run_returned() {
    let _turn = serial();
    let device = Device::flex();
    let (base, data, t) = one_epoch(&device);
    let saved = block_on(t.checkpoint(false)).expect("checkpoint");
    assert!(!tensors(&saved).keys().any(|n| n.starts_with("optim.") || n.starts_with("best.")), "a finished run keeps only the model");
    let tuned = block_on(t.into_model()).and_then(AnyModel::into_image).expect("model");
    let restored = checkpoint::apply(base.clone(), &saved, &device).and_then(AnyModel::into_image).expect("applies");
    assert_eq!(restored.fingerprint, tuned.fingerprint);
    let (config, weights) = folder(&restored);
    let (tuned_config, tuned_weights) = folder(&tuned);
    assert_eq!(String::from_utf8_lossy(&config), String::from_utf8_lossy(&tuned_config), "the same config.json");
    assert!(weights == tuned_weights, "the same model.safetensors");
    let images: Vec<&DecodedImage> = data.examples.iter().step_by(3).map(|e| &e.image).collect();
    let (a, b) = (block_on(logits(&AnyModel::Image(restored.clone()), Inputs::Images(&images), None, &device)).expect("logits"), block_on(logits(&AnyModel::Image(tuned.clone()), Inputs::Images(&images), None, &device)).expect("logits"));
    let diff = max_abs_diff(&a.concat(), &b.concat());
    println!("checkpoint::apply vs into_model: logits of {} images differ by {diff:e}", images.len());
    assert!(diff <= 1e-6, "logits differ by {diff}");

    // … and refuses what does not fit
    let err = err_of(Trainer::resume(base.clone(), &data, &saved, &device), "a finished run resumed");
    assert!(err.contains("finished") && err.contains("nothing left to resume"), "{err}");
    let running = block_on(Trainer::new(base.clone(), &data, cfg(), &device).expect("t").checkpoint(true)).expect("c");
    let other_base = ImageModel { fingerprint: "another model".into(), ..base.clone() };
    let err = err_of(Trainer::resume(other_base.clone(), &data, &running, &device), "another base resumed");
    assert!(err.contains("another model"), "{err}");
    let err = err_of(checkpoint::apply(other_base, &saved, &device), "applied to another base");
    assert!(err.contains("another base model"), "{err}");
    let err = err_of(Trainer::resume(base.clone(), &dataset(&["a", "b"], 6, 50), &running, &device), "other images resumed");
    assert!(err.contains("other images"), "{err}");
    // a text checkpoint is not an image model's, nor the reverse
    let text_model = Files::tiny(3).load(&device);
    let text = block_on(Trainer::new(text_model.clone(), &toy(20), RunConfig::default(), &device).expect("text run").checkpoint(false)).expect("c");
    let err = err_of(checkpoint::apply(base.clone(), &text, &device), "a text checkpoint applied to an image model");
    assert!(err.contains("text run") && err.contains("image model"), "{err}");
    let err = err_of(checkpoint::apply(text_model.clone(), &saved, &device), "an image checkpoint applied to a text model");
    assert!(err.contains("image run") && err.contains("text model"), "{err}");
    let err = err_of(Trainer::resume(text_model, &toy(20), &running, &device), "an image checkpoint resumed on a text model");
    assert!(err.contains("image run"), "{err}");
}

#[test]
fn init_continue_keeps_a_head_trained_here_on_the_same_classes() {
    let _turn = serial();
    let device = Device::flex();
    let (base, data, t) = one_epoch(&device);
    let tuned = block_on(t.into_model()).and_then(AnyModel::into_image).expect("model");
    let fc = |bytes: &[u8]| tensors(bytes).remove("_fc.weight").expect("_fc.weight");
    let trained = fc(&folder(&tuned).1);
    // the head a new run starts from, as its (finished) checkpoint holds it before any step
    let head = |init| fc(&block_on(Trainer::new(tuned.clone(), &data, RunConfig { init, ..cfg() }, &device).expect("t").checkpoint(false)).expect("c"));
    // compared as booleans: a failure would print 2 × 1280 numbers
    assert!(head(Init::Continue) == trained, "continue keeps the trained head");
    assert!(head(Init::Pretrained) != trained, "pretrained starts a fresh head");

    let continued = RunConfig { init: Init::Continue, ..cfg() };
    let err = err_of(Trainer::new(tuned.clone(), &dataset(&["a", "c"], 6, 0), continued.clone(), &device), "other classes continued");
    assert!(err.contains("same classes") && err.contains("a, b") && err.contains("a, c"), "{err}");
    let err = err_of(Trainer::new(tuned, &dataset(&["b", "a"], 6, 0), continued.clone(), &device), "classes in another order continued");
    assert!(err.contains("same classes"), "{err}");
    let err = err_of(Trainer::new(base, &data, continued, &device), "ImageNet's head continued");
    assert!(err.contains("fine-tuned model") && err.contains("init = pretrained"), "{err}");
}

/// `tabtune train --task image --checkpoint DIR`: the epoch-2 checkpoint is kept; the same
/// command again resumes from it and writes the same model; other settings are refused; the
/// model written trains on with `--init continue`.
#[test]
fn the_cli_resumes_an_image_run_from_its_checkpoint_dir() {
    let _turn = serial();
    let tmp = tempfile::tempdir().expect("tmp");
    let folder = tmp.path().join("data");
    for (c, name) in ["a", "b"].iter().enumerate() {
        std::fs::create_dir_all(folder.join(name)).expect("mkdir");
        for i in 0..6 {
            let img = synthetic(c, i);
            image::save_buffer(folder.join(format!("{name}/{i}.png")), &img.rgb, SIDE as u32, SIDE as u32, image::ExtendedColorType::Rgb8).expect("png");
        }
    }
    let p = |x: &std::path::Path| x.to_str().expect("utf-8 path").to_string();
    let (lite0, data, ckpt) = (p(&lite0_dir()), p(&folder), p(&tmp.path().join("ckpt")));
    let run = |model: &str, out: &str, epochs: &str, extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec!["train", "--task", "image", "--model", model, "--data", &data, "--image-size", "32", "--layers", "2", "--epochs", epochs,
            "--lr", "1e-3", "--batch-size", "4", "--val-split", "0.25", "--dropout", "0.2"];
        let out_s = p(&out);
        args.extend(["--out", &out_s]);
        args.extend(extra);
        let (ok, stdout, stderr) = tabtune(&args);
        (ok, stdout, stderr, std::fs::read(out.join("model.safetensors")).unwrap_or_default())
    };
    let (ok, stdout, stderr, first) = run(&lite0, "a", "3", &["--checkpoint", &ckpt]);
    assert!(ok && stdout.lines().count() == 3, "{stderr}");
    assert!(tmp.path().join("ckpt/checkpoint.safetensors").is_file(), "the epoch-2 checkpoint is kept");
    // as if the first run had died after epoch 2: the same command finishes it from there
    let (ok, stdout, stderr, resumed) = run(&lite0, "b", "3", &["--checkpoint", &ckpt]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("resuming from") && stderr.contains("at step 4 of 6"), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only epoch 3 runs again: {stdout}");
    assert!(first == resumed, "the resumed run writes the same model");
    let (ok, _, stderr, _) = run(&lite0, "c", "3", &["--checkpoint", &ckpt, "--seed", "1"]);
    assert!(!ok && stderr.contains("other settings"), "{stderr}");
    // the model written trains on from its own head
    let tuned = p(&tmp.path().join("a"));
    let (ok, stdout, stderr, _) = run(&tuned, "d", "1", &["--init", "continue"]);
    assert!(ok && stdout.lines().count() == 1, "{stderr}");
    let (ok, _, stderr, _) = run(&tuned, "e", "1", &[]);
    assert!(ok && stderr.contains("--init continue keeps its head"), "{stderr}");
}

/// An image model's folder files: (config.json, model.safetensors).
fn folder(m: &tabtune::image::ImageModel) -> (Vec<u8>, Vec<u8>) {
    let f = block_on(tabtune::export::export(&AnyModel::Image(m.clone()))).expect("files");
    (f.config, f.weights)
}
