//! A search run's result: every fold's validation scores, their mean and spread, and the score
//! the ranking uses.
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use web_time::Instant;

use crate::run::RunConfig;

#[derive(Clone, Debug, Serialize)]
pub struct RunResult {
    pub run: usize,
    /// This run's grid values.
    pub values: BTreeMap<String, Value>,
    pub config: RunConfig,
    pub folds: Vec<FoldScores>,
    /// Every metric's mean and standard deviation over the folds (population: ÷ K).
    pub mean: BTreeMap<String, f64>,
    pub std: BTreeMap<String, f64>,
    /// The mean of the search's metric (null when no fold measured it).
    pub score: Option<f64>,
    pub seconds: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FoldScores {
    pub fold: Option<usize>,
    pub scores: BTreeMap<String, f64>,
}

impl RunResult {
    pub(super) fn new(
        run: usize,
        values: BTreeMap<String, Value>,
        config: RunConfig,
        folds: Vec<(Option<usize>, BTreeMap<String, f64>)>,
        metric: &str,
        started: Instant,
    ) -> RunResult {
        let folds: Vec<FoldScores> = folds.into_iter().map(|(fold, scores)| FoldScores { fold, scores }).collect();
        let (mean, std) = mean_std(&folds.iter().map(|f| f.scores.clone()).collect::<Vec<_>>());
        let score = mean.get(metric).copied();
        RunResult { run, values, config, folds, mean, std, score, seconds: started.elapsed().as_secs_f64() }
    }
}

/// Per metric, the mean and the population standard deviation over the folds that have it.
pub fn mean_std(folds: &[BTreeMap<String, f64>]) -> (BTreeMap<String, f64>, BTreeMap<String, f64>) {
    let mut all: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for f in folds {
        for (k, &v) in f {
            all.entry(k.clone()).or_default().push(v);
        }
    }
    let (mut mean, mut std) = (BTreeMap::new(), BTreeMap::new());
    for (k, v) in all {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64;
        mean.insert(k.clone(), m);
        std.insert(k, var.sqrt());
    }
    (mean, std)
}

/// Best first; ties keep the grid's order; unscored (or NaN) runs last.
pub(super) fn rank(results: &[RunResult], higher_is_better: bool) -> Vec<RunResult> {
    let mut out = results.to_vec();
    let key = |r: &RunResult| r.score.filter(|s| s.is_finite()).map(|s| if higher_is_better { -s } else { s });
    out.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }.then(a.run.cmp(&b.run)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(run: usize, score: Option<f64>) -> RunResult {
        RunResult { run, values: BTreeMap::new(), config: RunConfig::default(), folds: Vec::new(), mean: BTreeMap::new(), std: BTreeMap::new(), score, seconds: 0.0 }
    }

    #[test]
    fn ranks_by_the_metric_in_its_direction() {
        let rs = [result(0, Some(0.7)), result(1, None), result(2, Some(0.9)), result(3, Some(f64::NAN)), result(4, Some(0.7))];
        let order = |h| rank(&rs, h).iter().map(|r| r.run).collect::<Vec<_>>();
        assert_eq!(order(true), vec![2, 0, 4, 1, 3]);
        assert_eq!(order(false), vec![0, 4, 2, 1, 3]);
    }

    #[test]
    fn mean_and_population_std() {
        let f = |a: f64| BTreeMap::from([("val_acc".to_string(), a)]);
        let (m, s) = mean_std(&[f(0.5), f(0.7), f(0.9)]);
        assert!((m["val_acc"] - 0.7).abs() < 1e-12);
        assert!((s["val_acc"] - (0.08f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}
