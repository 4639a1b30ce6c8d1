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
    /// The alterations to draw from (one per copy); empty: every one of the run's kind.
    #[serde(default)]
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
    /// Sounds: move the word 10–150 ms earlier or later in its second.
    Shift,
    /// Sounds: 0.9–1.1× as fast (and as high).
    Speed,
    /// Sounds: −12 to +6 dB louder.
    Gain,
    /// Sounds: white noise 10–30 dB below the clip's level.
    Noise,
}

/// The alterations a text run draws from when `ops` is left out.
pub const TEXT_OPS: [AugOp; 3] = [AugOp::Delete, AugOp::Swap, AugOp::Crop];

impl AugOp {
    /// Whether the op alters texts (the others alter sounds).
    pub fn is_text(self) -> bool {
        TEXT_OPS.contains(&self)
    }

    /// The op as the settings name it (`shift`).
    pub fn name(self) -> &'static str {
        match self {
            AugOp::Delete => "delete",
            AugOp::Swap => "swap",
            AugOp::Crop => "crop",
            AugOp::Shift => "shift",
            AugOp::Speed => "speed",
            AugOp::Gain => "gain",
            AugOp::Noise => "noise",
        }
    }
}

impl Augment {
    /// Why these ops cannot alter a run's items (texts, else sounds), if they cannot.
    pub fn mismatch(&self, texts: bool) -> Option<String> {
        let op = self.ops.iter().find(|op| op.is_text() != texts).filter(|_| self.copies > 0)?;
        Some(match texts {
            true => format!("augment op {} alters sounds: for texts use delete, swap, crop (or leave ops out)", op.name()),
            false => format!("augment op {} alters texts: for sounds use shift, speed, gain, noise (or leave ops out)", op.name()),
        })
    }
}

fn all_ops() -> Vec<AugOp> {
    TEXT_OPS.to_vec()
}

/// The altered copies of `rows` (the originals not included). A copy that comes out equal to
/// its row (a one-word text) is left out.
pub fn augment(rows: &[Example], aug: &Augment, seed: u64) -> Vec<Example> {
    let mut out = Vec::new();
    let ops = if aug.ops.is_empty() { all_ops() } else { aug.ops.clone() };
    for row in rows {
        let words: Vec<&str> = row.text.split_whitespace().collect();
        let key = u64::from_str_radix(&fingerprint(&[row.text.as_bytes()])[..16], 16).unwrap_or(0);
        for copy in 0..aug.copies {
            let mut rng = Rng::new(seed ^ key ^ (copy as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
            let op = ops[rng.below(ops.len())];
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
        // sound ops: the settings check refuses them for texts
        AugOp::Shift | AugOp::Speed | AugOp::Gain | AugOp::Noise => {}
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
    fn no_copies_add_nothing_and_no_ops_means_every_text_op() {
        assert!(augment(&rows(), &Augment { copies: 0, ops: all_ops() }, 1).is_empty());
        assert_eq!(augment(&rows(), &Augment { copies: 2, ops: vec![] }, 1), augment(&rows(), &Augment { copies: 2, ops: all_ops() }, 1));
    }

    #[test]
    fn ops_of_the_other_kind_are_named_in_the_refusal() {
        let sound = Augment { copies: 2, ops: vec![AugOp::Shift, AugOp::Delete] };
        assert!(sound.mismatch(true).is_some_and(|m| m.contains("op shift alters sounds")));
        assert!(sound.mismatch(false).is_some_and(|m| m.contains("op delete alters texts")));
        assert_eq!(Augment { copies: 2, ops: Vec::new() }.mismatch(false), None, "left out: the kind's own");
        assert_eq!(Augment { copies: 0, ops: vec![AugOp::Shift] }.mismatch(true), None, "no copies, nothing altered");
    }
}
