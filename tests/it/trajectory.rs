//! Whole PyTorch training runs (../shared/reference/trajectories.json: every optimizer, schedule,
//! regularizer and task) replayed through the production `Trainer` on flex — the same code
//! `tabtune check-trajectory` and `tt.checkTrajectory` run. Tolerances: every step's LR within
//! 1e-9 relative and loss within 2e-4 relative, the final loss within 1e-3 relative, clipping's
//! pre-clip norm within 1e-3 relative (the toolkit issue's); every final tensor on its own (the
//! head's weight and bias, each trained encoder tensor) within 1e-5 max-abs: measured at most
//! 1.1e-6 (rmsprop_exponential's encoder, 2026-12-06), with a 10× margin; the smallest head
//! bias PyTorch ends with is 1.9e-4 from its start at 0, so a tensor that never trained fails.
//! The same runs with every step split in three parts (what the tab's pool of workers runs:
//! `Trainer::step_with`) meet the same tolerances.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::trajectory;

#[test]
fn every_reference_run_matches_pytorch() {
    every_reference_run(1);
}

#[test]
fn every_reference_run_matches_pytorch_in_parts() {
    every_reference_run(3);
}

fn every_reference_run(parts: usize) {
    let _turn = serial();
    let device = Device::flex();
    let model = Files::minilm().load(&device);
    let path = shared().join("reference/trajectories.json");
    let reference = std::fs::read_to_string(&path).expect("shared/reference/trajectories.json is readable");
    let mut print = |name: &str, r: &trajectory::CaseResult| println!("{name}: {}", serde_json::to_string(r).expect("json"));
    let report = block_on(trajectory::check_in_parts(&model, &reference, &device, parts, &mut print)).expect("every case replays");
    assert_eq!(report.cases.len(), 11, "one result per reference case");
    let mut checks = Report::new();
    for (name, c) in &report.cases {
        assert_eq!(c.steps, 9, "{name}: every step replayed");
        checks.check(&format!("{name} lr"), c.max_lr_rel, 1e-9);
        checks.check(&format!("{name} loss per step"), c.max_loss_rel, 2e-4);
        checks.check(&format!("{name} final loss"), c.final_loss_rel, 1e-3);
        assert!(c.final_per_tensor.len() > 2, "{name}: the head and the trained encoder tensors are compared");
        for (tensor, diff) in &c.final_per_tensor {
            checks.check(&format!("{name} final {tensor}"), *diff, 1e-5);
        }
        if let Some(g) = c.max_grad_norm_rel {
            checks.check(&format!("{name} grad norm before clipping"), g, 1e-3);
        }
    }
    assert!(report.cases["adamw_l1_clip"].max_grad_norm_rel.is_some(), "the clipping case reports its norms");
    println!("{parts} part(s): worst loss rel {:.2e}", report.worst_loss_rel);
    checks.finish();
}
