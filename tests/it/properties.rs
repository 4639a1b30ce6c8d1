//! Property tests: whatever bytes a user hands over (data file, config.json, model.safetensors,
//! tokenizer.json, texts to encode), the answer is a value or an error with a message — never a
//! panic, which in the browser kills the worker without a word.
//!
//! Inputs are both arbitrary bytes (to reach the first checks) and near-valid files (valid ones
//! with a few bytes changed, or built from the right parts in the wrong shapes), which get past
//! those checks into the code behind them. Case counts keep the file under a few seconds in
//! release mode.
use std::sync::OnceLock;

use burn::prelude::*;
use proptest::prelude::*;
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use tabtune::data::{self, DataOptions, Format};
use tabtune::text::BertConfig;
use tabtune::text::random::{TINY_CONFIG, random_weights};
use tabtune::text::tokenize::TextTokenizer;
use tabtune::{Model, ModelFiles};

/// `cases` runs, and no `proptest-regressions/` files written into the source tree.
fn cases(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------- data files

/// Text made mostly of the characters CSV, TSV and JSONL give meaning to.
fn delimited_soup() -> impl Strategy<Value = String> {
    let chars = vec!['a', 'b', 'x', '1', '0', '"', ',', ';', '\t', '\n', '\r', ' ', '{', '}', ':', '[', 'é'];
    prop::collection::vec(prop::sample::select(chars), 0..300).prop_map(String::from_iter)
}

/// A header and rows of plausible values (some quoted, some multi-line, some blank), joined by
/// one delimiter, then a few characters inserted: close to real files, so parsing gets past
/// the first line and into column choice, cleaning and counting.
fn near_table() -> impl Strategy<Value = String> {
    let names = vec!["text", "label", "a", "b", "", " text ", "sentence", "y"];
    let values = vec!["pos", "neg", "1", "0", "good film", "\"a, b\"", "\"two\nlines\"", "x\"y", "neg;pos"];
    let blanks = vec!["", " ", "\"\""];
    let delimiter = prop::sample::select(vec![",", ";", "\t"]);
    let noise = prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!['"', ',', '\n', ';', '\t'])), 0..3);
    (1usize..5)
        .prop_flat_map(move |n| {
            let header = prop::sample::subsequence(names.clone(), n).prop_shuffle();
            let value = prop_oneof![12 => prop::sample::select(values.clone()), 1 => prop::sample::select(blanks.clone())];
            let row = prop::collection::vec(value, n);
            (header, prop::collection::vec(row, 0..12))
        })
        .prop_flat_map(move |table| (Just(table), delimiter.clone(), prop::option::weighted(0.5, noise.clone())))
        .prop_map(|((header, rows), d, noise)| {
            let mut text: String = std::iter::once(header)
                .chain(rows)
                .map(|fields| fields.join(d) + "\n")
                .collect();
            for (at, c) in noise.unwrap_or_default() {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert(i, c);
            }
            text
        })
}

/// JSON Lines of small objects, with a broken line now and then.
fn near_jsonl() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec!["text", "label", "t", " y"]);
    let value = prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        prop::sample::select(vec!["pos", "neg", "", "a b"]).prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::json!({"nested": [1, 2]})),
    ];
    let line = prop_oneof![
        8 => prop::collection::vec((key, value), 0..4).prop_map(|pairs| {
            let object: serde_json::Map<_, _> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            serde_json::Value::Object(object).to_string()
        }),
        1 => Just(String::new()),
        1 => prop::sample::select(vec!["[1, 2]", "{\"text\": ", "null", "\"s\""]).prop_map(str::to_owned),
    ];
    prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n"))
}

fn any_data() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        delimited_soup().prop_map(String::into_bytes),
        near_table().prop_map(String::into_bytes),
        near_jsonl().prop_map(String::into_bytes),
    ]
}

/// Every way the CLI and the page call the data loaders; each answer must be well formed.
fn check_data(bytes: &[u8], column: Option<&str>) {
    for format in [None, Some(Format::Csv), Some(Format::Tsv), Some(Format::Jsonl)] {
        let opts = DataOptions { format, text_column: column.map(str::to_owned), label_column: None };
        match data::load(bytes, &opts) {
            Ok(d) => {
                let dropped = d.dropped.empty_text + d.dropped.duplicate;
                assert_eq!(d.rows, d.used + dropped, "every row is used or dropped: {d:?}");
                assert_eq!(d.used, d.examples.len());
                assert!(d.classes.len() >= 2, "a dataset has two classes: {d:?}");
                assert_eq!(d.classes.iter().map(|(_, n)| n).sum::<usize>(), d.used);
                assert_ne!(d.text_column, d.label_column);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        match data::load_texts(bytes, format, column) {
            Ok(texts) => assert!(!texts.is_empty() && texts.iter().all(|t| !t.trim().is_empty())),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn data_loaders_never_panic(bytes in any_data(), column in prop::option::of(prop::sample::select(vec!["text", "label", "nope"]))) {
        check_data(&bytes, column);
    }
}

// ---------------------------------------------------------------- config.json

/// Numbers a config field could hold, from sane to hostile; JSON cannot carry NaN or infinity.
fn any_number() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (0u64..5).prop_map(serde_json::Value::from),
        prop::sample::select(vec![16u64, 32, 64, 128, 1 << 20, 1 << 40]).prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        prop::sample::select(vec![0.0, -0.0, 0.1, 0.5, 0.999, 1.0, 1.5, -1.0, 1e-12, 1e300, -1e300, f64::MIN_POSITIVE])
            .prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("JSON has no NaN or infinity", |x| x.is_finite()).prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::Value::from("12")),
    ]
}

const CONFIG_NUMBERS: [&str; 10] = [
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
    "type_vocab_size",
    "hidden_dropout_prob",
    "attention_probs_dropout_prob",
    "layer_norm_eps",
];

/// A config that loads must build every module without a panic: dropout and sizes.
fn check_config(bytes: &[u8]) {
    match BertConfig::from_json(bytes) {
        Ok(cfg) => {
            let _ = tabtune::text::bert::layer_dropouts(&cfg); // burn panics on p >= 1
            assert!(cfg.head_dim() > 0 && cfg.head_dim() * cfg.num_attention_heads == cfg.hidden_size);
            assert!(cfg.layer_norm_eps > 0.0 && cfg.layer_norm_eps.is_finite());
            for n in [cfg.vocab_size, cfg.num_hidden_layers, cfg.intermediate_size, cfg.max_position_embeddings, cfg.type_vocab_size] {
                assert!(n > 0);
            }
        }
        Err(e) => assert!(e.to_string().starts_with("config.json: "), "{e}"),
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn config_from_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_config(&bytes);
    }

    #[test]
    fn config_with_arbitrary_numbers_never_panics(
        values in prop::collection::vec((prop::bool::weighted(0.25), any_number()), CONFIG_NUMBERS.len())
    ) {
        let mut cfg: serde_json::Value = serde_json::from_str(TINY_CONFIG).expect("tiny config");
        for (field, (replace, value)) in CONFIG_NUMBERS.iter().zip(values) {
            if replace {
                cfg[*field] = value;
            }
        }
        check_config(&serde_json::to_vec(&cfg).expect("serializes"));
    }
}

// ---------------------------------------------------------------- model.safetensors

/// A small tokenizer.json with BERT's [CLS] … [SEP] template, so these cases do not need the
/// downloaded model.
const SMALL_TOKENIZER: &str = r#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
"normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":{"type":"TemplateProcessing",
"single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
"pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},
{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[3],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[4],"tokens":["[SEP]"]}}},
"decoder":null,"model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2,"[CLS]":3,"[SEP]":4},"unk_token":"[UNK]"}}"#;

/// The tiny model's valid weights, built once (about 4 MB).
fn tiny_weights() -> &'static [u8] {
    static WEIGHTS: OnceLock<Vec<u8>> = OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes()).expect("tiny config");
        random_weights(&cfg, 7).expect("random weights")
    })
}

fn check_weights(weights: &[u8]) {
    let files = ModelFiles { config: TINY_CONFIG.as_bytes(), weights, tokenizer: SMALL_TOKENIZER.as_bytes() };
    if let Err(e) = Model::load(&files, &Device::flex()) {
        assert!(e.to_string().starts_with("model.safetensors: "), "{e}");
    }
}

/// The valid file with a few bytes changed, mostly in its length prefix and JSON header
/// (where a change matters), then maybe cut short.
fn mutated_weights() -> impl Strategy<Value = Vec<u8>> {
    let header_end = 8 + u64::from_le_bytes(tiny_weights()[..8].try_into().expect("8 bytes")) as usize;
    let at = prop_oneof![4 => 0..header_end + 16, 1 => 0..tiny_weights().len()];
    let edits = prop::collection::vec((at, any::<u8>()), 1..6);
    (edits, prop::option::weighted(0.2, any::<prop::sample::Index>())).prop_map(|(edits, cut)| {
        let mut bytes = tiny_weights().to_vec();
        for (i, b) in edits {
            bytes[i] = b;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        bytes
    })
}

/// What happens to one tensor of the valid file when it is rebuilt.
#[derive(Clone, Debug)]
enum Change {
    Keep,
    Drop,
    Reshape(Vec<usize>),
    Retype(Dtype),
    Rename(&'static str),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        12 => Just(Change::Keep),
        1 => Just(Change::Drop),
        1 => prop::collection::vec(prop::sample::select(vec![0usize, 1, 2, 31, 32, 64]), 0..4).prop_map(Change::Reshape),
        1 => prop::sample::select(vec![Dtype::F16, Dtype::BF16, Dtype::F64, Dtype::I64, Dtype::U8, Dtype::BOOL]).prop_map(Change::Retype),
        1 => prop::sample::select(vec!["bert.", "pooler.", "x."]).prop_map(Change::Rename),
    ]
}

/// The valid file's tensors, each kept, dropped, reshaped, retyped or renamed (prefixes:
/// `bert.` is accepted, `pooler.` ignored, anything else unexpected); data sized to match.
fn rebuilt_weights(changes: &[Change]) -> Vec<u8> {
    let st = SafeTensors::deserialize(tiny_weights()).expect("valid file");
    let mut tensors: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for ((name, view), change) in st.tensors().into_iter().zip(changes.iter().cycle()) {
        let (mut dtype, mut shape) = (view.dtype(), view.shape().to_vec());
        let mut name = name.clone();
        match change {
            Change::Keep => {}
            Change::Drop => continue,
            Change::Reshape(s) => shape = s.clone(),
            Change::Retype(d) => dtype = *d,
            Change::Rename(prefix) => name = format!("{prefix}{name}"),
        }
        let bytes = shape.iter().product::<usize>() * dtype.bitsize() / 8;
        tensors.push((name, dtype, shape, vec![0x3c; bytes]));
    }
    let views = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).expect("sized view")));
    safetensors::serialize(views, None).expect("serializes")
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn weights_from_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_weights(&bytes);
    }

    #[test]
    fn weights_with_changed_bytes_never_panic(bytes in mutated_weights()) {
        check_weights(&bytes);
    }

    #[test]
    fn weights_with_wrong_tensors_never_panic(changes in prop::collection::vec(change(), 1..40)) {
        check_weights(&rebuilt_weights(&changes));
    }
}

// ---------------------------------------------------------------- tokenizer.json and texts

/// MiniLM's tokenizer.json (scripts/test fetches it first): a test that needs it fails without
/// it, rather than passing on nothing.
fn real_tokenizer() -> &'static TextTokenizer {
    static TOKENIZER: OnceLock<TextTokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2/tokenizer.json");
        let bytes = std::fs::read(path).expect("models/all-MiniLM-L6-v2/tokenizer.json: run scripts/fetch-model");
        TextTokenizer::from_json(&bytes).expect("MiniLM's tokenizer.json loads")
    })
}

fn check_tokenizer(bytes: &[u8]) {
    if let Err(e) = TextTokenizer::from_json(bytes) {
        assert!(e.to_string().starts_with("tokenizer.json: "), "{e}");
    }
}

/// Found by `tokenizer_with_changed_bytes_never_panics`: tokenizers 0.23 panicked ("Helper").
#[test]
fn tokenizer_json_syntax_error_after_the_decoder_is_an_error() {
    let broken = SMALL_TOKENIZER.replace(r#""decoder":null,"#, r#""decoder":null:"#);
    let err = TextTokenizer::from_json(broken.as_bytes()).err().expect("refused");
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

/// Found by `encode_never_panics`: below the [CLS]/[SEP] count, tokenizers stopped truncating
/// (and a debug build panics on the subtraction).
#[test]
fn encode_refuses_a_max_len_with_no_room_for_text() {
    let tok = real_tokenizer();
    for max_len in 0..=2 {
        let err = tok.encode(&["A"], max_len).err().expect("refused");
        assert!(err.to_string().contains("use at least 3"), "{err}");
    }
    let ids = &tok.encode(&["A long enough text"], 3).expect("encodes")[0].ids;
    assert_eq!(ids.len(), 3);
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn tokenizer_from_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_tokenizer(&bytes);
    }

    #[test]
    fn tokenizer_with_changed_bytes_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut bytes = SMALL_TOKENIZER.as_bytes().to_vec();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        check_tokenizer(&bytes);
    }

    #[test]
    fn encode_never_panics(texts in prop::collection::vec(any::<String>(), 0..4), max_len in prop_oneof![0usize..8, 0usize..600]) {
        let tok = real_tokenizer();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        match tok.encode(&texts, max_len) {
            Ok(encoded) => {
                assert_eq!(encoded.len(), texts.len());
                for e in encoded {
                    assert!(e.ids.len() <= max_len, "{} ids for max_len {max_len}", e.ids.len());
                }
            }
            Err(e) => assert!(max_len < 3 && e.to_string().contains("leaves no room for text"), "{e}"),
        }
    }
}
