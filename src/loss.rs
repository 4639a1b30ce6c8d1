//! The loss each task trains on, as torch computes it: cross-entropy with class weights and
//! label smoothing (`F.cross_entropy(weight=, label_smoothing=)`, mean reduction divided by the
//! summed weights of the targets), binary cross-entropy on logits for multi-label, mean squared
//! error for regression; plus the L1 penalty on trainable weight matrices.
use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, relu};

use crate::task::{Targets, Task};

/// How a batch's predictions are scored during training.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub task: Task,
    /// Classification: per-class weights (all 1 when not set).
    pub class_weights: Vec<f32>,
    pub label_smoothing: f64,
    pub l1: f64,
}

/// A batch's targets as device tensors, built once on the host.
pub enum BatchTarget {
    /// [b, C] coefficients c such that the loss is −Σ c · log_softmax(z): they carry the one-hot
    /// target, the class weights, the smoothing and the mean's denominator.
    Classes(Tensor<2>),
    /// [b, L] 0/1.
    Multi(Tensor<2>),
    /// [b].
    Values(Tensor<1>),
}

impl BatchTarget {
    /// Rows `start..start + rows` of a batch of `total` rows, and their share of the batch's
    /// loss: 1 for classes (the coefficients carry the batch's denominator), rows / total for
    /// the losses that are a mean over the batch.
    pub fn rows(&self, start: usize, rows: usize, total: usize) -> (BatchTarget, f64) {
        let share = rows as f64 / total.max(1) as f64;
        match self {
            BatchTarget::Classes(t) => (BatchTarget::Classes(t.clone().narrow(0, start, rows)), 1.0),
            BatchTarget::Multi(t) => (BatchTarget::Multi(t.clone().narrow(0, start, rows)), share),
            BatchTarget::Values(t) => (BatchTarget::Values(t.clone().narrow(0, start, rows)), share),
        }
    }
}

impl Objective {
    /// Plain cross-entropy over `classes` classes (recipe R's objective).
    pub fn classes(classes: usize) -> Self {
        Objective { task: Task::Classification, class_weights: vec![1.0; classes], label_smoothing: 0.0, l1: 0.0 }
    }

    /// The targets of rows `idx` on `device`.
    pub fn batch(&self, targets: &Targets, idx: &[usize], device: &Device) -> BatchTarget {
        let b = idx.len();
        match targets {
            Targets::Classes(y) => {
                let c = self.class_weights.len();
                let eps = self.label_smoothing as f32;
                let denom: f32 = idx.iter().map(|&i| self.class_weights[y[i]]).sum();
                let mut coef = vec![0f32; b * c];
                for (r, &i) in idx.iter().enumerate() {
                    for (k, &w) in self.class_weights.iter().enumerate() {
                        let hit = if k == y[i] { 1.0 - eps } else { 0.0 };
                        coef[r * c + k] = (hit * w + eps / c as f32 * w) / denom;
                    }
                }
                BatchTarget::Classes(Tensor::from_data(TensorData::new(coef, [b, c]), device))
            }
            Targets::Multi(y) => {
                let l = y.first().map_or(0, Vec::len);
                let flat: Vec<f32> = idx.iter().flat_map(|&i| y[i].iter().copied()).collect();
                BatchTarget::Multi(Tensor::from_data(TensorData::new(flat, [b, l]), device))
            }
            Targets::Values(y) => BatchTarget::Values(Tensor::from_data(TensorData::new(idx.iter().map(|&i| y[i]).collect::<Vec<_>>(), [b]), device)),
        }
    }

    /// The task's loss of logits [b, outputs] (no penalty), a one-element tensor.
    pub fn data_loss(&self, logits: Tensor<2>, target: BatchTarget) -> Tensor<1> {
        match target {
            BatchTarget::Classes(coef) => (log_softmax(logits, 1) * coef).sum().neg(),
            BatchTarget::Multi(y) => {
                // log(1 + e^z) − z·y, computed without overflow as torch does
                let z = logits;
                (relu(z.clone()) - z.clone() * y + z.abs().neg().exp().log1p()).mean()
            }
            BatchTarget::Values(y) => {
                let [b, _] = logits.dims();
                (logits.reshape([b]) - y).square().mean()
            }
        }
    }

    /// `l1 · Σ|W|` over the trainable weight matrices of `module` (biases and norms excluded);
    /// None when l1 is 0.
    pub fn penalty<M: Module>(&self, module: &M) -> Option<Tensor<1>> {
        if self.l1 == 0.0 {
            return None;
        }
        let mut sum = AbsSum(None);
        module.visit(&mut sum);
        sum.0.map(|s| s.mul_scalar(self.l1))
    }
}

struct AbsSum(Option<Tensor<1>>);

impl ModuleVisitor for AbsSum {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if D == 2 && param.is_require_grad() {
            let s = param.val().abs().sum();
            self.0 = Some(match self.0.take() {
                Some(acc) => acc + s,
                None => s,
            });
        }
    }
}

/// The plain loss of host logits (validation): mean cross-entropy, BCE or MSE.
pub fn host_loss(logits: &[Vec<f32>], targets: &Targets) -> f32 {
    let n = logits.len().max(1) as f64;
    let total: f64 = match targets {
        Targets::Classes(gold) => logits
            .iter()
            .zip(gold)
            .map(|(row, &g)| {
                let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
                let lse = row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
                lse - row[g] as f64
            })
            .sum(),
        Targets::Multi(gold) => logits
            .iter()
            .zip(gold)
            .map(|(row, y)| {
                let per: f64 = row.iter().zip(y).map(|(&z, &t)| bce(z as f64, t as f64)).sum();
                per / row.len().max(1) as f64
            })
            .sum(),
        Targets::Values(gold) => logits.iter().zip(gold).map(|(row, &y)| (row[0] as f64 - y as f64).powi(2)).sum(),
    };
    (total / n) as f32
}

fn bce(z: f64, y: f64) -> f64 {
    z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()
}

pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}
