//! Whole runs on the tiny random BERT (flex): a second run starts fresh unless told to continue,
//! a run stopped at a checkpoint resumes to the uninterrupted result, a cache past its budget is
//! recomputed per batch with the same losses, each epoch reports its batches' padding, and a
//! model's head runs the way it was trained.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::{AnyModel, DataRef, Inputs};
use tabtune::data::{self, DataOptions, Dataset, Format};
use tabtune::run::{CacheDtype, ClassWeights, Init, OptimizerKind, ScheduleKind};
use tabtune::{Model, RunConfig, Trainer, checkpoint, export, infer};

/// Dropout on, so the per-step RNG matters; f32 cache so the numbers are exact.
fn cfg() -> RunConfig {
    RunConfig { layers: 1, epochs: 3, lr: 1e-2, batch_size: 8, max_len: 16, val_split: 0.25, dropout: 0.2, cache_dtype: CacheDtype::F32, ..Default::default() }
}

async fn weights(model: &Model) -> Vec<f32> {
    export::named_weights(model).await.expect("weights").into_iter().flat_map(|(_, _, v)| v).collect()
}

fn train(model: Model, data: &Dataset, cfg: RunConfig) -> (Vec<f32>, Model) {
    let mut t = Trainer::new(model, data, cfg, &Device::flex()).expect("trainer");
    let losses = drive(&mut t, None);
    (losses, block_on(t.into_model()).and_then(AnyModel::into_text).expect("model"))
}

#[test]
fn a_second_run_starts_from_the_pretrained_model_unless_told_to_continue() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(3).load(&device);
    let data = toy(40);
    let (first, tuned) = train(base.clone(), &data, cfg());
    // the same settings again from the base: the same run (nothing of the first carries over)
    let (again, _) = train(base.clone(), &data, cfg());
    assert_eq!(first, again, "a run without continue equals the first run");
    // continue starts from the trained head (compared as weights: a first step's loss is one
    // batch of 8 with dropout, too noisy to tell a trained head by)
    let named = block_on(export::named_weights(&tuned)).expect("weights");
    let trained: Vec<f32> = named.into_iter().filter(|(n, _, _)| n == "classifier.weight").flat_map(|(_, _, v)| v).collect();
    let head = |init| block_on(Trainer::new(tuned.clone(), &data, RunConfig { init, ..cfg() }, &device).expect("trainer").head()).expect("head").0.concat();
    assert_eq!(head(Init::Continue), trained, "continue keeps the trained head");
    assert_ne!(head(Init::Pretrained), trained, "pretrained starts a fresh head");

    let other = data::load(b"text,label\ngood,a\nbad,b\nugly,c\nfine,a\n", &DataOptions::default()).expect("data");
    let err = Trainer::new(tuned, &other, RunConfig { init: Init::Continue, val_split: 0.0, ..cfg() }, &device).err().expect("refused");
    assert!(err.to_string().contains("same classes"), "{err}");
    let err = Trainer::new(base, &data, RunConfig { init: Init::Continue, ..cfg() }, &device).err().expect("refused");
    assert!(err.to_string().contains("no classification head"), "{err}");
}

#[test]
fn a_run_resumed_from_a_checkpoint_ends_where_an_uninterrupted_run_ends() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(4).load(&device);
    let data = toy(40);
    let (full, uninterrupted) = train(base.clone(), &data, cfg());
    // 30 train rows / 8 = 4 steps an epoch: stop mid-epoch 2 (step 6) and at an epoch end (4)
    for stop in [6, 4] {
        let mut t = Trainer::new(base.clone(), &data, cfg(), &device).expect("trainer");
        let before = drive(&mut t, Some(stop));
        let bytes = block_on(t.checkpoint(true)).expect("checkpoint");
        drop(t);
        let mut resumed = Trainer::resume(base.clone(), &data, &bytes, &device).expect("resumes");
        assert_eq!(resumed.steps_done(), stop);
        let after = drive(&mut resumed, None);
        assert_eq!([before, after].concat(), full, "losses after a stop at step {stop}");
        assert_eq!(resumed.history().len(), 3, "the epochs before the stop are kept");
        let (a, b) = (block_on(weights(&block_on(resumed.into_model()).and_then(AnyModel::into_text).expect("model"))), block_on(weights(&uninterrupted)));
        let diff = max_abs_diff(&a, &b);
        println!("stop at {stop}: final weights differ by {diff:e}");
        assert!(diff <= 1e-6, "final weights differ by {diff}");
    }
    // the checkpoint of a finished run, applied to the base, is the fine-tuned model
    let mut t = Trainer::new(base.clone(), &data, cfg(), &device).expect("trainer");
    drive(&mut t, None);
    let saved = block_on(t.checkpoint(false)).expect("checkpoint");
    let tuned = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");
    let restored = checkpoint::apply(base.clone(), &saved, &device).and_then(AnyModel::into_text).expect("applies");
    assert_eq!(block_on(weights(&restored)), block_on(weights(&tuned)));
    assert_eq!(restored.fingerprint, tuned.fingerprint);
    // … and refuses what does not fit
    let err = Trainer::resume(base.clone(), &data, &saved, &device).err().expect("finished run");
    assert!(err.to_string().contains("finished"), "{err}");
    let err = Trainer::resume(Files::tiny(5).load(&device), &data, &block_on(Trainer::new(base.clone(), &data, cfg(), &device).expect("t").checkpoint(true)).expect("c"), &device).err().expect("other base");
    assert!(err.to_string().contains("another model"), "{err}");
    let err = Trainer::resume(base, &toy(44), &block_on(Trainer::new(Files::tiny(4).load(&device), &data, cfg(), &device).expect("t").checkpoint(true)).expect("c"), &device).err().expect("other data");
    assert!(err.to_string().contains("other rows"), "{err}");
}

#[test]
fn a_toolkit_run_resumes_exactly_with_its_optimizer_state_and_best_epoch() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(4).load(&device);
    let data = toy(40);
    // SGD's momentum buffers, clipping, L1, per-layer LR, smoothing, weights, cosine and the
    // early-stopping state (its best epoch's weights) all cross the checkpoint
    let toolkit = RunConfig {
        layers: 2,
        optimizer: OptimizerKind::Sgd,
        momentum: 0.9,
        nesterov: true,
        lr: 0.05,
        clip_norm: Some(0.5),
        l1: 1e-5,
        layer_lr_decay: 0.5,
        label_smoothing: 0.1,
        class_weights: Some(ClassWeights::Named("balanced".into())),
        schedule: ScheduleKind::Cosine,
        early_stopping: Some("val_macro_f1".into()),
        patience: 3,
        ..cfg()
    };
    let (full, uninterrupted) = train(base.clone(), &data, toolkit.clone());
    let mut t = Trainer::new(base.clone(), &data, toolkit, &device).expect("trainer");
    let before = drive(&mut t, Some(6));
    assert!(t.history().first().and_then(|e| e.best_epoch).is_some(), "a best epoch is recorded before the stop");
    let bytes = block_on(t.checkpoint(true)).expect("checkpoint");
    drop(t);
    let mut resumed = Trainer::resume(base, &data, &bytes, &device).expect("resumes");
    let after = drive(&mut resumed, None);
    assert_eq!([before, after].concat(), full, "the same losses as the uninterrupted run");
    let kept = resumed.kept_epoch();
    let (a, b) = (block_on(weights(&block_on(resumed.into_model()).and_then(AnyModel::into_text).expect("model"))), block_on(weights(&uninterrupted)));
    assert_eq!(a, b, "the same exported weights (epoch {kept})");
}

#[test]
fn each_epoch_reports_its_padding_share_and_a_resumed_run_the_same() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(7).load(&device);
    // texts of 1 to 6 clauses, so batches need padding
    let mut csv = String::from("text,label\n");
    for i in 0..40 {
        let w = if i % 2 == 0 { "great" } else { "awful" };
        csv.push_str(&format!("\"{} (take {i})\",{}\n", vec![format!("a {w} film"); 1 + i % 6].join(", "), if i % 2 == 0 { "pos" } else { "neg" }));
    }
    let data = data::load(csv.as_bytes(), &DataOptions { format: Some(Format::Csv), ..Default::default() }).expect("data");
    let cfg = RunConfig { max_len: 32, ..cfg() };
    let shares = |t: &Trainer| t.history().iter().map(|e| e.padding_share).collect::<Vec<_>>();
    let mut whole = Trainer::new(base.clone(), &data, cfg.clone(), &device).expect("trainer");
    drive(&mut whole, None);
    let padding = shares(&whole);
    println!("padding share per epoch: {padding:?}");
    assert!(padding.len() == 3 && padding.iter().all(|s| (0.0..1.0).contains(s)), "{padding:?}");
    assert!(padding.iter().any(|&s| s > 0.0), "these lengths leave some padding: {padding:?}");
    // 30 train rows / 8 = 4 steps an epoch: stop mid-epoch 2 (step 6) and at an epoch end (4);
    // the order is recomputed from the seed and the earlier epochs come from the checkpoint
    for stop in [6, 4] {
        let mut t = Trainer::new(base.clone(), &data, cfg.clone(), &device).expect("trainer");
        drive(&mut t, Some(stop));
        let bytes = block_on(t.checkpoint(true)).expect("checkpoint");
        let mut resumed = Trainer::resume(base.clone(), &data, &bytes, &device).expect("resumes");
        drive(&mut resumed, None);
        assert_eq!(shares(&resumed), padding, "padding shares after a stop at step {stop}");
    }
}

#[test]
fn past_its_budget_the_prefix_runs_per_batch_with_the_same_losses() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(6).load(&device);
    let data = toy(40);
    let (cached, _) = train(base.clone(), &data, cfg());
    let t = Trainer::new(base.clone(), &data, RunConfig { cache_budget_mb: 0, ..cfg() }, &device).expect("trainer");
    assert!(!t.info().cached && t.info().notes.iter().any(|n| n.contains("over the 0 MB budget")), "{:?}", t.info());
    let (recomputed, _) = train(base.clone(), &data, RunConfig { cache_budget_mb: 0, ..cfg() });
    assert_eq!(cached.len(), recomputed.len());
    let diff = max_abs_diff(&cached, &recomputed);
    assert!(diff <= 1e-5, "recomputed losses differ by {diff}");
    // f16 halves the cache and moves the losses by little
    let (half, _) = train(base, &data, RunConfig { cache_dtype: CacheDtype::F16, ..cfg() });
    let diff = max_abs_diff(&cached, &half);
    println!("f16 cache: losses differ from f32 by {diff:e}");
    assert!(diff <= 1e-3, "f16 cache moved the losses by {diff}");
}

#[test]
fn a_hugging_face_classifier_head_runs_on_the_cls_pooler_or_is_refused() {
    let _turn = serial();
    let device = Device::flex();
    let files = Files::tiny(7);
    let cfg = tabtune::text::BertConfig::from_json(&files.config).expect("config");
    let h = cfg.hidden_size;
    // BertForSequenceClassification's files: pooler.dense + classifier, id2label, no tabtune key
    let mut tensors: Vec<(String, Vec<usize>, Vec<f32>)> = {
        let st = safetensors::SafeTensors::deserialize(&files.weights).expect("weights");
        st.tensors().into_iter().map(|(n, v)| (n, v.shape().to_vec(), v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())).collect()
    };
    let wave = |n: usize, k: f32| (0..n).map(|i| ((i as f32 * k).sin()) * 0.3).collect::<Vec<f32>>();
    tensors.push(("pooler.dense.weight".into(), vec![h, h], wave(h * h, 0.7)));
    tensors.push(("pooler.dense.bias".into(), vec![h], wave(h, 1.3)));
    tensors.push(("classifier.weight".into(), vec![2, h], wave(2 * h, 0.9)));
    tensors.push(("classifier.bias".into(), vec![2], vec![0.1, -0.1]));
    let with_pooler = export::to_safetensors(tensors.clone(), Default::default()).expect("bytes");
    let mut config: serde_json::Value = serde_json::from_slice(&files.config).expect("json");
    config["id2label"] = serde_json::json!({ "0": "neg", "1": "pos" });
    config["architectures"] = serde_json::json!(["BertForSequenceClassification"]);
    let config = serde_json::to_vec(&config).expect("json");
    let load = |w: &[u8]| Model::load(&tabtune::ModelFiles { config: &config, weights: w, tokenizer: &files.tokenizer }, &device);

    let model = load(&with_pooler).expect("loads");
    assert!(matches!(model.pooling, tabtune::text::Pooling::ClsPooler(_)));
    let texts = ["a fine film", "it was dull and far too long"];
    let got = block_on(infer::text::logits(&model, &texts, 16, &device)).expect("logits");
    // by hand: logits = classifier(tanh(pooler(h[CLS])))
    let enc = model.tokenizer.encode(&texts, 16).expect("tokens");
    for (i, e) in enc.iter().enumerate() {
        let p = tabtune::text::tokenize::pad(&[&e.ids[..]]);
        let (ids, mask) = p.tensors(&device);
        let hidden = read(model.encoder.forward(ids, mask));
        let cls = &hidden[..h];
        let (pw, pb) = (&tensors[tensors.len() - 4].2, &tensors[tensors.len() - 3].2);
        let pooled: Vec<f32> = (0..h).map(|o| (pb[o] + (0..h).map(|k| pw[o * h + k] * cls[k]).sum::<f32>()).tanh()).collect();
        let (cw, cb) = (&tensors[tensors.len() - 2].2, &tensors[tensors.len() - 1].2);
        let want: Vec<f32> = (0..2).map(|c| cb[c] + (0..h).map(|k| cw[c * h + k] * pooled[k]).sum::<f32>()).collect();
        let diff = max_abs_diff(&got[i], &want);
        assert!(diff <= 1e-5, "text {i}: logits {:?} vs by hand {want:?}", got[i]);
    }
    // a head with no pooler and no tabtune.pooling cannot be run the way it was trained
    let no_pooler = export::to_safetensors(tensors[..tensors.len() - 4].iter().chain(&tensors[tensors.len() - 2..]).cloned().collect(), Default::default()).expect("bytes");
    let err = load(&no_pooler).err().expect("refused");
    assert!(err.to_string().contains("pool"), "{err}");
}

#[test]
fn max_len_past_the_position_table_is_an_error_everywhere() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(8).load(&device); // max_position_embeddings 128
    let (_, model) = train(base.clone(), &toy(20), RunConfig { epochs: 1, ..cfg() });
    let long = "word ".repeat(2000);
    for r in [
        block_on(infer::predict(&AnyModel::Text(model.clone()), Inputs::Texts(&[long.as_str()]), Some(1000), &device)).map(|_| ()),
        block_on(infer::embed(&model, &[long.as_str()], 1000, &device)).map(|_| ()),
        block_on(infer::evaluate(&AnyModel::Text(model.clone()), DataRef::Text(&toy(10)), Some(1000), &device)).map(|_| ()),
    ] {
        let err = r.err().expect("refused");
        assert!(err.to_string().contains("max_len = 1000 must be between 3 and 128"), "{err}");
    }
    let err = Trainer::new(base, &toy(10), RunConfig { max_len: 1000, ..cfg() }, &device).err().expect("refused");
    assert!(err.to_string().contains("max_position_embeddings"), "{err}");
}

#[test]
fn the_cli_resumes_from_its_checkpoint_dir_to_the_same_model() {
    let _turn = serial();
    let tmp = tempfile::tempdir().expect("tmp");
    let model = tiny_model_dir(tmp.path());
    let data = tmp.path().join("toy.csv");
    std::fs::write(&data, toy_csv(40)).expect("write");
    let p = |x: &std::path::Path| x.to_str().expect("utf-8 path").to_string();
    let ckpt = tmp.path().join("ckpt");
    let run = |out: &str, extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec!["train", "--model", &p(&model), "--data", &p(&data), "--layers", "1", "--epochs", "3", "--lr", "1e-2",
            "--batch-size", "8", "--max-len", "16", "--dropout", "0.2"].into_iter().map(String::from).collect::<Vec<_>>();
        args.extend(["--out".to_string(), p(&out), "--checkpoint".to_string(), p(&ckpt)]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let (ok, stdout, stderr) = tabtune(&args.iter().map(String::as_str).collect::<Vec<_>>());
        (ok, stdout, stderr, std::fs::read(out.join("model.safetensors")).unwrap_or_default())
    };
    let (ok, stdout, stderr, first) = run("a", &[]);
    assert!(ok && stdout.lines().count() == 3, "{stderr}");
    assert!(ckpt.join("checkpoint.safetensors").is_file(), "the epoch-2 checkpoint is kept");
    // as if the first run had died after epoch 2: the same command finishes it from there
    let (ok, stdout, stderr, resumed) = run("b", &[]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("resuming from") && stderr.contains("at step"), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only epoch 3 runs again: {stdout}");
    assert!(first == resumed, "the resumed run writes the same model");
    let (ok, _, stderr, _) = run("c", &["--seed", "1"]);
    assert!(!ok && stderr.contains("other settings"), "{stderr}");
}

#[test]
fn a_fine_tuned_model_is_named_by_its_weights() {
    let _turn = serial();
    let device = Device::flex();
    let base = Files::tiny(4).load(&device);
    let data = toy(40);
    let (_, a) = train(base.clone(), &data, cfg());
    let (_, again) = train(base.clone(), &data, cfg());
    // the same length on the same rows, another learning rate: other weights, another model
    let (_, b) = train(base, &data, RunConfig { lr: 5e-3, ..cfg() });
    assert_eq!(a.fingerprint, again.fingerprint, "the same weights, the same name");
    assert_ne!(block_on(weights(&a)), block_on(weights(&b)));
    assert_ne!(a.fingerprint, b.fingerprint, "two runs of the same length on the same rows are two models");
}
