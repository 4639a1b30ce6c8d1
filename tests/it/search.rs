//! Grid search, cross-validation, augmentation and the contrastive strategy on the tiny random
//! BERT (flex): the prefix runs once per frozen depth, runs rank by the chosen metric, a cancel
//! stops before the next step and keeps what finished, folds cover every row once, augmentation
//! never reaches validation rows, and a contrastive run fits its head to its layers.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use serde_json::json;
use tabtune::data::{self, Augment, AugOp, DataOptions, Format};
use tabtune::run::{CacheDtype, Strategy};
use tabtune::search::{Search, SearchEvent, SearchSpec};
use tabtune::{RunConfig, Trainer};

fn spec(v: serde_json::Value) -> SearchSpec {
    serde_json::from_value(v).expect("a search spec")
}

/// Every event until Done.
fn drain(search: &mut Search) -> Vec<SearchEvent> {
    let mut events = Vec::new();
    loop {
        let e = block_on(search.advance()).expect("advance");
        let done = matches!(e, SearchEvent::Done { .. });
        events.push(e);
        if done {
            return events;
        }
    }
}

const BASE: fn() -> serde_json::Value = || json!({ "epochs": 1, "batch_size": 8, "max_len": 16, "val_split": 0.25, "cache_dtype": "f32" });

#[test]
fn a_grid_runs_the_prefix_once_per_frozen_depth_and_ranks_by_the_metric() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let s = spec(json!({ "base": BASE(), "grid": { "lr": [1e-3, 3e-2], "layers": [1, 2] }, "metric": "val_loss" }));
    let mut search = Search::new(model, &toy(40), s, &device).expect("search");
    assert_eq!(search.plan().runs.len(), 4);
    let events = drain(&mut search);
    let started = events.iter().filter(|e| matches!(e, SearchEvent::Started { .. })).count();
    assert_eq!(started, 4);
    // layers 1 and 2 freeze 1 and 0 of the tiny model's 2 layers: two prefix passes, not four
    assert_eq!(search.prefix_passes(), 2);
    let prepares = events.iter().filter(|e| matches!(e, SearchEvent::Prepare { .. })).count();
    assert!(prepares >= 2 && prepares <= 2 * 2, "only the first run of each depth prepares: {prepares}");
    let ranked = search.ranked();
    assert_eq!(ranked.len(), 4);
    let scores: Vec<f64> = ranked.iter().map(|r| r.score.expect("every run scored")).collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "val_loss ascending: {scores:?}");
    // the score is the run's val_loss, as its epoch reported it
    for r in &ranked {
        assert_eq!(r.score, r.folds[0].scores.get("val_loss").copied());
    }
    let best = search.best_config().expect("a best config");
    assert_eq!(best, ranked[0].config);
    assert_eq!(json!(best.lr), ranked[0].values["lr"]);
}

#[test]
fn a_cancel_stops_before_the_next_step_and_keeps_finished_runs() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let s = spec(json!({ "base": BASE(), "grid": { "lr": [1e-3, 1e-2, 3e-2] } }));
    let mut search = Search::new(model, &toy(40), s, &device).expect("search");
    // run until the second run has taken a step
    loop {
        match block_on(search.advance()).expect("advance") {
            SearchEvent::Step { run: 1, .. } => break,
            SearchEvent::Done { .. } => panic!("the search ended before the second run stepped"),
            _ => {}
        }
    }
    search.cancel();
    let after = drain(&mut search);
    assert!(matches!(after.as_slice(), [SearchEvent::Done { cancelled: true, .. }]), "nothing after a cancel but Done: {after:?}");
    assert!(search.is_done());
    let ranked = search.ranked();
    assert_eq!(ranked.len(), 1, "the finished run is kept");
    assert_eq!(ranked[0].run, 0);
    assert!(matches!(block_on(search.advance()), Ok(SearchEvent::Done { .. })));
}

#[test]
fn cross_validation_gives_k_folds_over_every_row_from_one_prefix_pass() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let data = toy(30);
    let s = spec(json!({ "base": BASE(), "folds": 3 }));
    let mut search = Search::new(model, &data, s, &device).expect("cv");
    let events = drain(&mut search);
    let val_rows: Vec<usize> = events.iter().filter_map(|e| match e { SearchEvent::Started { info, .. } => Some(info.val_rows), _ => None }).collect();
    assert_eq!(val_rows.len(), 3);
    assert_eq!(val_rows.iter().sum::<usize>(), data.examples.len(), "each row validates once: {val_rows:?}");
    assert_eq!(search.prefix_passes(), 1, "the frozen layers ran once for all folds");
    let r = &search.ranked()[0];
    assert_eq!(r.folds.len(), 3);
    assert_eq!(r.folds.iter().map(|f| f.fold).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(2)]);
    let accs: Vec<f64> = r.folds.iter().map(|f| f.scores["val_acc"]).collect();
    let mean = accs.iter().sum::<f64>() / 3.0;
    assert!((r.mean["val_acc"] - mean).abs() < 1e-12);
    assert!(r.mean.contains_key("val_loss") && r.std.contains_key("val_macro_f1"));
}

#[test]
fn bad_searches_are_refused_with_what_to_do() {
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let err = |v| Search::new(model.clone(), &toy(20), spec(v), &device).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(json!({ "grid": { "lr": [1e-3, -1.0] } })).contains("search run lr = -1.0"));
    assert!(err(json!({ "base": { "val_split": 0.0 } })).contains("set folds"));
    assert!(err(json!({ "folds": 1 })).contains("folds = 1"));
    assert!(err(json!({ "metric": "val_r2", "folds": 2 })).contains("not measured for classification"));
    assert!(err(json!({ "grid": { "lr": [] } })).contains("no values"));
}

fn aug_cfg(copies: Option<usize>) -> RunConfig {
    RunConfig {
        layers: 1, epochs: 1, batch_size: 8, max_len: 16, val_split: 0.25, cache_dtype: CacheDtype::F32,
        augment: copies.map(|copies| Augment { copies, ops: vec![AugOp::Delete, AugOp::Swap, AugOp::Crop] }),
        ..Default::default()
    }
}

#[test]
fn augmentation_adds_training_rows_only_and_zero_copies_change_nothing() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let data = toy(40);
    let mut plain = Trainer::new(model.clone(), &data, aug_cfg(None), &device).expect("trainer");
    let mut zero = Trainer::new(model.clone(), &data, aug_cfg(Some(0)), &device).expect("trainer");
    let two = Trainer::new(model.clone(), &data, aug_cfg(Some(2)), &device).expect("trainer");
    assert_eq!(two.val_texts(), plain.val_texts(), "validation rows are never augmented");
    assert!(two.val_texts().iter().all(|v| !two.train_texts()[plain.train_texts().len()..].contains(v)));
    assert_eq!(&two.train_texts()[..plain.train_texts().len()], plain.train_texts(), "the originals stay");
    assert_eq!(two.info().augmented_rows, two.train_texts().len() - plain.train_texts().len());
    assert!(two.info().augmented_rows > plain.train_texts().len(), "two copies of most rows");
    assert!(two.info().notes.iter().any(|n| n.contains("augmentation added")));
    assert_eq!(zero.train_texts(), plain.train_texts());
    assert_eq!(zero.info().augmented_rows, 0);
    assert_eq!(drive(&mut zero, None), drive(&mut plain, None), "copies: 0 trains exactly as no augmentation");
}

#[test]
fn a_contrastive_run_trains_on_pairs_and_fits_its_head() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    let data = toy(24);
    let cfg = RunConfig::from_value(json!({ "strategy": "contrastive", "pairs_per_row": 2, "epochs": 2, "batch_size": 8, "max_len": 16, "val_split": 0.25, "lr": 1e-3 })).expect("settings");
    let mut t = Trainer::new(model.clone(), &data, cfg, &device).expect("trainer");
    let info = t.info().clone();
    assert_eq!(info.strategy, Strategy::Contrastive);
    assert_eq!(info.trainable_layers, 2, "contrastive trains every layer unless told");
    assert_eq!(info.pairs, info.train_rows * 2 * 2);
    assert_eq!(info.steps_per_epoch, info.pairs.div_ceil(8));
    let l = drive(&mut t, None);
    assert!(l.iter().all(|v| v.is_finite() && *v >= 0.0 && *v <= 4.0), "cosine MSE lies in [0, 4]: {l:?}");
    assert!(t.head_is_current(), "the last epoch's end fitted the head");
    let e = t.history().last().expect("an epoch");
    assert!(e.val_acc.is_some());
    // regression has no pairs of classes
    let values = data::load(b"text,score\na,1.5\nb,2.5\nc,0.5\nd,3.0\n", &DataOptions { format: Some(Format::Csv), ..Default::default() }).expect("data");
    let cfg = RunConfig::from_value(json!({ "strategy": "contrastive", "task": "regression", "val_split": 0.0 })).expect("settings");
    let msg = Trainer::new(model, &values, cfg, &device).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("needs classification") && msg.contains("use strategy standard"), "{msg}");
}

#[test]
fn a_resumed_contrastive_run_stopped_in_its_prefix_pass_fits_its_head_on_the_real_states() {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::tiny(1).load(&device);
    // 80 rows: three prefix chunks of 32
    let data = toy(80);
    let cfg = RunConfig::from_value(json!({ "strategy": "contrastive", "pairs_per_row": 1, "epochs": 2, "batch_size": 8, "max_len": 16, "val_split": 0.25, "lr": 1e-3 })).expect("settings");
    let mut t = Trainer::new(model.clone(), &data, cfg, &device).expect("trainer");
    drive(&mut t, Some(3));
    let bytes = block_on(t.checkpoint(true)).expect("checkpoint");
    // the head fitted after the resumed run's prefix pass: every row's states cached
    let head_after = |chunks: Option<usize>| {
        let mut r = Trainer::resume(model.clone(), &data, &bytes, &device).expect("resumes");
        assert!(r.prefix_chunks() >= 3);
        for _ in 0..chunks.unwrap_or(usize::MAX) {
            if block_on(r.prepare()).expect("prefix").is_none() {
                break;
            }
        }
        block_on(r.fit_head()).expect("fits");
        block_on(r.head()).expect("head").0.concat()
    };
    let full = head_after(None);
    // cancelled before the pass began, or after one chunk of three: the same head, not one
    // fitted on the missing rows' empty states
    for chunks in [0, 1] {
        let stopped = head_after(Some(chunks));
        let diff = max_abs_diff(&stopped, &full);
        println!("contrastive head after {chunks} prefix chunks of 3: differs from the full pass's by {diff:e}");
        assert!(diff <= 1e-6, "{chunks} chunks: the head differs by {diff}"); // measured 0
    }
}
