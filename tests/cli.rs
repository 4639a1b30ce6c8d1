//! The CLI end to end on the tiny random BERT: train writes a model folder that eval, predict
//! and embed load; what it exports loads back and gives the same outputs.
mod common;

use burn::prelude::*;
use common::*;
use futures_lite::future::block_on;
use serde_json::Value;
use tabtune::{Model, ModelFiles, export, infer};

fn lines(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"))).collect()
}

#[test]
fn train_eval_predict_embed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let model = tiny_model_dir(tmp.path());
    let data = tmp.path().join("toy.csv");
    std::fs::write(&data, toy_csv(60)).expect("write");
    let out = tmp.path().join("out");
    let p = |x: &std::path::Path| x.to_str().expect("utf-8 path").to_string();

    let (ok, stdout, stderr) = tabtune(&[
        "train", "--model", &p(&model), "--data", &p(&data), "--out", &p(&out),
        "--layers", "2", "--epochs", "8", "--lr", "1e-2", "--batch-size", "8", "--max-len", "16", "--val-split", "0.2",
    ]);
    assert!(ok, "train failed: {stderr}");
    assert!(stderr.contains("text column 'text', label column 'label' (inferred)"), "{stderr}");
    let epochs = lines(&stdout);
    assert_eq!(epochs.len(), 8, "one JSON line per epoch: {stdout}");
    for (i, e) in epochs.iter().enumerate() {
        assert_eq!(e["epoch"], i + 1);
        for k in ["train_loss", "val_loss", "val_acc", "val_macro_f1", "samples_per_s"] {
            assert!(e[k].as_f64().is_some_and(f64::is_finite), "{k} missing in {e}");
        }
    }
    let first = epochs[0]["train_loss"].as_f64().expect("loss");
    let last = epochs[7]["train_loss"].as_f64().expect("loss");
    assert!(last < first, "train loss did not fall: {first} → {last}");

    let config: Value = serde_json::from_slice(&std::fs::read(out.join("config.json")).expect("config")).expect("json");
    assert_eq!(config["id2label"], serde_json::json!({"0": "neg", "1": "pos"}));
    assert_eq!(config["label2id"], serde_json::json!({"neg": 0, "pos": 1}));

    let (ok, stdout, stderr) = tabtune(&["eval", "--model", &p(&out), "--data", &p(&data)]);
    assert!(ok, "eval failed: {stderr}");
    let m = &lines(&stdout)[0];
    assert_eq!(m["n"], 60);
    assert!(m["acc"].as_f64().expect("acc") >= 0.9, "the toy data is easy: {m}");
    assert_eq!(m["confusion"].as_array().expect("confusion").len(), 2);
    assert_eq!(m["per_class"].as_array().expect("per_class").len(), 2);

    let texts = tmp.path().join("texts.txt");
    std::fs::write(&texts, "a great film\na dull film\n").expect("write");
    let (ok, stdout, stderr) = tabtune(&["predict", "--model", &p(&out), "--input", &p(&texts)]);
    assert!(ok, "predict failed: {stderr}");
    let preds = lines(&stdout);
    assert_eq!(preds.len(), 2);
    for pr in &preds {
        let probs = pr["probs"].as_object().expect("probs");
        let sum: f64 = probs.values().map(|v| v.as_f64().expect("p")).sum();
        assert!((sum - 1.0).abs() < 1e-4, "probabilities sum to {sum}");
        assert!(probs.contains_key(pr["label"].as_str().expect("label")));
    }

    let (ok, stdout, stderr) = tabtune(&["embed", "--model", &p(&model), "--input", &p(&texts)]);
    assert!(ok, "embed failed: {stderr}");
    for e in lines(&stdout) {
        let v: Vec<f64> = e["embedding"].as_array().expect("embedding").iter().map(|x| x.as_f64().expect("f")).collect();
        assert_eq!(v.len(), 32);
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "embedding norm {norm}");
    }
}

#[test]
fn export_round_trips() {
    let device = Device::flex();
    let files = Files::tiny(3);
    let mut model = files.load(&device);
    model.head = Some(burn::nn::LinearConfig::new(32, 3).init(&device));
    model.config.set_labels(&["a".into(), "b".into(), "c".into()]);
    // what a tabtune model declares: a head without it would be refused (its pooling unknown)
    model.config.extra.insert("tabtune".into(), serde_json::json!({ "pooling": "mean" }));
    let texts = ["one text", "and another, longer text"];
    let before = block_on(infer::logits(&model, &texts, 16, &device)).expect("logits");
    let exported = block_on(export::export(&model)).expect("exports");
    let back = Model::load(&ModelFiles { config: &exported.config, weights: &exported.weights, tokenizer: &exported.tokenizer }, &device)
        .expect("the export loads");
    assert_eq!(back.labels(), Some(vec!["a".into(), "b".into(), "c".into()]));
    let after = block_on(infer::logits(&back, &texts, 16, &device)).expect("logits");
    let flat = |v: &Vec<Vec<f32>>| v.concat();
    assert_eq!(flat(&before), flat(&after), "exported weights differ");
}

#[test]
fn bench_prints_figures() {
    let (ok, stdout, stderr) = tabtune(&["bench", "--batch-size", "2", "--seq-len", "8", "--steps", "1"]);
    assert!(ok, "bench failed: {stderr}");
    let r = &lines(&stdout)[0];
    for k in ["train_samples_per_s", "train_cached_samples_per_s", "infer_samples_per_s"] {
        assert!(r[k].as_f64().is_some_and(|v| v > 0.0), "{k} in {r}");
    }
}
