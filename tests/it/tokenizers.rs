//! Tokenizer files other than the bundled models': a byte-pair-encoding (BPE) tokenizer.json with
//! BERT's template loads and trains like WordPiece and Unigram ones; one that adds no special
//! tokens is refused by name.
use burn::prelude::*;
use serde_json::{Value, json};
use tabtune::text::{Model, ModelFiles};
use tabtune::{RunConfig, Trainer};

use crate::common::*;

/// A small BPE tokenizer.json ("hello" and "world" merge to one piece each), BERT's template.
fn bpe(with_template: bool) -> Vec<u8> {
    let special = |id: u32, content: &str| json!({ "id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true });
    let piece = |id: &str| json!({ "SpecialToken": { "id": id, "type_id": 0 } });
    let template = json!({
        "type": "TemplateProcessing",
        "single": [piece("[CLS]"), { "Sequence": { "id": "A", "type_id": 0 } }, piece("[SEP]")],
        "pair": [piece("[CLS]"), { "Sequence": { "id": "A", "type_id": 0 } }, piece("[SEP]"), { "Sequence": { "id": "B", "type_id": 1 } }, { "SpecialToken": { "id": "[SEP]", "type_id": 1 } }],
        "special_tokens": { "[CLS]": { "id": "[CLS]", "ids": [1], "tokens": ["[CLS]"] }, "[SEP]": { "id": "[SEP]", "ids": [2], "tokens": ["[SEP]"] } }
    });
    let letters = ["h", "e", "l", "o", "w", "r", "d", "he", "ll", "hell", "hello", "wo", "wor", "worl", "world"];
    let mut vocab = serde_json::Map::new();
    for (i, t) in ["[PAD]", "[CLS]", "[SEP]", "[UNK]"].iter().chain(letters.iter()).enumerate() {
        vocab.insert((*t).into(), json!(i));
    }
    let file = json!({
        "version": "1.0", "truncation": null, "padding": null,
        "added_tokens": [special(0, "[PAD]"), special(1, "[CLS]"), special(2, "[SEP]"), special(3, "[UNK]")],
        "normalizer": { "type": "Lowercase" },
        "pre_tokenizer": { "type": "Whitespace" },
        "post_processor": if with_template { template } else { Value::Null },
        "decoder": null,
        "model": { "type": "BPE", "dropout": null, "unk_token": "[UNK]", "continuing_subword_prefix": null, "end_of_word_suffix": null,
                   "fuse_unk": false, "byte_fallback": false, "vocab": vocab,
                   "merges": ["h e", "l l", "he ll", "hell o", "w o", "wo r", "wor l", "worl d"] }
    });
    serde_json::to_vec(&file).expect("json")
}

#[test]
fn a_bpe_tokenizer_with_bert_s_template_trains_and_one_without_special_tokens_is_refused() {
    let _turn = serial();
    let device = Device::flex();
    let tiny = Files::tiny(3);
    let load = |tokenizer: &[u8]| Model::load(&ModelFiles { config: &tiny.config, weights: &tiny.weights, tokenizer }, &device);
    let model = load(&bpe(true)).expect("a BPE tokenizer.json with a template loads");
    let enc = model.tokenizer.encode(&["Hello world", "hello hello world world"], 16).expect("encodes");
    assert_eq!(enc[0].ids, [1, 14, 18, 2], "[CLS] hello world [SEP]");
    assert_eq!(enc[1].ids, [1, 14, 14, 18, 18, 2]);
    let csv: String = (0..12).map(|i| format!("{} world,{}\n", "hello ".repeat(1 + i % 3), ["a", "b"][i % 2])).collect();
    let opts = tabtune::data::DataOptions { format: Some(tabtune::data::Format::Csv), ..Default::default() };
    let data = tabtune::data::load(format!("text,label\n{csv}").as_bytes(), &opts).expect("data");
    let cfg = RunConfig { epochs: 1, layers: 1, batch_size: 4, val_split: 0.25, ..RunConfig::default() };
    let mut t = Trainer::new(model, &data, cfg, &device).expect("trainer");
    let losses = drive(&mut t, None);
    assert!(!losses.is_empty() && losses.iter().all(|l| l.is_finite()), "{losses:?}");

    let err = load(&bpe(false)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("no special tokens") && err.contains("[CLS]"), "{err}");
}
