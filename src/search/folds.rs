//! k-fold assignment. Classification: each class's rows shuffled (seeded) and dealt to the
//! folds in turn, each class starting where the last one stopped, so every fold keeps the
//! class proportions (within one row per class) and the folds' sizes differ by at most one.
//! Other tasks: one seeded shuffle dealt the same way.
use std::collections::BTreeMap;

use crate::data::{Example, Rng};
use crate::task::Task;

/// The fold (0..k) of every example.
pub fn assign_folds(examples: &[Example], k: usize, seed: u64, task: Task) -> Vec<usize> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        let key = if task == Task::Classification { e.label.as_str() } else { "" };
        groups.entry(key).or_default().push(i);
    }
    let mut rng = Rng::new(seed ^ 0xF01D_5EED);
    let mut fold = vec![0; examples.len()];
    let mut next = 0;
    for rows in groups.values_mut() {
        rng.shuffle(rows);
        for &i in rows.iter() {
            fold[i] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

/// (train, validation) rows for fold `f`.
pub fn fold_split(examples: &[Example], folds: &[usize], f: usize) -> (Vec<Example>, Vec<Example>) {
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for (e, &g) in examples.iter().zip(folds) {
        if g == f { val.push(e.clone()) } else { train.push(e.clone()) }
    }
    (train, val)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(counts: &[(&str, usize)]) -> Vec<Example> {
        counts.iter().flat_map(|&(l, n)| (0..n).map(move |i| Example { text: format!("{l} {i}"), label: l.into() })).collect()
    }

    #[test]
    fn every_row_is_in_exactly_one_fold_and_classes_keep_their_share() {
        let ex = rows(&[("a", 31), ("b", 17), ("c", 9)]);
        for k in [2, 3, 5] {
            let folds = assign_folds(&ex, k, 4, Task::Classification);
            let mut seen = vec![0; ex.len()];
            for f in 0..k {
                let (train, val) = fold_split(&ex, &folds, f);
                assert_eq!(train.len() + val.len(), ex.len());
                for e in &val {
                    seen[ex.iter().position(|x| x == e).expect("a row of the data")] += 1;
                }
                for (label, n) in [("a", 31), ("b", 17), ("c", 9)] {
                    let here = val.iter().filter(|e| e.label == label).count();
                    assert!(here == n / k || here == n.div_ceil(k), "fold {f} of {k}: {here} of class {label}'s {n}");
                }
            }
            assert!(seen.iter().all(|&s| s == 1), "each row validates in exactly one fold");
            let sizes: Vec<usize> = (0..k).map(|f| folds.iter().filter(|&&g| g == f).count()).collect();
            assert!(sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1, "{sizes:?}");
        }
    }

    #[test]
    fn folds_are_seeded() {
        let ex = rows(&[("a", 20), ("b", 20)]);
        assert_eq!(assign_folds(&ex, 4, 1, Task::Classification), assign_folds(&ex, 4, 1, Task::Classification));
        assert_ne!(assign_folds(&ex, 4, 1, Task::Classification), assign_folds(&ex, 4, 2, Task::Classification));
    }
}
