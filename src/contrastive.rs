//! Few-shot contrastive training (SetFit's recipe): pairs of training rows, the same class
//! (target 1) or not (target 0), and the loss that pulls the layers' mean-pooled embeddings
//! together or apart: (cos(u, v) − target)², as sentence-transformers' CosineSimilarityLoss.
//! The head is fitted afterwards on the new embeddings (`logreg`).
use burn::prelude::*;

use crate::data::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    /// 1 same class, 0 not.
    pub target: f32,
}

/// `rounds` rounds over the rows (class index per row): each gives every row that has a
/// same-class partner one positive pair and one negative pair, so positives and negatives are
/// equal in number; partners drawn from `seed`. Empty when no class has two rows or there is
/// only one class.
pub fn build_pairs(classes: &[usize], rounds: usize, seed: u64) -> Vec<Pair> {
    let k = classes.iter().max().map_or(0, |m| m + 1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); k];
    classes.iter().enumerate().for_each(|(i, &c)| by_class[c].push(i));
    let mut rng = Rng::new(seed ^ 0x5EED_0F_FA1E5);
    let mut pairs = Vec::with_capacity(classes.len() * rounds * 2);
    for _ in 0..rounds {
        for (i, &c) in classes.iter().enumerate() {
            let same = &by_class[c];
            let others = classes.len() - same.len();
            if same.len() < 2 || others == 0 {
                continue;
            }
            // a same-class row other than i, and the j-th row outside class c
            let mut j = same[rng.below(same.len() - 1)];
            if j == i {
                j = same[same.len() - 1];
            }
            pairs.push(Pair { a: i, b: j, target: 1.0 });
            let mut n = rng.below(others);
            let neg = by_class.iter().enumerate().filter(|&(d, _)| d != c).find_map(|(_, rows)| {
                if n < rows.len() { Some(rows[n]) } else { n -= rows.len(); None }
            });
            if let Some(j) = neg {
                pairs.push(Pair { a: i, b: j, target: 0.0 });
            }
        }
    }
    rng.shuffle(&mut pairs);
    pairs
}

/// The rows a batch of pairs needs, each once, and each pair's two positions among them.
pub fn batch_rows(pairs: &[Pair]) -> (Vec<usize>, Vec<i32>, Vec<i32>) {
    let mut rows: Vec<usize> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    rows.sort_unstable();
    rows.dedup();
    let at = |r: usize| rows.binary_search(&r).unwrap_or(0) as i32;
    let a = pairs.iter().map(|p| at(p.a)).collect();
    let b = pairs.iter().map(|p| at(p.b)).collect();
    (rows, a, b)
}

/// mean over pairs of (cos(e[a], e[b]) − target)², for embeddings `e` [u, h]; cosine as
/// torch's (x·y / max(‖x‖‖y‖, 1e-8)).
pub fn pair_loss(e: Tensor<2>, a: &[i32], b: &[i32], target: &[f32]) -> Tensor<1> {
    let device = e.device();
    let p = a.len();
    let ia = Tensor::<1, Int>::from_data(TensorData::new(a.to_vec(), [p]), &device);
    let ib = Tensor::<1, Int>::from_data(TensorData::new(b.to_vec(), [p]), &device);
    let (u, v) = (e.clone().select(0, ia), e.select(0, ib));
    let dot = (u.clone() * v.clone()).sum_dim(1);
    let norms = (u.square().sum_dim(1) * v.square().sum_dim(1)).sqrt().clamp_min(1e-8);
    let cos = (dot / norms).reshape([p]);
    let t = Tensor::<1>::from_data(TensorData::new(target.to_vec(), [p]), &device);
    (cos - t).square().mean()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(classes: &[usize], rounds: usize) {
        let pairs = build_pairs(classes, rounds, 3);
        assert_eq!(pairs, build_pairs(classes, rounds, 3), "the same seed gives the same pairs");
        assert_ne!(pairs, build_pairs(classes, rounds, 4), "another seed, other pairs");
        let pos = pairs.iter().filter(|p| p.target == 1.0).count();
        assert_eq!(pos * 2, pairs.len(), "as many same-class pairs as other-class pairs");
        assert_eq!(pairs.len(), classes.len() * rounds * 2, "every row in two pairs a round");
        for p in &pairs {
            assert_ne!(p.a, p.b);
            assert_eq!(classes[p.a] == classes[p.b], p.target == 1.0, "{p:?}");
        }
        // every row leads its pairs, rounds times each
        for i in 0..classes.len() {
            assert_eq!(pairs.iter().filter(|p| p.a == i).count(), rounds * 2);
        }
    }

    #[test]
    fn pairs_are_balanced_and_seeded_for_two_classes() {
        check(&[0, 1, 0, 1, 1, 0, 0, 1, 1, 1], 4);
    }

    #[test]
    fn pairs_are_balanced_and_seeded_for_five_classes() {
        let classes: Vec<usize> = (0..23).map(|i| i % 5).collect();
        check(&classes, 3);
        // negatives reach every other class
        let pairs = build_pairs(&classes, 20, 1);
        for c in 1..5 {
            assert!(pairs.iter().any(|p| p.target == 0.0 && classes[p.a] == 0 && classes[p.b] == c));
        }
    }

    #[test]
    fn a_row_alone_in_its_class_gets_no_pairs() {
        let pairs = build_pairs(&[0, 0, 1], 2, 0);
        assert!(pairs.iter().all(|p| p.a != 2));
        assert_eq!(pairs.len(), 8);
        assert!(build_pairs(&[0, 0, 0], 2, 0).is_empty(), "one class: nothing to contrast");
    }

    #[test]
    fn the_pair_loss_is_the_mean_squared_cosine_error() {
        let device = Device::flex();
        let e = [[1.0f32, 0.0], [1.0, 1.0], [0.0, 2.0]];
        let t = Tensor::<2>::from_data(TensorData::new(e.concat(), [3, 2]), &device);
        let loss: f32 = pair_loss(t, &[0, 1], &[1, 2], &[1.0, 0.0]).into_scalar();
        let cos = |x: [f32; 2], y: [f32; 2]| (x[0] * y[0] + x[1] * y[1]) / ((x[0] * x[0] + x[1] * x[1]).sqrt() * (y[0] * y[0] + y[1] * y[1]).sqrt());
        let want = ((cos(e[0], e[1]) - 1.0).powi(2) + cos(e[1], e[2]).powi(2)) / 2.0;
        assert!((loss - want).abs() < 1e-6, "{loss} vs {want}");
        let (rows, a, b) = batch_rows(&[Pair { a: 7, b: 3, target: 1.0 }, Pair { a: 3, b: 9, target: 0.0 }]);
        assert_eq!((rows, a, b), (vec![3, 7, 9], vec![1, 0], vec![0, 2]));
    }
}
