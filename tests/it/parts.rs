//! A step split across workers (`Trainer::split_step` / `PartWorker` / `join_step`, what the
//! tab's pool runs) is the one-worker step: the same losses within 1e-5, step after step, and
//! the same weights at the end, on real MiniLM (classification with dropout in every trainable
//! layer, class weights, smoothing, clipping and the L1 penalty; regression, whose loss is a
//! mean over the batch) and on EfficientNet-Lite0 (image, dropout before the head).

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::{AnyModel, DataRef};
use tabtune::run::{CacheDtype, ClassWeights, OptimizerKind};
use tabtune::task::TaskChoice;
use tabtune::train::PartWorker;
use tabtune::{RunConfig, Trainer};

/// Every step's (loss, pre-clip gradient norm) of a run split in `1 + workers` parts, the other
/// parts computed by `PartWorker`s as a pool worker computes them; and the weights it ends with.
fn drive_parts(t: &mut Trainer, workers: usize, steps: usize) -> (Vec<(f32, Option<f32>)>, Vec<f32>) {
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let files = block_on(t.part_files()).expect("part files");
    let mut pool: Vec<PartWorker> = (0..workers).map(|_| PartWorker::load(&files, &Device::flex()).expect("part worker")).collect();
    let mut out = Vec::new();
    while !t.is_done() && out.len() < steps {
        let s = block_on(t.step_with(&mut pool)).expect("step in parts");
        out.push((s.loss.expect("loss read every step"), s.grad_norm));
    }
    (out, block_on(t.top_weights()).expect("weights"))
}

/// `drive_parts` with no parts: the one-worker run.
fn drive_whole(t: &mut Trainer, steps: usize) -> (Vec<(f32, Option<f32>)>, Vec<f32>) {
    while block_on(t.prepare()).expect("prefix").is_some() {}
    let mut out = Vec::new();
    while !t.is_done() && out.len() < steps {
        let s = block_on(t.step()).expect("step");
        out.push((s.loss.expect("loss read every step"), s.grad_norm));
    }
    (out, block_on(t.top_weights()).expect("weights"))
}

/// The same run whole and in `1 + workers` parts: every step's loss within 1e-5 and its
/// pre-clip gradient norm (when clipping) within 1e-5 relative; with `weight_tol`, the weights
/// it ends with within that (max-abs). Adam-family runs pass None: a parameter whose gradient is
/// float noise steps by ±lr whatever its sign, so their weights are compared through the losses.
fn same_run<'a>(model: impl Into<AnyModel> + Clone, data: impl Into<DataRef<'a>> + Copy, cfg: RunConfig, workers: usize, steps: usize, weight_tol: Option<f32>) {
    let device = Device::flex();
    let (one, one_w) = drive_whole(&mut Trainer::new(model.clone(), data, cfg.clone(), &device).expect("trainer"), steps);
    let (split, split_w) = drive_parts(&mut Trainer::new(model, data, cfg, &device).expect("trainer"), workers, steps);
    assert_eq!(one.len(), steps);
    assert_eq!(split.len(), steps);
    let loss_diff = one.iter().zip(&split).map(|(a, b)| (a.0 - b.0).abs()).fold(0.0, f32::max);
    let norm_diff = one.iter().zip(&split).filter_map(|(a, b)| Some((a.1? - b.1?).abs() / a.1?)).fold(0.0, f32::max);
    let weight_diff = one_w.iter().zip(&split_w).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    println!(
        "{steps} steps in {} parts: losses {:?}; largest differences: loss {loss_diff:.2e}, gradient norm {norm_diff:.2e} (relative), weights {weight_diff:.2e}",
        workers + 1,
        one.iter().map(|s| s.0).collect::<Vec<_>>()
    );
    assert!(loss_diff <= 1e-5, "a split step's loss differs by {loss_diff:e}");
    assert!(norm_diff <= 1e-5, "a split step's gradient norm differs by {norm_diff:e} (relative)");
    if let Some(tol) = weight_tol {
        assert!(weight_diff <= tol, "the weights differ by {weight_diff:e}");
    }
    // the losses moved: the steps trained (a run that never stepped would agree trivially)
    assert!(one[0].0 != one[steps - 1].0, "the loss never moved: {one:?}");
}

#[test]
fn text_steps_in_parts_are_the_whole_step() {
    let _turn = serial();
    let model = Files::minilm().load(&Device::flex());
    let data = toy(48);
    let cfg = RunConfig {
        layers: 2,
        epochs: 2,
        batch_size: 12,
        max_len: 24,
        lr: 1e-3,
        dropout: 0.1,
        l1: 1e-6,
        clip_norm: Some(1.0),
        label_smoothing: 0.1,
        class_weights: Some(ClassWeights::Explicit([("pos".to_string(), 2.0)].into())),
        cache_dtype: CacheDtype::F32,
        ..RunConfig::default()
    };
    let (one, _) = drive_whole(&mut Trainer::new(model.clone(), &data, cfg.clone(), &Device::flex()).expect("trainer"), 1);
    assert!(one[0].1.is_some(), "clipping reports the norm");
    same_run(model, &data, cfg, 2, 6, None);
}

#[test]
fn regression_steps_in_parts_are_the_whole_step() {
    let _turn = serial();
    let model = Files::minilm().load(&Device::flex());
    let data = tabtune::data::load(crate::tasks::regression_csv(40).as_bytes(), &tabtune::data::DataOptions { format: Some(tabtune::data::Format::Csv), ..Default::default() }).expect("data");
    // SGD: its weights follow the gradients linearly, so they are compared too (measured 1.5e-8)
    let cfg = RunConfig { layers: 1, epochs: 1, batch_size: 10, max_len: 40, lr: 1e-2, optimizer: OptimizerKind::Sgd, cache_dtype: CacheDtype::F32, ..RunConfig::default() };
    same_run(model, &data, cfg, 1, 3, Some(1e-7));
}

#[test]
fn image_steps_in_parts_are_the_whole_step() {
    let _turn = serial();
    let device = Device::flex();
    let data = crate::image_checkpoint::dataset(&["a", "b", "c"], 4, 0);
    let cfg = RunConfig { task: TaskChoice::Image, image_size: 32, layers: 2, epochs: 1, batch_size: 6, lr: 1e-3, val_split: 0.25, dropout: 0.2, cache_dtype: CacheDtype::F32, ..RunConfig::default() };
    same_run(lite0(&device), &data, cfg, 2, 2, None);
}
