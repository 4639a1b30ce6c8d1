use std::collections::BTreeMap;

use super::{BaseFacts, Card, front_matter};
use crate::export::{ExportedFiles, Format, README, with_card};
use crate::kind::DataSummary;
use crate::metrics::{Metrics, TaskMetrics};
use crate::progress::EpochSummary;
use crate::run::RunConfig;
use crate::task::Task;
use crate::train::RunFacts;

fn epoch(epoch: usize, train_loss: f32, val_loss: f64, acc: f64) -> EpochSummary {
    let scores = BTreeMap::from([("val_loss".to_string(), val_loss), ("val_acc".to_string(), acc)]);
    EpochSummary {
        epoch,
        train_loss,
        val_loss: Some(val_loss as f32),
        val_acc: Some(acc),
        val_macro_f1: None,
        samples_per_s: 10.0,
        padding_share: 0.0,
        val_scores: scores,
        best_epoch: None,
        stopped_early: false,
        val_metrics: None,
    }
}

fn card(base: BaseFacts) -> Card {
    let labels = vec!["neg".to_string(), "pos | ok".to_string()];
    let metrics = Metrics::compute(&[0, 1, 1, 1], &[0, 1, 0, 1], &labels);
    let run = RunFacts {
        kind: "text".into(),
        task: Task::Classification,
        labels: labels.clone(),
        data: DataSummary { unit: "rows".into(), read: 12, used: 10, classes: vec![(labels[0].clone(), 5), (labels[1].clone(), 5)], dropped: vec!["2 rows with an empty text".into()], notes: Vec::new() },
        train_rows: 6,
        val_rows: 4,
        frozen: 4,
        trainable: 2,
        units: "BERT layers".into(),
        trainable_params: 1234,
        settings: RunConfig { lr: 1e-5, ..RunConfig::default() },
        epochs: vec![epoch(1, 0.6931, 0.65, 0.5), epoch(2, 0.41234567, 0.5, 0.75)],
        kept_epoch: 2,
        validation: Some(TaskMetrics::Classification(metrics)),
        date: "2026-12-07".into(),
    };
    Card { base, run }
}

fn minilm() -> BaseFacts {
    BaseFacts { id: Some("sentence-transformers/all-MiniLM-L6-v2".into()), license: Some("apache-2.0".into()), ..BaseFacts::default() }
}

#[test]
fn every_front_matter_value_is_json_and_the_card_reads_back() {
    let c = card(minilm());
    let text = c.readme(Format::Hf);
    let fields = front_matter(&text);
    assert!(fields.len() >= 7, "{fields:?}");
    for (key, value) in &fields {
        serde_json::from_str::<serde_json::Value>(value).unwrap_or_else(|e| panic!("{key}: {value}: {e}"));
    }
    let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("base_model").as_deref(), Some("\"sentence-transformers/all-MiniLM-L6-v2\""));
    assert_eq!(get("library_name").as_deref(), Some("\"transformers\""));
    assert_eq!(get("license").as_deref(), Some("\"apache-2.0\""));
    let index: serde_json::Value = serde_json::from_str(&get("model-index").expect("model-index")).expect("json");
    let metrics = &index[0]["results"][0]["metrics"];
    assert_eq!(metrics[0]["value"], 0.75, "{metrics}");
    // what tabtune reads back when the folder is exported again
    let back = Card::from_readme(&text).expect("a tabtune card");
    assert_eq!(back.base, minilm());
    assert_eq!(back.run.epochs.len(), 2);
    assert_eq!(back.run.epochs[1].train_loss, 0.41234567);
    assert_eq!(back.run.settings.lr, 1e-5);
    assert_eq!(back.run.validation, c.run.validation);
    // the body: each epoch's loss, the per-class table with the `|` escaped, the licence
    assert!(text.contains("| 2 | 0.4123 | 0.7500 | 0.5000 |"), "{text}");
    assert!(text.contains("| pos \\| ok | 0.6667 | 1.0000 | 0.8000 | 2 |"), "{text}");
    assert!(text.contains("2 rows with an empty text"));
    assert!(text.contains("The model has epoch 2's weights."));
    // a base with no Hub id keeps its name through an export of the folder, and a run continued
    // from the folder names the same base
    let lite0 = BaseFacts { id: Some("efficientnet-lite0".into()), ..BaseFacts::default() };
    let text = card(lite0.clone()).readme(Format::Hf);
    assert!(!front_matter(&text).iter().any(|(k, _)| k == "base_model"));
    assert_eq!(Card::from_readme(&text).expect("a card").base, lite0);
    assert_eq!(BaseFacts::from_readme(&text), lite0);
}

#[test]
fn an_unknown_base_says_so() {
    let text = card(BaseFacts::default()).readme(Format::SentenceTransformers);
    let fields = front_matter(&text);
    assert!(!fields.iter().any(|(k, _)| k == "base_model"));
    assert!(fields.contains(&("license".into(), "\"other\"".into())));
    assert!(fields.contains(&("license_name".into(), "\"unknown\"".into())));
    assert!(fields.contains(&("library_name".into(), "\"sentence-transformers\"".into())));
    assert!(text.contains("licence is not known"));
}

#[test]
fn a_base_card_gives_its_id_and_licence() {
    // as the Hub writes them: block lists, plain scalars, comments
    let hub = "---\nlanguage:\n- en\nlicense: apache-2.0 # the weights\nbase_model:\n- nreimers/MiniLM-L6-H384-uncased\ntags:\n  - x\n---\n# all-MiniLM-L6-v2\n";
    let b = BaseFacts::from_readme(hub);
    assert_eq!((b.id.as_deref(), b.license.as_deref()), (Some("nreimers/MiniLM-L6-H384-uncased"), Some("apache-2.0")));
    // tabtune's own bases name themselves; `other` licences carry a name and a link
    let ours = "---\nmodel_id: google/speech_embedding\nbase_model: 'x/y'\nlicense: other\nlicense_name: \"unsettled\"\nlicense_link: https://a.b/c\n---\n";
    let b = BaseFacts::from_readme(ours);
    assert_eq!(b.id.as_deref(), Some("google/speech_embedding"));
    assert_eq!((b.license_name.as_deref(), b.license_link.as_deref()), (Some("unsettled"), Some("https://a.b/c")));
    assert_eq!(BaseFacts::from_readme("# no front matter\nlicense: mit\n"), BaseFacts::default());
}

#[test]
fn a_folder_gets_one_card() {
    let files = ExportedFiles { config: Vec::new(), weights: Vec::new(), tokenizer: None, extra: vec![(README.into(), b"old".to_vec())] };
    let c = card(minilm());
    let files = with_card(files, Some(&c), Format::Hf);
    let readmes: Vec<_> = files.extra.iter().filter(|(n, _)| n == README).collect();
    assert_eq!(readmes.len(), 1);
    assert!(readmes[0].1.starts_with(b"---\n"));
    let none = with_card(ExportedFiles { config: Vec::new(), weights: Vec::new(), tokenizer: None, extra: Vec::new() }, None, Format::Hf);
    assert!(none.extra.is_empty());
}
