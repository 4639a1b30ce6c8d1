//! Classification metrics from predicted and gold class indices: per class, accuracy,
//! macro-F1 and the confusion matrix.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClassMetrics {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Metrics {
    pub acc: f64,
    pub macro_f1: f64,
    pub per_class: Vec<ClassMetrics>,
    /// confusion[gold][pred]
    pub confusion: Vec<Vec<usize>>,
    pub n: usize,
}

impl Metrics {
    /// preds and gold are class indices < labels.len(); confusion[gold][pred].
    /// Pairs are taken up to the shorter slice, and a pair with an index out
    /// of range is skipped (both are caller bugs, caught in debug builds),
    /// so nothing panics and no value is NaN.
    pub fn compute(preds: &[usize], gold: &[usize], labels: &[String]) -> Metrics {
        debug_assert_eq!(preds.len(), gold.len(), "preds and gold differ in length");
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        let mut n = 0;
        for (&p, &g) in preds.iter().zip(gold) {
            debug_assert!(p < k && g < k, "class index out of range");
            if p < k && g < k {
                confusion[g][p] += 1;
                n += 1;
            }
        }
        let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
        let per_class: Vec<ClassMetrics> = labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let tp = confusion[c][c];
                let support: usize = confusion[c].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[c]).sum();
                let (fp, fn_) = (predicted - tp, support - tp);
                ClassMetrics {
                    label: label.clone(),
                    precision: ratio(tp, tp + fp),
                    recall: ratio(tp, tp + fn_),
                    f1: ratio(2 * tp, 2 * tp + fp + fn_),
                    support,
                }
            })
            .collect();
        // Mean over all classes, including ones absent from this data (F1 0).
        let macro_f1 = if k == 0 {
            0.0
        } else {
            per_class.iter().map(|m| m.f1).sum::<f64>() / k as f64
        };
        Metrics {
            acc: ratio(correct, n),
            macro_f1,
            per_class,
            confusion,
            n,
        }
    }
}

/// a / b, or 0 when b is 0 (no NaN in reports or JSON).
pub(super) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed() {
        // gold a a a b b c, pred a a b b c c
        let m = Metrics::compute(
            &[0, 0, 1, 1, 2, 2],
            &[0, 0, 0, 1, 1, 2],
            &labels(&["a", "b", "c"]),
        );
        assert_eq!(
            m.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
        assert_eq!(m.n, 6);
        assert!(close(m.acc, 4.0 / 6.0));
        // a: tp 2 fp 0 fn 1; b: tp 1 fp 1 fn 1; c: tp 1 fp 1 fn 0
        let expect = [
            (1.0, 2.0 / 3.0, 0.8, 3),
            (0.5, 0.5, 0.5, 2),
            (0.5, 1.0, 2.0 / 3.0, 1),
        ];
        for (c, (p, r, f, s)) in m.per_class.iter().zip(expect) {
            assert!(
                close(c.precision, p) && close(c.recall, r) && close(c.f1, f),
                "{c:?}"
            );
            assert_eq!(c.support, s);
        }
        assert!(close(m.macro_f1, (0.8 + 0.5 + 2.0 / 3.0) / 3.0));
    }

    #[test]
    fn absent_class_scores_zero_and_counts_in_macro() {
        let m = Metrics::compute(&[0, 0, 1], &[0, 1, 1], &labels(&["x", "y", "z"]));
        // x: tp1 fp1 fn0 → f1 2/3; y: tp1 fp0 fn1 → f1 2/3; z: nothing → 0.
        let z = &m.per_class[2];
        assert_eq!((z.precision, z.recall, z.f1, z.support), (0.0, 0.0, 0.0, 0));
        assert!(close(m.macro_f1, (2.0 / 3.0 + 2.0 / 3.0) / 3.0));
        assert!(close(m.acc, 2.0 / 3.0));
    }

    #[test]
    fn empty_input_has_no_nan() {
        let m = Metrics::compute(&[], &[], &labels(&["a", "b"]));
        assert_eq!((m.acc, m.macro_f1, m.n), (0.0, 0.0, 0));
        assert_eq!(m.confusion, vec![vec![0, 0], vec![0, 0]]);
        assert!(
            m.per_class
                .iter()
                .all(|c| c.f1 == 0.0 && c.precision == 0.0 && c.recall == 0.0)
        );
        let m = Metrics::compute(&[], &[], &[]);
        assert_eq!((m.acc, m.macro_f1, m.n), (0.0, 0.0, 0));
    }

    #[test]
    fn json_round_trip() {
        let m = Metrics::compute(&[1, 0], &[1, 1], &labels(&["neg", "pos"]));
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "acc": 0.5,
                "macro_f1": (0.0 + 2.0 / 3.0) / 2.0,
                "per_class": [
                    {"label": "neg", "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
                    {"label": "pos", "precision": 1.0, "recall": 0.5, "f1": 2.0 / 3.0, "support": 2},
                ],
                "confusion": [[0, 0], [1, 1]],
                "n": 2,
            })
        );
        assert_eq!(serde_json::from_value::<Metrics>(json).unwrap(), m);
    }
}
