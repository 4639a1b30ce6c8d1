//! Multi-label and regression metrics, and `TaskMetrics`: one task's metrics with the
//! `val_*` scores early stopping watches (the names in `run::MONITORS`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::classes::{ClassMetrics, Metrics, ratio};
use crate::task::Task;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MultiLabelMetrics {
    /// F1 over every (row, label) decision pooled.
    pub micro_f1: f64,
    /// Mean of the per-label F1 (labels absent from the data count, with F1 0).
    pub macro_f1: f64,
    /// Rows whose whole predicted label set equals the gold set.
    pub subset_acc: f64,
    /// Per label; `support` is the rows that carry it.
    pub per_label: Vec<ClassMetrics>,
    pub n: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RegressionMetrics {
    pub mse: f64,
    pub mae: f64,
    /// 1 − SS_res / SS_tot; 0 when the gold values do not vary.
    pub r2: f64,
    /// Pearson's r; 0 when the predictions or the gold values do not vary.
    pub pearson: f64,
    pub n: usize,
}

/// Multi-label metrics. `probs[row][label]` is predicted when ≥ `threshold`; `gold[row][label]`
/// is positive when ≥ 0.5. Rows are taken up to the shorter slice, and a row shorter than
/// `labels` counts its missing entries as negative, so nothing panics and no value is NaN.
pub fn multi_label(probs: &[Vec<f32>], gold: &[Vec<f32>], labels: &[String], threshold: f32) -> MultiLabelMetrics {
    debug_assert_eq!(probs.len(), gold.len(), "probs and gold differ in length");
    let k = labels.len();
    let (mut tp, mut fp, mut fn_) = (vec![0usize; k], vec![0usize; k], vec![0usize; k]);
    let (mut n, mut exact) = (0, 0);
    for (p_row, g_row) in probs.iter().zip(gold) {
        debug_assert!(p_row.len() == k && g_row.len() == k, "row length differs from labels");
        n += 1;
        let mut same = true;
        for j in 0..k {
            let p = p_row.get(j).is_some_and(|&v| v >= threshold);
            let g = g_row.get(j).is_some_and(|&v| v >= 0.5);
            match (p, g) {
                (true, true) => tp[j] += 1,
                (true, false) => fp[j] += 1,
                (false, true) => fn_[j] += 1,
                (false, false) => {}
            }
            same &= p == g;
        }
        exact += usize::from(same);
    }
    let per_label: Vec<ClassMetrics> = labels
        .iter()
        .enumerate()
        .map(|(j, label)| ClassMetrics {
            label: label.clone(),
            precision: ratio(tp[j], tp[j] + fp[j]),
            recall: ratio(tp[j], tp[j] + fn_[j]),
            f1: ratio(2 * tp[j], 2 * tp[j] + fp[j] + fn_[j]),
            support: tp[j] + fn_[j],
        })
        .collect();
    let (tps, fps, fns): (usize, usize, usize) = (tp.iter().sum(), fp.iter().sum(), fn_.iter().sum());
    MultiLabelMetrics {
        micro_f1: ratio(2 * tps, 2 * tps + fps + fns),
        macro_f1: if k == 0 { 0.0 } else { per_label.iter().map(|m| m.f1).sum::<f64>() / k as f64 },
        subset_acc: ratio(exact, n),
        per_label,
        n,
    }
}

/// Regression metrics over pairs up to the shorter slice; all zeros when there are none.
pub fn regression(pred: &[f32], gold: &[f32]) -> RegressionMetrics {
    debug_assert_eq!(pred.len(), gold.len(), "pred and gold differ in length");
    let n = pred.len().min(gold.len());
    if n == 0 {
        return RegressionMetrics { mse: 0.0, mae: 0.0, r2: 0.0, pearson: 0.0, n: 0 };
    }
    let (p, g) = (&pred[..n], &gold[..n]);
    let nf = n as f64;
    let mean = |xs: &[f32]| xs.iter().map(|&x| f64::from(x)).sum::<f64>() / nf;
    let (mp, mg) = (mean(p), mean(g));
    let (mut se, mut ae, mut ss_g, mut ss_p, mut cov) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&pi, &gi) in p.iter().zip(g) {
        let (pi, gi) = (f64::from(pi), f64::from(gi));
        let e = pi - gi;
        se += e * e;
        ae += e.abs();
        let (dp, dg) = (pi - mp, gi - mg);
        ss_g += dg * dg;
        ss_p += dp * dp;
        cov += dp * dg;
    }
    let r2 = if ss_g > 0.0 { 1.0 - se / ss_g } else { 0.0 };
    let pearson = if ss_g > 0.0 && ss_p > 0.0 { (cov / (ss_g * ss_p).sqrt()).clamp(-1.0, 1.0) } else { 0.0 };
    RegressionMetrics { mse: se / nf, mae: ae / nf, r2, pearson, n }
}

/// One task's validation metrics. JSON: the inner struct's fields plus `"task"`
/// ("classification" | "multi_label" | "regression").
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "task", rename_all = "snake_case")]
pub enum TaskMetrics {
    Classification(Metrics),
    MultiLabel(MultiLabelMetrics),
    Regression(RegressionMetrics),
}

impl TaskMetrics {
    pub fn task(&self) -> Task {
        match self {
            TaskMetrics::Classification(_) => Task::Classification,
            TaskMetrics::MultiLabel(_) => Task::MultiLabel,
            TaskMetrics::Regression(_) => Task::Regression,
        }
    }

    /// Rows measured.
    pub fn n(&self) -> usize {
        match self {
            TaskMetrics::Classification(m) => m.n,
            TaskMetrics::MultiLabel(m) => m.n,
            TaskMetrics::Regression(m) => m.n,
        }
    }

    /// The scores by monitor name (`run::MONITORS`, less `val_loss`, which the trainer adds):
    /// classification val_acc, val_macro_f1; multi-label val_micro_f1, val_macro_f1,
    /// val_subset_acc; regression val_mse, val_mae, val_r2, val_pearson.
    pub fn scores(&self) -> BTreeMap<String, f64> {
        let pairs: Vec<(&str, f64)> = match self {
            TaskMetrics::Classification(m) => vec![("val_acc", m.acc), ("val_macro_f1", m.macro_f1)],
            TaskMetrics::MultiLabel(m) => {
                vec![("val_micro_f1", m.micro_f1), ("val_macro_f1", m.macro_f1), ("val_subset_acc", m.subset_acc)]
            }
            TaskMetrics::Regression(m) => {
                vec![("val_mse", m.mse), ("val_mae", m.mae), ("val_r2", m.r2), ("val_pearson", m.pearson)]
            }
        };
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{MONITORS, monitors_for};

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn multi_label_hand_computed() {
        // labels a b c, threshold 0.5
        // row 0: pred {a, b}  gold {a}     → a tp, b fp
        // row 1: pred {c}     gold {b, c}  → c tp, b fn
        // row 2: pred {a}     gold {a}     → a tp           (exact)
        // row 3: pred {}      gold {}      →                (exact)
        let probs = vec![
            vec![0.9, 0.5, 0.1],
            vec![0.2, 0.49, 0.7],
            vec![0.6, 0.0, 0.3],
            vec![0.1, 0.2, 0.3],
        ];
        let gold = vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 1.0], vec![1.0, 0.0, 0.0], vec![0.0, 0.0, 0.0]];
        let m = multi_label(&probs, &gold, &labels(&["a", "b", "c"]), 0.5);
        assert_eq!(m.n, 4);
        // a: tp 2 fp 0 fn 0; b: tp 0 fp 1 fn 1; c: tp 1 fp 0 fn 0
        let expect = [(1.0, 1.0, 1.0, 2), (0.0, 0.0, 0.0, 1), (1.0, 1.0, 1.0, 1)];
        for (c, (p, r, f, s)) in m.per_label.iter().zip(expect) {
            assert!(close(c.precision, p) && close(c.recall, r) && close(c.f1, f), "{c:?}");
            assert_eq!(c.support, s);
        }
        // micro: TP 3, FP 1, FN 1 → 6 / 8
        assert!(close(m.micro_f1, 0.75), "{}", m.micro_f1);
        assert!(close(m.macro_f1, 2.0 / 3.0));
        assert!(close(m.subset_acc, 0.5));
        // At 0.65 row 0 predicts {a} (exact now) and row 2 predicts {} (a missed):
        // a: tp 1 fn 1; b: fn 1; c: tp 1 → TP 2, FP 0, FN 2; exact rows 0 and 3.
        let m = multi_label(&probs, &gold, &labels(&["a", "b", "c"]), 0.65);
        assert!(close(m.micro_f1, 4.0 / 6.0), "{}", m.micro_f1);
        assert!(close(m.subset_acc, 0.5));
    }

    #[test]
    fn multi_label_degenerate_input_has_no_nan() {
        let m = multi_label(&[], &[], &labels(&["a", "b"]), 0.5);
        assert_eq!((m.micro_f1, m.macro_f1, m.subset_acc, m.n), (0.0, 0.0, 0.0, 0));
        let m = multi_label(&[vec![], vec![]], &[vec![], vec![]], &[], 0.5);
        // No labels: both rows' (empty) sets agree.
        assert_eq!((m.micro_f1, m.macro_f1, m.subset_acc, m.n), (0.0, 0.0, 1.0, 2));
        // Nothing gold, nothing predicted: every ratio 0, subset accuracy 1.
        let m = multi_label(&[vec![0.0, f32::NAN]], &[vec![0.0, 0.0]], &labels(&["a", "b"]), 0.5);
        assert_eq!((m.micro_f1, m.macro_f1, m.subset_acc), (0.0, 0.0, 1.0));
        assert!(m.per_label.iter().all(|c| c.precision == 0.0 && c.recall == 0.0 && c.f1 == 0.0));
    }

    #[test]
    fn regression_hand_computed() {
        // gold 1 2 3 4, pred 2 2 2 6: errors 1 0 −1 2
        let m = regression(&[2.0, 2.0, 2.0, 6.0], &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m.n, 4);
        assert!(close(m.mse, 6.0 / 4.0));
        assert!(close(m.mae, 4.0 / 4.0));
        // SS_tot = 2.25 + .25 + .25 + 2.25 = 5; SS_res = 6 → r2 = −0.2
        assert!(close(m.r2, -0.2), "{}", m.r2);
        // pred mean 3: dp −1 −1 −1 3; dg −1.5 −.5 .5 1.5; cov = 1.5+.5−.5+4.5 = 6;
        // ss_p = 12, ss_g = 5 → r = 6 / sqrt(60)
        assert!(close(m.pearson, 6.0 / 60f64.sqrt()), "{}", m.pearson);
        let perfect = regression(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]);
        assert_eq!((perfect.mse, perfect.mae, perfect.r2), (0.0, 0.0, 1.0));
        assert!(close(perfect.pearson, 1.0));
        let reversed = regression(&[3.0, 2.0, 1.0], &[1.0, 2.0, 3.0]);
        assert!(close(reversed.pearson, -1.0));
    }

    #[test]
    fn regression_degenerate_input_has_no_nan() {
        assert_eq!(regression(&[], &[]), RegressionMetrics { mse: 0.0, mae: 0.0, r2: 0.0, pearson: 0.0, n: 0 });
        // Constant gold: r2 and pearson 0, errors still measured.
        let m = regression(&[1.0, 3.0], &[2.0, 2.0]);
        assert_eq!((m.mse, m.mae, m.r2, m.pearson, m.n), (1.0, 1.0, 0.0, 0.0, 2));
        // Constant predictions: pearson 0, r2 as defined.
        let m = regression(&[2.0, 2.0], &[1.0, 3.0]);
        assert_eq!((m.r2, m.pearson), (0.0, 0.0));
        let m = regression(&[5.0], &[4.0]);
        assert_eq!((m.mse, m.mae, m.r2, m.pearson), (1.0, 1.0, 0.0, 0.0));
    }

    #[test]
    fn scores_are_the_monitor_names() {
        let cls = TaskMetrics::Classification(Metrics::compute(&[0, 1], &[0, 0], &labels(&["x", "y"])));
        let ml = TaskMetrics::MultiLabel(multi_label(&[vec![0.9]], &[vec![1.0]], &labels(&["a"]), 0.5));
        let reg = TaskMetrics::Regression(regression(&[1.0, 2.0], &[1.0, 3.0]));
        for m in [&cls, &ml, &reg] {
            let keys: Vec<String> = m.scores().into_keys().collect();
            let mut want: Vec<String> =
                monitors_for(m.task()).iter().filter(|k| **k != "val_loss").map(|k| k.to_string()).collect();
            want.sort();
            assert_eq!(keys, want, "{:?}", m.task());
            assert!(keys.iter().all(|k| MONITORS.iter().any(|(name, _)| name == k)));
        }
        assert_eq!(cls.scores()["val_acc"], 0.5);
        assert_eq!(ml.scores()["val_subset_acc"], 1.0);
        assert_eq!(reg.scores()["val_mae"], 0.5);
        assert_eq!((cls.n(), ml.n(), reg.n()), (2, 1, 2));
    }

    #[test]
    fn task_metrics_json() {
        let reg = TaskMetrics::Regression(regression(&[1.0, 2.0], &[1.0, 3.0]));
        let json = serde_json::to_value(&reg).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"task": "regression", "mse": 0.5, "mae": 0.5, "r2": 0.5, "pearson": 1.0, "n": 2})
        );
        assert_eq!(serde_json::from_value::<TaskMetrics>(json).unwrap(), reg);
        let ml = TaskMetrics::MultiLabel(multi_label(&[vec![0.9, 0.1]], &[vec![1.0, 1.0]], &labels(&["a", "b"]), 0.5));
        let json = serde_json::to_value(&ml).unwrap();
        assert_eq!(json["task"], "multi_label");
        assert_eq!(json["per_label"][1]["support"], 1);
        assert_eq!(serde_json::from_value::<TaskMetrics>(json).unwrap(), ml);
        let cls = TaskMetrics::Classification(Metrics::compute(&[1, 0], &[1, 1], &labels(&["neg", "pos"])));
        let json = serde_json::to_value(&cls).unwrap();
        assert_eq!((&json["task"], &json["confusion"]), (&serde_json::json!("classification"), &serde_json::json!([[0, 0], [1, 1]])));
        assert_eq!(serde_json::from_value::<TaskMetrics>(json).unwrap(), cls);
    }
}
