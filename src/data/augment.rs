//! Augmentation: altered copies of training rows (random word deletion, a swap of two words,
//! a crop to a shorter span). Each copy is drawn from the seed, the row's text and the copy's
//! number, so a row gets the same copies whichever fold or run it is in (and the prefix cache
//! of one run serves the next). Validation rows never pass through here.
use serde::{Deserialize, Serialize};

use crate::data::example::Example;
use crate::data::rng::Rng;
use crate::fingerprint::fingerprint;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Augment {
    /// Altered copies per training row (0: none).
    pub copies: usize,
    /// The alterations to draw from (one per copy).
    #[serde(default = "all_ops")]
    pub ops: Vec<AugOp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AugOp {
    /// Drop each word with probability 0.1 (at least one goes, one stays).
    Delete,
    /// Swap two different words, once per ten words (at least once).
    Swap,
    /// Keep a contiguous span of 70–99 % of the words.
    Crop,
}

fn all_ops() -> Vec<AugOp> {
    vec![AugOp::Delete, AugOp::Swap, AugOp::Crop]
}

/// The altered copies of `rows` (the originals not included). A copy that comes out equal to
/// its row (a one-word text) is left out.
pub fn augment(rows: &[Example], aug: &Augment, seed: u64) -> Vec<Example> {
    let mut out = Vec::new();
    if aug.ops.is_empty() {
        return out;
    }
    for row in rows {
        let words: Vec<&str> = row.text.split_whitespace().collect();
        let key = u64::from_str_radix(&fingerprint(&[row.text.as_bytes()])[..16], 16).unwrap_or(0);
        for copy in 0..aug.copies {
            let mut rng = Rng::new(seed ^ key ^ (copy as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
            let op = aug.ops[rng.below(aug.ops.len())];
            let text = alter(&words, op, &mut rng).join(" ");
            if text != row.text && !text.is_empty() {
                out.push(Example { text, label: row.label.clone() });
            }
        }
    }
    out
}

fn alter<'a>(words: &[&'a str], op: AugOp, rng: &mut Rng) -> Vec<&'a str> {
    let n = words.len();
    let mut w = words.to_vec();
    if n < 2 {
        return w;
    }
    match op {
        AugOp::Delete => {
            w.retain(|_| rng.below(10) != 0);
            if w.len() == n {
                w.remove(rng.below(n)); // a copy always differs
            }
            if w.is_empty() {
                w.push(words[rng.below(n)]);
            }
        }
        AugOp::Swap => {
            for _ in 0..(n / 10).max(1) {
                let i = rng.below(n);
                w.swap(i, (i + 1 + rng.below(n - 1)) % n);
            }
        }
        AugOp::Crop => {
            let min = (n * 7).div_ceil(10).min(n - 1);
            let keep = min + rng.below(n - min);
            let start = rng.below(n - keep + 1);
            w = w[start..start + keep].to_vec();
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Example> {
        ["a fine and moving film about two old friends", "dull", "not the best but a good time at the movies overall"]
            .iter()
            .map(|t| Example { text: t.to_string(), label: "x".into() })
            .collect()
    }

    #[test]
    fn copies_are_seeded_altered_and_keep_the_label() {
        let aug = Augment { copies: 3, ops: all_ops() };
        let a = augment(&rows(), &aug, 7);
        assert_eq!(a, augment(&rows(), &aug, 7), "same seed, same copies");
        assert_ne!(a, augment(&rows(), &aug, 8), "another seed, other copies");
        // the one-word row has no altered copy; the others have 3 each
        assert_eq!(a.len(), 6);
        assert!(a.iter().all(|e| e.label == "x" && !rows().iter().any(|r| r.text == e.text)));
    }

    #[test]
    fn each_op_does_what_it_says() {
        let words: Vec<&str> = "one two three four five six seven eight nine ten".split(' ').collect();
        let mut rng = Rng::new(3);
        let crop = alter(&words, AugOp::Crop, &mut rng);
        assert!((7..10).contains(&crop.len()));
        let at = words.iter().position(|w| *w == crop[0]).expect("a crop starts at a word");
        assert_eq!(crop, words[at..at + crop.len()].to_vec(), "a crop is a contiguous span");
        let mut swap = alter(&words, AugOp::Swap, &mut rng);
        swap.sort();
        let mut sorted = words.clone();
        sorted.sort();
        assert_eq!(swap, sorted, "a swap keeps every word");
        let del = alter(&words, AugOp::Delete, &mut Rng::new(5));
        assert!(!del.is_empty() && del.len() <= words.len() && del.iter().all(|w| words.contains(w)));
    }

    #[test]
    fn no_copies_or_no_ops_add_nothing() {
        assert!(augment(&rows(), &Augment { copies: 0, ops: all_ops() }, 1).is_empty());
        assert!(augment(&rows(), &Augment { copies: 2, ops: vec![] }, 1).is_empty());
    }
}
