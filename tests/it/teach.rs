//! The teaching view's numbers on the tiny random BERT (flex): the layer activity equals the
//! gradients burn computes for the same batch, frozen layers report none, the map's axes stay
//! fixed across epochs, stepping with the teaching calls in between trains exactly as a plain
//! run, and attention from [CLS] is a distribution over tokens whose spans are in the text.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::AnyModel;
use tabtune::text::Classifier;
use tabtune::data;
use tabtune::loss::Objective;
use tabtune::run::{CacheDtype, OptimizerKind, ScheduleKind};
use tabtune::task::Task;
use tabtune::teach::pca::Pca;
use tabtune::{RunConfig, Trainer};

/// Plain SGD at a constant LR: one step moves the weights by exactly lr · g.
fn cfg() -> RunConfig {
    RunConfig {
        layers: 1,
        epochs: 2,
        lr: 0.05,
        batch_size: 8,
        max_len: 16,
        val_split: 0.25,
        dropout: 0.0,
        optimizer: OptimizerKind::Sgd,
        weight_decay: 0.0,
        schedule: ScheduleKind::Constant,
        warmup: 0.0,
        cache_dtype: CacheDtype::F32,
        teaching: true,
        ..Default::default()
    }
}

/// Σ‖g‖² and Σ‖w‖² of a module's parameters, read on the host.
fn norms<M: Module>(m: &M, grads: &GradientsParams) -> (f64, f64) {
    struct V<'a>(&'a GradientsParams, f64, f64);
    impl ModuleVisitor for V<'_> {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            if let Some(g) = self.0.get::<D>(p.id) {
                self.1 += read(g).iter().map(|x| (*x as f64).powi(2)).sum::<f64>();
            }
            self.2 += read(p.val().inner()).iter().map(|x| (*x as f64).powi(2)).sum::<f64>();
        }
    }
    let mut v = V(grads, 0.0, 0.0);
    m.visit(&mut v);
    (v.1.sqrt(), v.2.sqrt())
}

#[test]
fn activity_equals_burns_gradient_norms_and_frozen_layers_report_none() {
    let _turn = serial();
    let device = Device::flex();
    let files = Files::tiny(7);
    let data = toy(12);
    // every row in one batch, no validation: the step's batch is known without the trainer
    let c = RunConfig { batch_size: 64, val_split: 0.0, ..cfg() };
    let mut t = Trainer::new(files.load(&device), &data, c.clone(), &device).expect("trainer");
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let step = block_on(t.step()).expect("step");
    let activity = step.activity.expect("teaching reports activity");
    let names: Vec<&str> = activity.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["encoder.layer.1", "head"], "the frozen layer 0 is not reported");

    // the same step by hand: prefix, fresh head from the seed, the loss, burn's backward
    let mut model = files.load(&device);
    let top_layers = model.encoder.layers.split_off(1);
    let labels = data::labels_for(&data.examples, Task::Classification, &data.label_column).expect("labels");
    let ad = device.clone().autodiff();
    let top = Classifier::new(top_layers, 32, labels.len(), 0.0, c.seed, &ad).train();
    let texts: Vec<&str> = data.examples.iter().map(|e| e.text.as_str()).collect();
    let enc = model.tokenizer.encode(&texts, c.max_len).expect("tokens");
    let rows: Vec<&[u32]> = enc.iter().map(|e| &e.ids[..]).collect();
    let (ids, mask) = tabtune::text::tokenize::pad(&rows).tensors(&device);
    let x = model.encoder.forward(ids, mask.clone());
    let (shape, mshape) = (x.dims(), mask.dims());
    let x = Tensor::<3>::from_data(TensorData::new(read(x), shape), &ad);
    let mask = Tensor::<2>::from_data(TensorData::new(read(mask), mshape), &ad);
    let targets = data::targets(&data.examples, Task::Classification, &labels).expect("targets");
    let objective = Objective { task: Task::Classification, class_weights: vec![1.0; labels.len()], label_smoothing: 0.0, l1: 0.0 };
    let idx: Vec<usize> = (0..texts.len()).collect();
    let loss = objective.data_loss(top.forward(x, mask, None), objective.batch(&targets, &idx, &ad));
    let grads = GradientsParams::from_grads(loss.backward(), &top);
    let (g_layer, w_layer) = norms(&top.layers[0], &grads);
    let (g_head, w_head) = norms(&top.head, &grads);
    for (a, g, w) in [(&activity[0], g_layer, w_layer), (&activity[1], g_head, w_head)] {
        let rel = (a.grad_norm as f64 - g).abs() / g;
        assert!(rel < 1e-4, "{}: reported {} vs burn's {g} (rel {rel:.2e})", a.name, a.grad_norm);
        // plain SGD: ‖Δw‖ = lr · ‖g‖
        let want = c.lr * g / w;
        assert!((a.rel_change as f64 - want).abs() / want < 1e-3, "{}: rel_change {} vs lr·‖g‖/‖w‖ {want}", a.name, a.rel_change);
        assert!(g > 0.0);
    }

    // without teaching there is no activity to read
    let mut plain = Trainer::new(files.load(&device), &data, RunConfig { teaching: false, ..c }, &device).expect("trainer");
    while block_on(plain.prepare()).expect("prefix").is_some() {}
    assert!(block_on(plain.step()).expect("step").activity.is_none());
}

#[test]
fn the_map_keeps_the_axes_fitted_before_the_first_step() {
    let _turn = serial();
    let device = Device::flex();
    let data = toy(32);
    let mut t = Trainer::new(Files::tiny(8).load(&device), &data, RunConfig { epochs: 3, lr: 0.5, ..cfg() }, &device).expect("trainer");
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let before = block_on(t.val_embeddings()).expect("embeddings");
    let pca = Pca::fit(&before, 2);
    let first = block_on(t.take_maps()).expect("maps");
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].epoch, first[0].points.len()), (0, t.info().val_rows));
    let mut moved = 0.0f32;
    while !t.is_done() {
        let s = block_on(t.step()).expect("step");
        let frames = block_on(t.take_maps()).expect("maps");
        let Some(e) = s.epoch_end else {
            assert!(frames.is_empty(), "frames come at epoch ends only");
            continue;
        };
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].epoch, e.epoch);
        // on the axes of epoch 0, not refitted to this epoch's embeddings
        let now = block_on(t.val_embeddings()).expect("embeddings");
        for (p, q) in frames[0].points.iter().zip(pca.project(&now)) {
            assert!((p[0] - q[0]).abs() < 1e-5 && (p[1] - q[1]).abs() < 1e-5, "{p:?} vs {q:?}");
        }
        moved = moved.max(max_abs_diff(&frames[0].points.concat(), &first[0].points.concat()));
    }
    assert!(moved > 1e-3, "training moved the dots ({moved})");
}

#[test]
fn an_unchanged_model_draws_the_same_map_every_epoch() {
    let _turn = serial();
    let device = Device::flex();
    // head only: the head learns, but what the map shows (the pooled embeddings) cannot change
    // (lr 0 is refused as a setting)
    let mut t = Trainer::new(Files::tiny(9).load(&device), &toy(24), RunConfig { layers: 0, ..cfg() }, &device).expect("trainer");
    let losses = drive(&mut t, None);
    assert!(losses.last() < losses.first(), "the head trained: {losses:?}");
    let frames = block_on(t.take_maps()).expect("maps");
    let epochs: Vec<usize> = frames.iter().map(|f| f.epoch).collect();
    assert_eq!(epochs, [0, 1, 2]);
    assert_eq!(frames[1].points, frames[2].points, "epoch 1 and 2 of an unchanged model");
    assert_eq!(frames[0].points, frames[1].points);
}

#[test]
fn stepping_with_the_teaching_calls_between_steps_trains_as_a_plain_run() {
    let _turn = serial();
    let device = Device::flex();
    let data = toy(24);
    // dropout on: the calls between steps must not draw from the step's RNG
    let c = RunConfig { dropout: 0.2, optimizer: OptimizerKind::AdamW, lr: 1e-2, ..cfg() };
    let mut plain = Trainer::new(Files::tiny(10).load(&device), &data, RunConfig { teaching: false, ..c.clone() }, &device).expect("trainer");
    let want = drive(&mut plain, None);
    let mut t = Trainer::new(Files::tiny(10).load(&device), &data, c, &device).expect("trainer");
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let mut got = Vec::new();
    while !t.is_done() {
        block_on(t.take_maps()).expect("maps");
        block_on(t.attention("a great film")).expect("attention");
        block_on(t.mistakes()).expect("mistakes");
        got.push(block_on(t.step()).expect("step").loss.expect("loss"));
    }
    assert_eq!(got, want, "teaching and the calls between steps change nothing the run learns");
}

#[test]
fn attention_is_a_distribution_over_tokens_that_map_to_the_text() {
    let _turn = serial();
    let device = Device::flex();
    let data = toy(16);
    let mut t = Trainer::new(Files::tiny(11).load(&device), &data, cfg(), &device).expect("trainer");
    drive(&mut t, Some(2));
    let text = "Truly wonderful films, naïvely dull!";
    let a = block_on(t.attention(text)).expect("attention");
    let model = block_on(t.into_model()).and_then(AnyModel::into_text).expect("model");
    let b = block_on(tabtune::teach::attention::of_model(&model, text, &device)).expect("attention");
    for a in [&a, &b] {
        let sum: f32 = a.tokens.iter().map(|t| t.weight).sum();
        assert!((sum - 1.0).abs() < 1e-5, "weights sum to {sum}");
        assert!(a.tokens.iter().all(|t| t.weight >= 0.0));
        assert_eq!(a.tokens.first().map(|t| t.token.as_str()), Some("[CLS]"));
        for tok in a.tokens.iter().filter(|t| t.end > t.start) {
            let span = text.get(tok.start..tok.end).expect("a span of the text");
            let piece = tok.token.trim_start_matches("##");
            // the tokenizer lowercases and strips accents: compare letters without them
            let fold = |s: &str| s.to_lowercase().replace('ï', "i");
            assert_eq!(fold(span), fold(piece), "token {:?} at {}..{}", tok.token, tok.start, tok.end);
        }
        let p: f32 = a.probs.iter().map(|p| p.p).sum();
        assert_eq!(a.probs.len(), 2);
        assert!((p - 1.0).abs() < 1e-5);
    }
    // the trainer's and the finished model's attention agree (the same weights)
    let wa: Vec<f32> = a.tokens.iter().map(|t| t.weight).collect();
    let wb: Vec<f32> = b.tokens.iter().map(|t| t.weight).collect();
    assert!(max_abs_diff(&wa, &wb) < 1e-5);
}

#[test]
fn mistakes_are_the_validation_rows_the_accuracy_counts_wrong() {
    let _turn = serial();
    let device = Device::flex();
    let mut t = Trainer::new(Files::tiny(12).load(&device), &toy(40), RunConfig { epochs: 1, ..cfg() }, &device).expect("trainer");
    drive(&mut t, Some(1));
    let m = block_on(t.mistakes()).expect("mistakes");
    let (_, metrics) = block_on(t.evaluate_val()).expect("val").expect("val rows");
    let acc = metrics.scores()["val_acc"];
    let val = t.info().val_rows;
    assert_eq!(m.len(), val - (acc * val as f64).round() as usize);
    assert!(m.windows(2).all(|w| w[0].confidence >= w[1].confidence), "most confident first");
    let rows = t.teaching_rows();
    for x in &m {
        assert_ne!(x.label, x.predicted);
        assert_eq!(rows.texts[x.row], x.text);
        assert_eq!(rows.label_names[rows.labels[x.row].expect("a class")], x.label);
        assert!(x.confidence >= 0.5, "two classes: the predicted one has p ≥ 0.5");
    }
}

#[test]
fn the_cli_prints_activity_and_map_lines_with_teaching() {
    let dir = std::env::temp_dir().join(format!("tabtune-teach-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let model = tiny_model_dir(&dir);
    let csv = dir.join("toy.csv");
    std::fs::write(&csv, toy_csv(16)).expect("write");
    let out = dir.join("out");
    let args = ["train", "--model", model.to_str().unwrap_or_default(), "--data", csv.to_str().unwrap_or_default(), "--out",
                out.to_str().unwrap_or_default(), "--layers", "1", "--epochs", "2", "--batch-size", "8", "--teaching"];
    let (ok, stdout, stderr) = tabtune(&args);
    assert!(ok, "{stderr}");
    let lines: Vec<serde_json::Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let kind = |k: &str| lines.iter().filter(|l| l["type"] == k).count();
    assert_eq!(kind("map"), 3, "epoch 0, 1 and 2:\n{stdout}");
    assert_eq!(kind("activity"), 2 * 2, "one per step");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn activity_reports_the_gradients_before_clipping() {
    let _turn = serial();
    let device = Device::flex();
    // a tiny clip_norm: every step is clipped, so a norm read after clipping would be 1e-3
    let c = RunConfig { clip_norm: Some(1e-3), ..cfg() };
    let mut t = Trainer::new(Files::tiny(13).load(&device), &toy(16), c, &device).expect("trainer");
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let s = block_on(t.step()).expect("step");
    let global = s.grad_norm.expect("the global norm with clip_norm");
    let groups = s.activity.expect("activity");
    let sum: f32 = groups.iter().map(|a| a.grad_norm * a.grad_norm).sum::<f32>().sqrt();
    assert!(global > 1e-2, "the step is clipped ({global})");
    assert!((sum - global).abs() / global < 1e-4, "groups' norms {sum} vs the global pre-clip norm {global}");
}
