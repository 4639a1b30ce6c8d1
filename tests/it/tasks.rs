//! The two new tasks learn on real MiniLM (flex), and early stopping keeps the best epoch:
//! regression on a learnable synthetic target reaches R² ≥ 0.8 on held-back rows; multi-label on
//! a synthetic set beats the all-negative baseline's micro-F1 by ≥ 0.3; an early-stopped run
//! ends at the epoch its rule names and exports that best epoch's weights.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::{AnyModel, Inputs};
use tabtune::data::{self, DataOptions, Dataset, Format};
use tabtune::metrics::TaskMetrics;
use tabtune::run::{CacheDtype, ScheduleKind};
use tabtune::task::{Task, TaskChoice};
use tabtune::{Model, RunConfig, Trainer, infer};

const GOOD: [&str; 6] = ["great", "lovely", "superb", "wonderful", "brilliant", "charming"];
const BAD: [&str; 6] = ["awful", "boring", "dreadful", "dull", "terrible", "clumsy"];

fn load(csv: &str) -> Dataset {
    data::load(csv.as_bytes(), &DataOptions { format: Some(Format::Csv), ..Default::default() }).expect("synthetic data loads")
}

/// Runs to the end; returns the validation metrics of the last epoch and the model.
fn run(model: Model, data: &Dataset, cfg: RunConfig) -> (Trainer, Option<TaskMetrics>) {
    let mut t = Trainer::new(model, data, cfg, &Device::flex()).expect("trainer");
    while block_on(t.prepare()).expect("prefix").is_some() {}
    while !t.is_done() {
        block_on(t.step()).expect("step");
    }
    let last = t.history().last().and_then(|e| e.val_metrics.clone());
    (t, last)
}

/// Twelve-word reviews; the target is the share of positive words (13 values in 0 … 1), a
/// quantity a pooled embedding can carry.
pub(crate) fn regression_csv(rows: usize) -> String {
    let mut s = String::from("text,score\n");
    for i in 0..rows {
        let k = (i * 7) % 13; // 0..=12 positive words of 12
        let words: Vec<&str> = (0..12).map(|j| if j < k { GOOD[(i + j) % 6] } else { BAD[(i + 2 * j) % 6] }).collect();
        s.push_str(&format!("\"{} (review {i})\",{}\n", words.join(" "), k as f32 / 12.0));
    }
    s
}

#[test]
fn regression_learns_a_synthetic_target() {
    let _turn = serial();
    let data = load(&regression_csv(240));
    assert_eq!(data.task, Task::Regression, "13 distinct numbers read as {:?}: {}", data.task, data.task_reason);
    let cfg = RunConfig { layers: 1, epochs: 6, lr: 1e-3, batch_size: 16, max_len: 40, val_split: 0.2, cache_dtype: CacheDtype::F32, ..Default::default() };
    let (t, last) = run(Files::minilm().load(&Device::flex()), &data, cfg);
    assert_eq!(t.info().task, Task::Regression);
    let Some(TaskMetrics::Regression(m)) = last else { panic!("regression metrics expected, got {last:?}") };
    println!("regression on held-back rows: {m:?}");
    assert!(m.n >= 40, "held-back rows: {}", m.n);
    assert!(m.r2 >= 0.8, "R² {:.3} < 0.8", m.r2);
}

/// Each row names a subject and maybe a place and weather; labels are what it mentions.
fn multi_label_csv(rows: usize) -> String {
    let animals = ["a cat", "a dog", "a horse", "a rabbit"];
    let food = ["pizza", "bread", "soup", "an apple"];
    let weather = ["in the rain", "in the snow", "in a storm", "under heavy clouds"];
    let mut s = String::from("text,tags\n");
    for i in 0..rows {
        let (a, f, w) = (i % 2 == 0, i % 3 == 0, i % 5 < 2);
        let mut parts = vec![format!("note {i}:")];
        let mut tags = Vec::new();
        if a { parts.push(format!("{} sat", animals[i % 4])); tags.push("animal"); }
        if f { parts.push(format!("we ate {}", food[i % 4])); tags.push("food"); }
        if w { parts.push(weather[i % 4].to_string()); tags.push("weather"); }
        if tags.is_empty() { parts.push("nothing happened today".into()); }
        let tags = if tags.is_empty() { "|".to_string() } else { tags.join("|") };
        s.push_str(&format!("\"{}\",{tags}\n", parts.join(" ")));
    }
    s
}

#[test]
fn multi_label_beats_the_all_negative_baseline() {
    let _turn = serial();
    let data = load(&multi_label_csv(200));
    assert_eq!(data.task, Task::MultiLabel, "{}", data.task_reason);
    let cfg = RunConfig { layers: 1, epochs: 4, lr: 1e-3, batch_size: 16, max_len: 32, val_split: 0.2, task: TaskChoice::MultiLabel, ..Default::default() };
    let (t, last) = run(Files::minilm().load(&Device::flex()), &data, cfg);
    assert_eq!(t.info().labels, ["animal", "food", "weather"]);
    let Some(TaskMetrics::MultiLabel(m)) = last else { panic!("multi-label metrics expected, got {last:?}") };
    println!("multi-label on held-back rows: {m:?}");
    // predicting no label at all scores micro-F1 0 (no true positives)
    assert!(m.micro_f1 >= 0.3, "micro-F1 {:.3} does not beat the all-negative baseline (0) by 0.3", m.micro_f1);
    // the exported model predicts label sets
    let model = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");
    let p = block_on(infer::predict(&AnyModel::Text(model.clone()), Inputs::Texts(&["note: a dog sat in the rain"]), Some(32), &Device::flex())).expect("predict");
    assert!(p[0].labels.is_some() && p[0].probs.len() == 3, "{:?}", p[0]);
}

#[test]
fn early_stopping_ends_at_its_epoch_and_keeps_the_best_weights() {
    let _turn = serial();
    let files = Files::tiny(3).without_dropout();
    let data = load(&toy_csv(48));
    // A tiny constant LR: validation accuracy stays put, so "no better than epoch 1" for
    // `patience` epochs must end the run after epoch 1 + patience.
    let base = RunConfig { layers: 1, epochs: 8, lr: 1e-5, batch_size: 8, max_len: 16, val_split: 0.25, dropout: 0.0, schedule: ScheduleKind::Constant, warmup: 0.0, cache_dtype: CacheDtype::F32, ..Default::default() };
    let early = RunConfig { early_stopping: Some("val_acc".into()), patience: 2, ..base.clone() };
    let (t, _) = run(files.load(&Device::flex()), &data, early);
    let h = t.history().to_vec();
    let accs: Vec<f64> = h.iter().map(|e| e.val_acc.expect("val_acc")).collect();
    println!("val_acc per epoch: {accs:?}");
    // the rule, computed here from the epochs' scores
    let (mut best, mut since, mut stop) = (0usize, 0usize, None);
    for (i, &a) in accs.iter().enumerate() {
        if i == 0 || a > accs[best] { best = i; since = 0 } else { since += 1 }
        if since == 2 { stop = Some(i + 1); break; }
    }
    assert_eq!(Some(h.len()), stop, "the run ends at the epoch the rule names");
    assert!(h.len() < 8 && h.last().is_some_and(|e| e.stopped_early), "it stopped before its 8 epochs");
    assert_eq!(t.kept_epoch(), best + 1);
    assert_eq!(h.last().and_then(|e| e.best_epoch), Some(best + 1));
    let kept = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");

    // The same run for exactly `best + 1` epochs (constant LR: the same steps) and for all the
    // epochs the early run took.
    let at = |epochs: usize| block_on(run(files.load(&Device::flex()), &data, RunConfig { epochs, ..base.clone() }).0.into_model()).and_then(AnyModel::into_text).expect("model");
    let texts: Vec<&str> = data.examples.iter().map(|e| e.text.as_str()).collect();
    let probs = |m: &Model| -> Vec<Vec<f32>> { block_on(infer::predict(&AnyModel::Text(m.clone()), Inputs::Texts(&texts), Some(16), &Device::flex())).expect("predict").into_iter().map(|p| p.probs).collect() };
    let (got, best_epoch, last_epoch) = (probs(&kept), probs(&at(best + 1)), probs(&at(h.len())));
    assert_eq!(got, best_epoch, "the exported model is the best epoch's");
    assert_ne!(got, last_epoch, "…and not the last epoch's (else this test could not tell them apart)");
}
