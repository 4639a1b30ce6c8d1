//! Seeded splitting and sampling: train / validation by class (or by row for multi-label and
//! regression), and balanced samples. The randomness itself is `rng.rs` (`Rng` and
//! `epoch_order` are re-exported here, where they used to live).

use std::collections::HashMap;

use crate::data::errors::DataError;
use crate::data::example::{Example, class_counts};
pub use crate::data::rng::{Rng, epoch_order};
use crate::task::Task;

/// Checks `--val-fraction`-style input before it reaches `stratified_split`.
pub fn check_val_fraction(f: f64) -> Result<(), DataError> {
    if (0.0..=0.9).contains(&f) {
        Ok(())
    } else {
        Err(DataError::BadValFraction(f))
    }
}

/// (train, validation). Per class (in class order): shuffle, then put
/// round(val_fraction · n) in validation — at least 1 when val_fraction > 0
/// and the class has 2 or more, never the whole class — so every class with
/// two examples is seen in both. Train and validation are then shuffled.
pub fn stratified_split(
    examples: &[Example],
    val_fraction: f64,
    seed: u64,
) -> (Vec<Example>, Vec<Example>) {
    let mut rng = Rng::new(seed);
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for mut group in by_class(examples) {
        rng.shuffle(&mut group);
        let k = val_count(group.len(), val_fraction);
        val.extend(group.drain(..k));
        train.extend(group);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut val);
    (train, val)
}

/// (train, validation) for `task`. Classification: `stratified_split`. Multi-label and
/// regression, where grouping by the whole label would put nearly every row in a group of
/// its own: shuffle, then the first round(val_fraction · n) rows are validation (at least 1
/// when val_fraction > 0 and n ≥ 2, never all).
pub fn split_for(
    examples: &[Example],
    val_fraction: f64,
    seed: u64,
    task: Task,
) -> (Vec<Example>, Vec<Example>) {
    if task == Task::Classification {
        return stratified_split(examples, val_fraction, seed);
    }
    let mut train = examples.to_vec();
    Rng::new(seed).shuffle(&mut train);
    let val = train.drain(..val_count(train.len(), val_fraction)).collect();
    (train, val)
}

/// Up to `n` examples for `task`. Classification: `stratified_sample`. Multi-label and
/// regression: the first `n` of a seeded shuffle.
pub fn sample_for(examples: &[Example], n: usize, seed: u64, task: Task) -> Vec<Example> {
    if task == Task::Classification {
        return stratified_sample(examples, n, seed);
    }
    let mut out = examples.to_vec();
    Rng::new(seed).shuffle(&mut out);
    out.truncate(n);
    out
}

fn val_count(n: usize, f: f64) -> usize {
    if f.is_nan() || f <= 0.0 || n < 2 {
        return 0;
    }
    ((f * n as f64).round() as usize).clamp(1, n - 1)
}

/// A balanced sample of up to `n` examples: n / n_classes per class, a class
/// with fewer gives all it has and its unused share goes to the others (so
/// the sample has min(n, total) rows); the remainder of the division goes to
/// the first classes. Shuffled.
pub fn stratified_sample(examples: &[Example], n: usize, seed: u64) -> Vec<Example> {
    let mut rng = Rng::new(seed);
    let groups = by_class(examples);
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let mut out = Vec::new();
    for (mut group, quota) in groups.into_iter().zip(quotas(&sizes, n)) {
        rng.shuffle(&mut group);
        group.truncate(quota);
        out.extend(group);
    }
    rng.shuffle(&mut out);
    out
}

/// Water-filling: split what is left evenly among classes not yet exhausted.
fn quotas(sizes: &[usize], n: usize) -> Vec<usize> {
    let mut quota = vec![0; sizes.len()];
    let mut left = n.min(sizes.iter().sum());
    while left > 0 {
        let open: Vec<usize> = (0..sizes.len()).filter(|&i| quota[i] < sizes[i]).collect();
        let share = left / open.len().max(1);
        if share == 0 {
            // Fewer rows left than open classes: one more each, in class order.
            for &i in open.iter().take(left) {
                quota[i] += 1;
            }
            break;
        }
        for &i in &open {
            let add = share.min(sizes[i] - quota[i]);
            quota[i] += add;
            left -= add;
        }
    }
    quota
}

/// Examples grouped by class, in class order, each group in input order.
fn by_class(examples: &[Example]) -> Vec<Vec<Example>> {
    let classes = class_counts(examples.iter().map(|e| e.label.as_str()));
    let index: HashMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, (l, _))| (l.as_str(), i))
        .collect();
    let mut groups: Vec<Vec<Example>> = classes
        .iter()
        .map(|(_, c)| Vec::with_capacity(*c))
        .collect();
    for e in examples {
        if let Some(&i) = index.get(e.label.as_str()) {
            groups[i].push(e.clone());
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples(counts: &[(&str, usize)]) -> Vec<Example> {
        counts
            .iter()
            .flat_map(|&(label, n)| {
                (0..n).map(move |i| Example {
                    text: format!("{label}{i}"),
                    label: label.into(),
                })
            })
            .collect()
    }

    fn count(xs: &[Example], label: &str) -> usize {
        xs.iter().filter(|e| e.label == label).count()
    }

    fn sorted(mut xs: Vec<Example>) -> Vec<String> {
        let mut t: Vec<String> = xs.drain(..).map(|e| e.text).collect();
        t.sort();
        t
    }

    #[test]
    fn split_sizes_are_stratified() {
        let data = examples(&[("pos", 10), ("neg", 5), ("one", 1), ("two", 2)]);
        let (train, val) = stratified_split(&data, 0.2, 42);
        // pos: round(2.0) = 2; neg: round(1.0) = 1; one: 0; two: round(0.4) = 0 → at least 1.
        assert_eq!(
            [
                count(&val, "pos"),
                count(&val, "neg"),
                count(&val, "one"),
                count(&val, "two")
            ],
            [2, 1, 0, 1]
        );
        assert_eq!(train.len() + val.len(), data.len());
        assert_eq!(sorted([train, val].concat()), sorted(data));
    }

    #[test]
    fn split_never_takes_a_whole_class() {
        let data = examples(&[("a", 2), ("b", 3)]);
        let (train, val) = stratified_split(&data, 0.9, 1);
        assert_eq!((count(&val, "a"), count(&val, "b")), (1, 2));
        assert_eq!((count(&train, "a"), count(&train, "b")), (1, 1));
        let (train, val) = stratified_split(&data, 0.0, 1);
        assert!(val.is_empty());
        assert_eq!(train.len(), 5);
    }

    #[test]
    fn split_is_deterministic() {
        let data = examples(&[("a", 30), ("b", 20)]);
        assert_eq!(
            stratified_split(&data, 0.1, 3),
            stratified_split(&data, 0.1, 3)
        );
        assert_ne!(
            stratified_split(&data, 0.1, 3).1,
            stratified_split(&data, 0.1, 4).1
        );
    }

    #[test]
    fn val_fraction_is_checked() {
        assert!(check_val_fraction(0.0).is_ok() && check_val_fraction(0.9).is_ok());
        for bad in [-0.1, 0.95, 1.0, f64::NAN] {
            assert!(check_val_fraction(bad).is_err(), "{bad}");
        }
        let msg = check_val_fraction(1.5).unwrap_err().to_string();
        assert!(msg.contains("between 0 and 0.9 (got 1.5)"), "{msg}");
    }

    #[test]
    fn sample_is_balanced() {
        let data = examples(&[("a", 100), ("b", 2000), ("c", 2000)]);
        let s = stratified_sample(&data, 1000, 9);
        assert_eq!(
            (s.len(), count(&s, "a"), count(&s, "b"), count(&s, "c")),
            (1000, 100, 450, 450)
        );
        let s = stratified_sample(&data, 1000, 9);
        assert_eq!(s, stratified_sample(&data, 1000, 9));
        let s = stratified_sample(&examples(&[("a", 500), ("b", 500), ("c", 500)]), 1000, 9);
        assert_eq!(
            (count(&s, "a"), count(&s, "b"), count(&s, "c")),
            (334, 333, 333)
        );
        let small = examples(&[("a", 3), ("b", 4)]);
        assert_eq!(
            sorted(stratified_sample(&small, 100, 1)),
            sorted(small.clone())
        );
        assert!(stratified_sample(&small, 0, 1).is_empty());
    }

    fn numbers(n: usize) -> Vec<Example> {
        (0..n).map(|i| Example { text: format!("t{i}"), label: format!("{}.5", i) }).collect()
    }

    #[test]
    fn split_for_regression_holds_rows_out() {
        let data = numbers(50);
        // Every value is its own group: the stratified split keeps none back.
        assert!(stratified_split(&data, 0.2, 1).1.is_empty());
        let (train, val) = split_for(&data, 0.2, 1, Task::Regression);
        assert_eq!((train.len(), val.len()), (40, 10));
        assert_eq!(sorted([train.clone(), val.clone()].concat()), sorted(data.clone()));
        assert_eq!(split_for(&data, 0.2, 1, Task::Regression), (train, val.clone()));
        assert_ne!(split_for(&data, 0.2, 2, Task::Regression).1, val);
        // At least one, never all; none when the fraction is 0.
        assert_eq!(split_for(&numbers(3), 0.01, 1, Task::Regression).1.len(), 1);
        assert_eq!(split_for(&numbers(2), 0.9, 1, Task::MultiLabel).1.len(), 1);
        assert_eq!(split_for(&numbers(1), 0.5, 1, Task::Regression), (numbers(1), vec![]));
        assert!(split_for(&data, 0.0, 1, Task::Regression).1.is_empty());
        assert_eq!(split_for(&[], 0.2, 1, Task::MultiLabel), (vec![], vec![]));
    }

    #[test]
    fn split_for_multi_label_is_deterministic_and_complete() {
        let data: Vec<Example> = (0..30)
            .map(|i| Example { text: format!("t{i}"), label: ["a|b", "a", "b", "b|c"][i % 4].into() })
            .collect();
        let (train, val) = split_for(&data, 0.1, 7, Task::MultiLabel);
        assert_eq!((train.len(), val.len()), (27, 3));
        assert_eq!(sorted([train.clone(), val.clone()].concat()), sorted(data.clone()));
        assert_eq!(split_for(&data, 0.1, 7, Task::MultiLabel), (train, val));
    }

    #[test]
    fn classification_split_and_sample_are_the_stratified_ones() {
        let data = examples(&[("a", 30), ("b", 7)]);
        assert_eq!(split_for(&data, 0.2, 5, Task::Classification), stratified_split(&data, 0.2, 5));
        assert_eq!(sample_for(&data, 10, 5, Task::Classification), stratified_sample(&data, 10, 5));
    }

    #[test]
    fn sample_for_regression() {
        let data = numbers(40);
        let s = sample_for(&data, 15, 3, Task::Regression);
        assert_eq!(s.len(), 15);
        assert_eq!(s, sample_for(&data, 15, 3, Task::Regression));
        assert_ne!(s, sample_for(&data, 15, 4, Task::Regression));
        assert!(s.iter().all(|e| data.contains(e)));
        let mut texts: Vec<&str> = s.iter().map(|e| e.text.as_str()).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 15);
        assert_eq!(sorted(sample_for(&data, 100, 3, Task::MultiLabel)), sorted(data.clone()));
        assert!(sample_for(&data, 0, 3, Task::Regression).is_empty());
    }

}
