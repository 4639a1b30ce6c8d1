//! The baseline a multilingual model must beat on Chinese reviews: binary logistic regression on
//! L2-normalised character 1–3-gram indicators. Shared by tests/it/multilingual.rs (the CLI's
//! check) and examples/ngram_baseline.rs (the browser test's, which runs it).
use tabtune::data::Example;

/// Binary logistic regression on L2-normalised character 1–3-gram indicators (the training rows'
/// vocabulary), full-batch gradient descent; accuracy on `test`.
pub fn char_ngram_baseline(train: &[Example], test: &[Example]) -> f64 {
    let grams = |t: &str| {
        let c: Vec<char> = t.to_lowercase().chars().collect();
        let mut g: Vec<String> = (1..=3).flat_map(|n| c.windows(n).map(String::from_iter).collect::<Vec<_>>()).collect();
        g.sort();
        g.dedup();
        g
    };
    let mut vocab = std::collections::HashMap::new();
    for e in train {
        for g in grams(&e.text) {
            let next = vocab.len();
            vocab.entry(g).or_insert(next);
        }
    }
    let rows = |ex: &[Example]| -> Vec<(Vec<usize>, f64)> {
        ex.iter().map(|e| {
            let f: Vec<usize> = grams(&e.text).iter().filter_map(|g| vocab.get(g).copied()).collect();
            let scale = 1.0 / (f.len().max(1) as f64).sqrt();
            (f, scale)
        }).collect()
    };
    let positive = &train[0].label;
    let (xs, ys): (Vec<_>, Vec<f64>) = (rows(train), train.iter().map(|e| f64::from(u8::from(&e.label == positive))).collect());
    let (mut w, mut b, n) = (vec![0.0f64; vocab.len()], 0.0f64, train.len() as f64);
    let score = |w: &[f64], b: f64, (f, s): &(Vec<usize>, f64)| b + s * f.iter().map(|&j| w[j]).sum::<f64>();
    for _ in 0..3000 {
        let mut grad: Vec<f64> = w.iter().map(|v| 1e-4 * v).collect();
        let mut gb = 0.0;
        for (x, y) in xs.iter().zip(&ys) {
            let r = (1.0 / (1.0 + (-score(&w, b, x)).exp()) - y) / n;
            x.0.iter().for_each(|&j| grad[j] += r * x.1);
            gb += r;
        }
        w.iter_mut().zip(&grad).for_each(|(v, g)| *v -= 2.0 * g);
        b -= 2.0 * gb;
    }
    let hits = rows(test).iter().zip(test).filter(|(x, e)| (score(&w, b, x) > 0.0) == (&e.label == positive)).count();
    hits as f64 / test.len() as f64
}
