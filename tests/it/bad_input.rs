//! Bad input gets a clear error naming the problem and a non-zero exit — never a panic.

use std::path::Path;

use burn::prelude::*;
use crate::common::*;
use tabtune::{RunConfig, Trainer};

fn p(x: &Path) -> String {
    x.to_str().expect("utf-8 path").to_string()
}

/// `tabtune train` on `data` with `model`; must fail with every `expect`ed phrase in stderr.
fn train_fails(model: &Path, data: &[u8], extra: &[&str], expect: &[&str]) {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("data.csv");
    std::fs::write(&file, data).expect("write");
    let out = tmp.path().join("out");
    let (m, f, o) = (p(model), p(&file), p(&out));
    let mut args = vec!["train", "--model", &m, "--data", &f, "--out", &o, "--epochs", "1"];
    args.extend_from_slice(extra);
    let (ok, _, stderr) = tabtune(&args);
    assert!(!ok, "expected a failure for {:?}", String::from_utf8_lossy(data));
    assert!(!stderr.contains("panicked"), "it panicked: {stderr}");
    for e in expect {
        assert!(stderr.contains(e), "stderr should mention {e:?}: {stderr}");
    }
    assert!(!out.exists(), "nothing is written on failure");
}

#[test]
fn bad_data_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let model = tiny_model_dir(tmp.path());
    train_fails(&model, b"", &[], &["empty"]);
    train_fails(&model, b"text,label\n", &[], &["no data rows"]);
    train_fails(&model, b"text,label\na,1\nb,2\n", &["--label-column", "nope"], &["'nope' not found", "text, label"]);
    train_fails(&model, b"text\nhello\nworld\n", &[], &["only one column", "a label column"]);
    train_fails(&model, b"text,label\na,pos\nb,pos\nc,pos\n", &[], &["only one class", "pos"]);
    train_fails(&model, b"text,label\na,pos\nb,\nc,neg\n", &[], &["blank", "line 3"]);
    train_fails(&model, b"text,label\nok,pos\n\xff\xfe bad,neg\n", &[], &["not UTF-8", "line 3"]);
    train_fails(&model, b"text,label\n\"good movie,pos\nbad,neg\nfine,pos\n", &[], &["quote", "line 2"]);
    train_fails(&model, toy_csv(20).as_bytes(), &["--layers", "9"], &["layers = 9", "2 encoder layers"]);
    train_fails(&model, toy_csv(20).as_bytes(), &["--lr=-1"], &["lr = -1 is not a usable learning rate"]);
}

#[test]
fn bad_model_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let good = tiny_model_dir(tmp.path());
    let data = toy_csv(20);
    let variant = |name: &str, file: &str, bytes: &[u8]| {
        let d = tmp.path().join(name);
        std::fs::create_dir_all(&d).expect("mkdir");
        for f in ["config.json", "model.safetensors", "tokenizer.json"] {
            std::fs::copy(good.join(f), d.join(f)).expect("copy");
        }
        std::fs::write(d.join(file), bytes).expect("write");
        d
    };
    let weights = std::fs::read(good.join("model.safetensors")).expect("weights");
    let truncated = variant("truncated", "model.safetensors", &weights[..weights.len() / 2]);
    train_fails(&truncated, data.as_bytes(), &[], &["model.safetensors", "truncated or corrupt"]);
    let corrupt = variant("corrupt", "model.safetensors", b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all");
    train_fails(&corrupt, data.as_bytes(), &[], &["model.safetensors", "not valid safetensors"]);

    let config = String::from_utf8(std::fs::read(good.join("config.json")).expect("config")).expect("utf-8");
    let wider = variant("wider", "config.json", config.replace("\"hidden_size\":32", "\"hidden_size\":64").as_bytes());
    train_fails(&wider, data.as_bytes(), &[], &["embeddings.word_embeddings.weight", "[30522, 32]", "[30522, 64]"]);
    let deeper = variant("deeper", "config.json", config.replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":3").as_bytes());
    train_fails(&deeper, data.as_bytes(), &[], &["missing tensor 'encoder.layer.2."]);
    let not_json = variant("notjson", "config.json", b"<html>404</html>");
    train_fails(&not_json, data.as_bytes(), &[], &["config.json", "not a BERT config"]);

    // burn's Dropout panics at p ≥ 1: a config.json that asks for it is an error, not a crash
    let dropout = variant("dropout", "config.json", config.replace("\"hidden_dropout_prob\":0.0", "\"hidden_dropout_prob\":1.5").as_bytes());
    train_fails(&dropout, data.as_bytes(), &[], &["config.json", "hidden_dropout_prob"]);

    let tok = variant("tok", "tokenizer.json", br#"{"hello": "world"}"#);
    train_fails(&tok, data.as_bytes(), &[], &["tokenizer.json", "not a Hugging Face tokenizer"]);
    let missing = tmp.path().join("empty-dir");
    std::fs::create_dir_all(&missing).expect("mkdir");
    train_fails(&missing, data.as_bytes(), &[], &["has no config.json", "Hugging Face layout"]);
}

#[test]
fn max_len_past_the_position_table_is_an_error_in_every_command() {
    let tmp = tempfile::tempdir().expect("tmp");
    let model = tiny_model_dir(tmp.path()); // max_position_embeddings 128
    let data = tmp.path().join("toy.csv");
    std::fs::write(&data, toy_csv(20)).expect("write");
    let texts = tmp.path().join("texts.txt");
    std::fs::write(&texts, format!("{}\nshort\n", "a very long text ".repeat(400))).expect("write");
    let tuned = tmp.path().join("tuned");
    let (m, d, t, o) = (p(&model), p(&data), p(&texts), p(&tuned));
    let (ok, _, stderr) = tabtune(&["train", "--model", &m, "--data", &d, "--out", &o, "--epochs", "1", "--max-len", "16"]);
    assert!(ok, "{stderr}");
    for args in [
        vec!["predict", "--model", &o, "--input", &t, "--max-len", "1000"],
        vec!["embed", "--model", &m, "--input", &t, "--max-len", "1000"],
        vec!["eval", "--model", &o, "--data", &d, "--max-len", "1000"],
        vec!["train", "--model", &m, "--data", &d, "--out", &o, "--max-len", "1000"],
    ] {
        let (ok, _, stderr) = tabtune(&args);
        assert!(!ok && !stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("max_len = 1000 must be between 3 and 128"), "{args:?}: {stderr}");
    }
}

/// A run whose training step would not fit its memory is refused before it starts, with the
/// numbers and the largest batch that fits (in the tab a step past wasm32's 4 GB traps the engine).
#[test]
fn a_step_past_its_memory_budget_is_refused_with_the_batch_that_fits() {
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let cfg = RunConfig { layers: 2, batch_size: 512, max_len: 64, step_budget_mb: Some(1), ..Default::default() };
    let err = Trainer::new(model.clone(), &toy(600), cfg.clone(), &device).err().expect("refused");
    let msg = err.to_string();
    assert!(msg.starts_with("batch_size = 512 with rows of up to") && msg.contains("more than the 1 MB this run may use"), "{msg}");
    let fits: usize = msg.split("use batch_size ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).expect("a batch size that fits");
    assert!(fits < 512, "{msg}");
    // the batch it names fits, and one more does not
    assert!(Trainer::new(model.clone(), &toy(600), RunConfig { batch_size: fits, ..cfg.clone() }, &device).is_ok(), "batch_size {fits} is refused too");
    assert!(Trainer::new(model, &toy(600), RunConfig { batch_size: fits + 1, ..cfg }, &device).is_err());
}
