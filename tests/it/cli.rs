//! The CLI end to end on the tiny random BERT: train writes a model folder that eval, predict
//! and embed load; what it exports loads back and gives the same outputs.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use serde_json::Value;
use tabtune::kind::AnyModel;
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
        assert!(e["padding_share"].as_f64().is_some_and(|s| (0.0..1.0).contains(&s)), "padding_share in {e}");
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
    let before = block_on(infer::text::logits(&model, &texts, 16, &device)).expect("logits");
    let exported = block_on(export::export(&AnyModel::Text(model.clone()))).expect("exports");
    let back = Model::load(&ModelFiles { config: &exported.config, weights: &exported.weights, tokenizer: exported.tokenizer.as_deref().expect("a tokenizer") }, &device)
        .expect("the export loads");
    assert_eq!(back.labels(), Some(vec!["a".into(), "b".into(), "c".into()]));
    let after = block_on(infer::text::logits(&back, &texts, 16, &device)).expect("logits");
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

/// Runs `tabtune train` on the toy data with `extra` arguments, expecting a refusal; returns its
/// message, which must be one line and the last on stderr (notes about the data may come first).
fn refusal(dir: &std::path::Path, data: &str, extra: &[&str]) -> String {
    let (model, file, out) = (dir.join("tiny"), dir.join("data.csv"), dir.join("out"));
    std::fs::write(&file, data).expect("write");
    let p = |x: &std::path::Path| x.to_str().expect("utf-8 path").to_string();
    let (m, f, o) = (p(&model), p(&file), p(&out));
    let mut args = vec!["train", "--model", &m, "--data", &f, "--out", &o, "--epochs", "1", "--max-len", "16"];
    args.extend_from_slice(extra);
    let (ok, _, stderr) = tabtune(&args);
    assert!(!ok && !out.exists(), "{extra:?} should be refused: {stderr}");
    assert!(!stderr.contains("panicked"), "{extra:?} panicked: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{extra:?}: one error line expected: {stderr}");
    assert_eq!(stderr.trim_end().lines().last(), Some(errors[0]), "{extra:?}: the error is not one line: {stderr}");
    errors[0].to_string()
}

/// Each case: the flags, the same settings as `--config` JSON, and phrases the message must hold
/// (the key, and what would work).
type Case = (&'static [&'static str], &'static str, &'static [&'static str]);

/// Every case is refused from flags and from `--config` with the same line: the CLI sends the
/// JSON the page sends to the same parser and checks.
fn refused_alike(data: &str, cases: &[Case]) {
    let tmp = tempfile::tempdir().expect("tmp");
    tiny_model_dir(tmp.path());
    let config = tmp.path().join("run.json");
    let c = config.to_str().expect("utf-8 path");
    for (flags, json, says) in cases {
        let from_flags = refusal(tmp.path(), data, flags);
        for s in *says {
            assert!(from_flags.contains(s), "{flags:?}: the message should say {s:?}: {from_flags}");
        }
        std::fs::write(&config, json).expect("write");
        assert_eq!(refusal(tmp.path(), data, &["--config", c]), from_flags, "{json} through --config");
    }
}

#[test]
fn bad_settings_are_refused_alike_from_flags_and_config() {
    refused_alike(&toy_csv(20), &[
        (&["--lr", "-1"], r#"{"lr": -1}"#, &["lr = -1", "1e-4"]),
        (&["--optimizer", "adamax"], r#"{"optimizer": "adamax"}"#, &["optimizer", "`adamax`", "`adamw`", "`sgd`"]),
        (&["--optimizer", "sgd", "--nesterov"], r#"{"optimizer": "sgd", "nesterov": true}"#, &["nesterov", "momentum"]),
        (&["--patience", "0"], r#"{"patience": 0}"#, &["patience = 0", "1 or more"]),
        (&["--schedule", "cosin"], r#"{"schedule": "cosin"}"#, &["schedule", "`cosin`", "`cosine`"]),
    ]);
}

/// These need the data: the trainer calls `RunConfig::check_task` and the data layer reads the
/// labels as numbers for regression.
#[test]
fn settings_that_do_not_fit_the_data_are_refused() {
    refused_alike(&toy_csv(20), &[
        (&["--class-weights", "nosuch=2"], r#"{"class_weights": {"nosuch": 2}}"#, &["class_weights", "'nosuch'", "neg, pos"]),
        (&["--task", "regression"], r#"{"task": "regression"}"#, &["regression"]),
    ]);
}

/// README's "Settings" table: one row per RunConfig key with its flag and its actual default,
/// and every flag exists in `tabtune train --help`.
#[test]
fn readme_settings_table_matches_run_config() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme.split("\n## Settings").nth(1).expect("README has a Settings section");
    let section = section.split("\n## ").next().unwrap_or(section);
    // a cell may hold `\|`, which is not a column break
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.replace("\\|", "\u{0}").split('|').map(|c| c.trim().replace('\u{0}', "|")).collect())
        .collect();
    let (ok, help, stderr) = tabtune(&["train", "--help"]);
    assert!(ok, "{stderr}");
    let defaults = serde_json::to_value(tabtune::RunConfig::default()).expect("serializes");
    let defaults = defaults.as_object().expect("an object");
    assert_eq!(rows.len(), defaults.len(), "one row per key: {:?}", rows.iter().map(|r| &r[1]).collect::<Vec<_>>());
    for (key, value) in defaults {
        let row = rows.iter().find(|r| r[1] == format!("`{key}`")).unwrap_or_else(|| panic!("no README row for {key}"));
        let flag = format!("--{}", key.replace('_', "-"));
        assert!(row[2].starts_with(&format!("`{flag}")), "{key}: flag cell {}", row[2]);
        assert!(help.contains(&format!("{flag} ")), "{flag} is not in tabtune train --help");
        let cell = &row[3];
        let shown = cell.strip_prefix('`').and_then(|c| c.split('`').next());
        let same = match (value, shown) {
            (Value::Null, _) => cell.starts_with('—'),
            (Value::String(s), Some(x)) => s == x,
            (Value::Number(n), Some(x)) => x.parse::<f64>().ok() == n.as_f64(),
            (v, Some(x)) => serde_json::from_str::<Value>(x).ok().as_ref() == Some(v),
            (_, None) => false,
        };
        assert!(same, "{key}: README says {cell}, RunConfig::default() has {value}");
    }
}
