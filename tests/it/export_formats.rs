//! The export formats on the tiny random BERT (flex): a `pooling: cls` run trains BERT's pooler,
//! exports as an exact BertForSequenceClassification (its tensor names and config fields),
//! reloads as a [CLS]-pooled model that predicts the same, and resumes from a checkpoint exactly;
//! the sentence-transformers folder has its files and its weights reload to the same embeddings.
//! The libraries themselves load these in scripts/check-exports (PyTorch is too big for CI).

use std::collections::HashMap;

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use serde_json::Value;
use tabtune::kind::AnyModel;
use tabtune::export::{self, ExportedFiles};
use tabtune::text::Pooling;
use tabtune::run::{CacheDtype, Init, PoolingKind, Strategy};
use tabtune::{Model, ModelFiles, RunConfig, Trainer, infer};

fn cls_cfg() -> RunConfig {
    RunConfig {
        layers: 1, epochs: 2, lr: 1e-2, batch_size: 8, max_len: 16, val_split: 0.25, dropout: 0.2,
        cache_dtype: CacheDtype::F32, pooling: PoolingKind::Cls, ..Default::default()
    }
}

/// The tiny model with a `pooler.dense` as BERT checkpoints have (random, seeded).
fn tiny_with_pooler(seed: u64) -> Files {
    let mut files = Files::tiny(seed);
    let st = safetensors::SafeTensors::deserialize(&files.weights).expect("tiny weights");
    let mut named: Vec<(String, Vec<usize>, Vec<f32>)> = st
        .tensors()
        .into_iter()
        .map(|(n, v)| (n, v.shape().to_vec(), v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()))
        .collect();
    let h = 32;
    let w: Vec<f32> = (0..h * h).map(|i| ((i * 7919 + seed as usize) % 97) as f32 / 97.0 - 0.5).collect();
    named.push(("pooler.dense.weight".into(), vec![h, h], w));
    named.push(("pooler.dense.bias".into(), vec![h], (0..h).map(|i| i as f32 / 100.0 - 0.15).collect()));
    files.weights = export::to_safetensors(named, HashMap::new()).expect("weights");
    files
}

fn load(files: &ExportedFiles, device: &Device) -> Model {
    Model::load(&ModelFiles { config: &files.config, weights: &files.weights, tokenizer: files.tokenizer.as_deref().expect("a tokenizer") }, device).expect("the export loads")
}

fn pooler_weight(model: &Model) -> Vec<f32> {
    match &model.pooling {
        Pooling::ClsPooler(p) => read(p.weight.val()),
        Pooling::Mean => panic!("the model pools with the mean, not BERT's pooler"),
    }
}

const TEXTS: [&str; 3] = ["a great film", "truly awful, boring and dull", "lovely"];

#[test]
fn a_cls_run_trains_the_pooler_and_exports_a_bert_for_sequence_classification() {
    let _turn = serial();
    let device = Device::flex();
    let base = tiny_with_pooler(3).load(&device);
    let base_pooler = read(base.pooler.as_ref().expect("the file's pooler is kept").weight.val());
    let mut t = Trainer::new(base, &toy(40), cls_cfg(), &device).expect("trainer");
    let groups: Vec<&str> = t.info().param_groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["encoder.layer.1", "head", "pooler"]);
    drive(&mut t, None);
    let tuned = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");
    assert_ne!(pooler_weight(&tuned), base_pooler, "the pooler trains with the head");
    let before = block_on(infer::text::logits(&tuned, &TEXTS, 16, &device)).expect("logits");
    // continuing it needs the pooling its head was trained with
    let again = |pooling| Trainer::new(tuned.clone(), &toy(40), RunConfig { init: Init::Continue, pooling, ..cls_cfg() }, &device);
    assert!(again(PoolingKind::Cls).is_ok(), "continue with cls");
    let err = again(PoolingKind::Mean).err().expect("refused");
    assert!(err.to_string().contains("set pooling cls"), "{err}");

    let files = block_on(export::export(&AnyModel::Text(tuned.clone()))).expect("exports");
    let back = load(&files, &device);
    assert_eq!(pooler_weight(&back), pooler_weight(&tuned), "it reloads as a [CLS]-pooled model");
    let after = block_on(infer::text::logits(&back, &TEXTS, 16, &device)).expect("logits");
    assert_eq!(before.concat(), after.concat(), "the reloaded export predicts the same");
    // its tokenizer.json cuts texts where the run did (max_len 16) and pads nothing, so a library
    // reading the file tokenizes long texts as `predict` does
    let tok: serde_json::Value = serde_json::from_slice(files.tokenizer.as_deref().expect("a tokenizer")).expect("json");
    assert_eq!(tok["truncation"]["max_length"], 16, "{}", tok["truncation"]);
    assert!(tok["padding"].is_null(), "{}", tok["padding"]);

    // what transformers' BertForSequenceClassification holds and reads
    let st = safetensors::SafeTensors::deserialize(&files.weights).expect("weights");
    let names: Vec<String> = st.names().into_iter().map(String::from).collect();
    for name in ["bert.embeddings.word_embeddings.weight", "bert.encoder.layer.1.output.dense.weight", "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"] {
        assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
    }
    let stray: Vec<&String> = names.iter().filter(|n| !n.starts_with("bert.") && !n.starts_with("classifier.")).collect();
    assert!(stray.is_empty(), "tensors outside bert.* and classifier.*: {stray:?}");
    assert_eq!(st.tensor("classifier.weight").expect("head").shape(), [2, 32], "HF layout [classes, hidden]");
    let config: Value = serde_json::from_slice(&files.config).expect("config.json");
    assert_eq!(config["architectures"], serde_json::json!(["BertForSequenceClassification"]));
    assert_eq!(config["problem_type"], "single_label_classification");
    assert_eq!(config["id2label"], serde_json::json!({ "0": "neg", "1": "pos" }));
    assert_eq!(config["label2id"], serde_json::json!({ "neg": 0, "pos": 1 }));
    let tok = files.extra.iter().find(|(n, _)| n == "tokenizer_config.json").expect("tokenizer_config.json");
    let tok: Value = serde_json::from_slice(&tok.1).expect("json");
    assert_eq!((tok["do_lower_case"].as_bool(), tok["model_max_length"].as_u64()), (Some(true), Some(16)));
}

#[test]
fn a_cls_run_resumed_from_a_checkpoint_ends_where_an_uninterrupted_run_ends() {
    let _turn = serial();
    let device = Device::flex();
    let base = tiny_with_pooler(4).load(&device);
    let data = toy(40);
    let mut full = Trainer::new(base.clone(), &data, cls_cfg(), &device).expect("trainer");
    let losses = drive(&mut full, None);
    let uninterrupted = block_on(full.into_model()).and_then(AnyModel::into_text).expect("model");
    // 30 train rows / 8 = 4 steps an epoch: stop mid-epoch 2
    let mut t = Trainer::new(base.clone(), &data, cls_cfg(), &device).expect("trainer");
    let before = drive(&mut t, Some(5));
    let bytes = block_on(t.checkpoint(true)).expect("checkpoint");
    drop(t);
    let mut resumed = Trainer::resume(base.clone(), &data, &bytes, &device).expect("resumes");
    let after = drive(&mut resumed, None);
    assert_eq!([before, after].concat(), losses, "losses after the stop");
    let resumed = block_on(resumed.into_model()).and_then(AnyModel::into_text).expect("model");
    assert_eq!(pooler_weight(&resumed), pooler_weight(&uninterrupted), "the pooler and its optimizer state cross the checkpoint");
    // a finished run's checkpoint applied to the base is the [CLS]-pooled model
    let mut t = Trainer::new(base.clone(), &data, cls_cfg(), &device).expect("trainer");
    drive(&mut t, None);
    let saved = block_on(t.checkpoint(false)).expect("checkpoint");
    let applied = tabtune::checkpoint::apply(base, &saved, &device).and_then(AnyModel::into_text).expect("applies");
    assert_eq!(pooler_weight(&applied), pooler_weight(&uninterrupted));
}

#[test]
fn cls_pooling_is_refused_where_it_cannot_work() {
    let device = Device::flex();
    let no_pooler = Files::tiny(3).load(&device);
    let err = Trainer::new(no_pooler, &toy(40), cls_cfg(), &device).err().expect("refused");
    assert!(err.to_string().contains("pooler.dense"), "{err}");
    let contrastive = RunConfig { strategy: Strategy::Contrastive, ..cls_cfg() };
    let err = Trainer::new(tiny_with_pooler(3).load(&device), &toy(40), contrastive, &device).err().expect("refused");
    assert!(err.to_string().contains("pooling cls is for strategy standard"), "{err}");
    let err = RunConfig::from_json(r#"{"pooling": "max"}"#).err().expect("refused");
    assert!(err.to_string().contains("pooling") && err.to_string().contains("cls"), "{err}");
}

#[test]
fn the_sentence_transformers_folder_has_its_files_and_embeds_as_tabtune_embed() {
    let _turn = serial();
    let device = Device::flex();
    let cfg = RunConfig { pooling: PoolingKind::Mean, ..cls_cfg() };
    let mut t = Trainer::new(tiny_with_pooler(5).load(&device), &toy(40), cfg, &device).expect("trainer");
    drive(&mut t, None);
    let tuned = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");
    let files = block_on(export::sentence_transformers(&tuned)).expect("exports");
    let names: Vec<&str> = files.all().into_iter().map(|(n, _)| n).collect();
    for want in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json", "1_Pooling/config.json", "config_sentence_transformers.json", "sentence_bert_config.json"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let json = |name: &str| -> Value { serde_json::from_slice(files.all().into_iter().find(|(n, _)| *n == name).expect("file").1).expect("json") };
    let modules: Vec<String> = json("modules.json").as_array().expect("list").iter().map(|m| m["type"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(modules, ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"]);
    let pooling = json("1_Pooling/config.json");
    assert_eq!((pooling["pooling_mode_mean_tokens"].as_bool(), pooling["pooling_mode_cls_token"].as_bool()), (Some(true), Some(false)));
    assert_eq!(pooling["word_embedding_dimension"], 32);
    assert_eq!(json("sentence_bert_config.json")["max_seq_length"], 16, "truncates where tabtune embed does");
    // the weights reload: an embedding model (no head) giving tabtune embed's vectors
    let back = load(&files, &device);
    assert!(back.head.is_none(), "sentence-transformers embeds: the head is left out");
    let want = block_on(infer::embed(&tuned, &TEXTS, 16, &device)).expect("embed");
    let got = block_on(infer::embed(&back, &TEXTS, 16, &device)).expect("embed");
    assert_eq!(want.concat(), got.concat());
}

#[test]
fn the_cli_writes_each_folder_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let model = tiny_model_dir(dir.path());
    let model = model.to_str().expect("utf-8 path");
    let out = dir.path().join("st");
    let (ok, _, stderr) = tabtune(&["export", "--model", model, "--format", "sentence-transformers", "--out", out.to_str().expect("path")]);
    assert!(ok, "{stderr}");
    for f in ["modules.json", "1_Pooling/config.json", "2_Normalize/config.json", "model.safetensors"] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    let out = dir.path().join("hf");
    let (ok, _, stderr) = tabtune(&["export", "--model", model, "--format", "hf", "--out", out.to_str().expect("path")]);
    assert!(ok, "{stderr}");
    assert!(out.join("tokenizer_config.json").is_file());
}
