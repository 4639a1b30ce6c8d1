//! Sound runs on the one trainer (speech_embedding, models/speech-embedding; the spoken words of
//! models/samples/spoken-words, synthesised by scripts/fetch-model and split by voice): the
//! held-out voices' accuracy, a run stopped and resumed ending where an uninterrupted one ends, a
//! finished checkpoint on its base and the exported folder both giving the run's model, and the
//! CLI's train → eval → predict on folders of clips (a bad file named and skipped).
use std::path::PathBuf;

use burn::prelude::*;
use futures_lite::future::block_on;
use tabtune::audio::SpeechModel;
use tabtune::data::{AugOp, Augment};
use tabtune::audio::data::{AudioDataset, load_dir};
use tabtune::infer::logits;
use tabtune::kind::{AnyModel, DataRef, Inputs};
use tabtune::run::CacheDtype;
use tabtune::task::TaskChoice;
use tabtune::{RunConfig, Trainer, checkpoint, infer};

use crate::common::*;

fn speech_dir() -> PathBuf {
    let dir = root().join("models/speech-embedding");
    assert!(dir.join("embedding_model.onnx").is_file(), "the sound model is missing: run scripts/fetch-model");
    dir
}

fn speech(device: &Device) -> SpeechModel {
    let read = |f: &str| std::fs::read(speech_dir().join(f)).expect("sound model file readable");
    SpeechModel::from_files(&read("config.json"), &read("embedding_model.onnx"), &read("melspectrogram.onnx"), device).expect("sound model loads")
}

fn words(side: &str) -> AudioDataset {
    load_dir(&root().join("models/samples/spoken-words").join(side)).expect("run scripts/fetch-model")
}

fn accuracy(model: &AnyModel, data: &AudioDataset, device: &Device) -> f64 {
    match block_on(infer::evaluate(model, DataRef::Audio(data), None, device)).expect("evaluates") {
        tabtune::metrics::TaskMetrics::Classification(m) => m.acc,
        other => panic!("a classification task, got {other:?}"),
    }
}

/// 8 words, 85 training voices (5 accents × 17 variants), 24 held-out voices of 3 other accents
/// and 8 other variants (192 clips). Every block trained (the stem stays), lr 1e-3, 8 epochs,
/// dropout 0.1, label smoothing 0.1 (the page's sound defaults). Measured seeds 0 to 4: 0.922 /
/// 0.927 / 0.943 / 0.932 / 0.901 (on the first 12 held-out voices alone: 0.906 / 0.906 / 0.927 /
/// 0.896 / 0.885; with 40 training voices, 15 epochs and no smoothing 0.844 / 0.948 / 0.948
/// there). The bound is the 0.9, 4 clips under seed 0's measure (a model that learned
/// nothing scores 0.125).
#[test]
fn spoken_words_are_recognised_in_voices_held_out_of_training() {
    let _turn = serial();
    let device = Device::flex();
    let (train, test) = (words("train"), words("test"));
    assert_eq!((train.examples.len(), test.examples.len()), (680, 192));
    let cfg = RunConfig { task: TaskChoice::Audio, layers: 9, epochs: 8, lr: 1e-3, dropout: 0.1, label_smoothing: 0.1, val_split: 0.0, seed: 0, ..RunConfig::default() };
    let mut t = Trainer::new(speech(&device), &train, cfg, &device).expect("trainer");
    drive(&mut t, None);
    let model = block_on(t.into_model()).expect("model");
    let acc = accuracy(&model, &test, &device);
    println!("spoken words, held-out voices: {acc:.3}");
    assert!(acc >= 0.90, "held-out voices: {acc:.3} < 0.90");
}

/// Four words, four clips each, the top 2 blocks, dropout on, f32 cache, batch 4.
fn small() -> (AudioDataset, RunConfig) {
    let mut data = words("train");
    let keep = ["go", "no", "stop", "yes"];
    data.examples.retain(|e| keep.contains(&e.label.as_str()));
    let mut seen = std::collections::HashMap::<String, usize>::new();
    data.examples.retain(|e| {
        let n = seen.entry(e.label.clone()).or_default();
        *n += 1;
        *n <= 4
    });
    data.classes = keep.iter().map(|c| c.to_string()).collect();
    let cfg = RunConfig {
        task: TaskChoice::Audio,
        layers: 2,
        epochs: 2,
        lr: 1e-3,
        batch_size: 4,
        val_split: 0.25,
        dropout: 0.2,
        cache_dtype: CacheDtype::F32,
        ..RunConfig::default()
    };
    (data, cfg)
}

/// `augment` on sounds: altered copies after the training clips, none of a validation clip, and
/// a text op refused by name.
#[test]
fn augmented_clips_join_the_training_clips_only_and_text_ops_are_refused() {
    let device = Device::flex();
    let (data, cfg) = small();
    let plain = Trainer::new(speech(&device), &data, cfg.clone(), &device).expect("trainer");
    let two = RunConfig { augment: Some(Augment { copies: 2, ops: Vec::new() }), ..cfg.clone() };
    let aug = Trainer::new(speech(&device), &data, two, &device).expect("trainer");
    let n = plain.train_texts().len();
    assert_eq!(aug.val_texts(), plain.val_texts(), "validation clips are never altered");
    assert_eq!(aug.train_texts()[..n], plain.train_texts()[..], "the originals first");
    assert_eq!(aug.info().augmented_rows, 2 * n);
    assert!(aug.train_texts()[n..].iter().all(|t| ["(shift)", "(speed)", "(gain)", "(noise)"].iter().any(|op| t.ends_with(op))), "{:?}", aug.train_texts());
    let text_op = RunConfig { augment: Some(Augment { copies: 1, ops: vec![AugOp::Delete] }), ..cfg };
    let err = Trainer::new(speech(&device), &data, text_op, &device).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("augment op delete alters texts"), "{err}");
}

/// A checkpoint's tensors by name, as raw bytes.
fn tensors(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let st = safetensors::SafeTensors::deserialize(bytes).expect("safetensors");
    st.tensors().into_iter().map(|(name, v)| (name, v.data().to_vec())).collect()
}

#[test]
fn a_sound_run_resumed_from_a_checkpoint_ends_where_an_uninterrupted_run_ends() {
    let _turn = serial();
    let device = Device::flex();
    let base = speech(&device);
    let (data, cfg) = small();
    let mut a = Trainer::new(base.clone(), &data, cfg.clone(), &device).expect("trainer");
    let full = drive(&mut a, None);
    let spe = a.info().steps_per_epoch;
    assert_eq!((spe, full.len()), (3, 6));
    let end_a = block_on(a.checkpoint(true)).expect("checkpoint");
    for stop in [spe, spe + 1] {
        let mut b = Trainer::new(base.clone(), &data, cfg.clone(), &device).expect("trainer");
        let before = drive(&mut b, Some(stop));
        let bytes = block_on(b.checkpoint(true)).expect("checkpoint");
        drop(b);
        assert_eq!(checkpoint::info(&bytes).expect("info").config.task, TaskChoice::Audio);
        let mut resumed = Trainer::resume(base.clone(), &data, &bytes, &device).expect("resumes");
        let losses = [before, drive(&mut resumed, None)].concat();
        let end_b = block_on(resumed.checkpoint(true)).expect("checkpoint");
        println!("stop at step {stop}: losses {losses:?}");
        assert_eq!(losses, full, "losses after a stop at step {stop}");
        // the tensors, not the bytes: the metadata carries each epoch's timing
        assert!(tensors(&end_b) == tensors(&end_a), "the final weights, best epoch and optimizer state after a stop at step {stop} differ");
    }
}

#[test]
fn a_finished_sound_checkpoint_and_the_exported_folder_are_the_model_the_run_returned() {
    let _turn = serial();
    let device = Device::flex();
    let base = speech(&device);
    let (data, cfg) = small();
    let mut t = Trainer::new(base.clone(), &data, cfg, &device).expect("trainer");
    drive(&mut t, None);
    let saved = block_on(t.checkpoint(false)).expect("checkpoint");
    let tuned = block_on(t.into_model()).expect("model");
    let restored = checkpoint::apply(base.clone(), &saved, &device).expect("applies");
    let files = block_on(tabtune::export::export(&tuned)).expect("exports");
    let mel = files.extra.iter().find(|(n, _)| n == "melspectrogram.onnx").map(|(_, b)| b.clone()).expect("the front end's file");
    let reloaded = AnyModel::Audio(SpeechModel::from_files(&files.config, &files.weights, &mel, &device).expect("the folder loads"));
    assert_eq!(reloaded.labels(), Some(data.classes.clone()));
    let clips: Vec<&[f32]> = data.examples.iter().map(|e| e.clip.as_slice()).collect();
    let of = |m: &AnyModel| block_on(logits(m, Inputs::Clips(&clips), None, &device)).expect("logits").concat();
    let want = of(&tuned);
    for (what, m) in [("checkpoint::apply", &restored), ("the exported folder", &reloaded)] {
        let diff = max_abs_diff(&of(m), &want);
        println!("{what} vs into_model: logits of {} clips differ by {diff:e}", clips.len());
        assert!(diff <= 1e-6, "{what}: logits differ by {diff}");
    }
    // a sound checkpoint is not an image model's
    let err = checkpoint::apply(lite0(&device), &saved, &device).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("sound run") && err.contains("image model"), "{err}");
}

#[test]
fn the_cli_trains_evaluates_and_predicts_on_folders_of_clips() {
    let _turn = serial();
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("words-model");
    let train = root().join("models/samples/spoken-words/train");
    let (ok, _, err) = tabtune(&["train", "--task", "audio", "--model", speech_dir().to_str().unwrap_or(""), "--data", train.to_str().unwrap_or(""),
        "--out", out.to_str().unwrap_or(""), "--layers", "2", "--epochs", "2", "--lr", "1e-3"]);
    assert!(ok, "train: {err}");
    assert!(err.contains("680 clips in 8 classes"), "{err}");
    for f in ["config.json", "model.safetensors", "melspectrogram.onnx"] {
        assert!(out.join(f).is_file(), "{f} in the output folder");
    }
    let test = root().join("models/samples/spoken-words/test");
    let (ok, stdout, err) = tabtune(&["eval", "--model", out.to_str().unwrap_or(""), "--data", test.to_str().unwrap_or("")]);
    assert!(ok, "eval: {err}");
    let m: serde_json::Value = serde_json::from_str(&stdout).expect("eval prints JSON");
    assert_eq!(m["n"], 192);
    // a folder of clips with a text file named .wav among them: named, skipped, the rest predicted
    let dir = tmp.path().join("to-predict");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(test.join("yes/en-us-nyc-m2.wav"), dir.join("a.wav")).expect("copy");
    std::fs::write(dir.join("b.wav"), "not a sound").expect("write");
    let (ok, stdout, err) = tabtune(&["predict", "--model", out.to_str().unwrap_or(""), "--input", dir.to_str().unwrap_or("")]);
    assert!(ok, "predict: {err}");
    assert!(err.contains("b.wav") && err.contains("skipped"), "{err}");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0]["input"].as_str().is_some_and(|s| s.ends_with("a.wav")) && lines[0]["label"].is_string(), "{stdout}");
}
