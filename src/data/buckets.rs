//! Training batches drawn from length buckets ("sortish" order), so a batch carries little
//! padding: every batch is padded to its longest row, and a random batch of short texts with
//! one long one is mostly padding.
//!
//! The order is a flat permutation of 0..n whose consecutive `batch_size` slices are the
//! batches (only the last may be short), and a pure function of (lengths, batch_size, seed,
//! epoch), so a resumed run recomputes it.

use crate::data::rng::epoch_rng;

/// Batches per pool. HF transformers' `LengthGroupedSampler` uses the same 50: a pool of 50
/// batches holds enough rows that its sorted slices are near-uniform in length, while on data
/// larger than a pool each pool is a fresh random subset, so batches still mix across epochs.
/// (With 1,000 rows at batch 32 one pool is the whole epoch; rows of equal length still mix,
/// as the sort is stable over a shuffled order.)
pub const POOL_BATCHES: usize = 50;

/// The row order of one epoch: a seeded shuffle, cut into pools of `POOL_BATCHES` batches,
/// each pool sorted by length and cut into batches; then the full batches are shuffled and the
/// short one (if any) goes last.
pub fn bucketed_order(lengths: &[usize], batch_size: usize, seed: u64, epoch: usize) -> Vec<usize> {
    let n = lengths.len();
    let batch = batch_size.max(1);
    let mut rng = epoch_rng(seed, epoch);
    let mut rows: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut rows);
    for pool in rows.chunks_mut(batch * POOL_BATCHES) {
        pool.sort_by_key(|&i| lengths[i]);
    }
    // pools are whole batches, so only the last pool's last batch can be short
    let mut batches: Vec<&[usize]> = rows.chunks(batch).collect();
    let short = if n.is_multiple_of(batch) { None } else { batches.pop() };
    rng.shuffle(&mut batches);
    batches.into_iter().chain(short).flatten().copied().collect()
}

/// Padded slots over all slots of these batches, each padded to its longest row (0 when empty).
pub fn padding_share<'a>(lengths: &[usize], batches: impl IntoIterator<Item = &'a [usize]>) -> f64 {
    let (mut pad, mut slots) = (0usize, 0usize);
    for b in batches {
        let longest = b.iter().map(|&i| lengths[i]).max().unwrap_or(0);
        slots += b.len() * longest;
        pad += b.iter().map(|&i| longest - lengths[i]).sum::<usize>();
    }
    if slots == 0 { 0.0 } else { pad as f64 / slots as f64 }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::data::rng::{Rng, epoch_order};

    /// Mostly short texts with a long tail, as in review or ticket data.
    fn skewed(n: usize, seed: u64) -> Vec<usize> {
        let mut rng = Rng::new(seed);
        (0..n).map(|_| if rng.below(10) == 0 { 60 + rng.below(68) } else { 5 + rng.below(20) }).collect()
    }

    #[test]
    fn every_row_once_per_epoch_for_any_size() {
        for n in [0, 1, 5, 31, 32, 33, 100, 1000, 1601, 3217] {
            for batch in [1, 3, 8, 32, 64] {
                let lengths = skewed(n, n as u64);
                for epoch in 0..3 {
                    let mut o = bucketed_order(&lengths, batch, 7, epoch);
                    assert_eq!(o.len(), n, "n {n} batch {batch}");
                    o.sort_unstable();
                    assert!(o.iter().copied().eq(0..n), "n {n} batch {batch}: not a permutation");
                }
            }
        }
    }

    #[test]
    fn only_the_last_batch_is_short() {
        // 1,000 rows at 32: 31 full batches and one of 8; the short one must be the last slice
        let lengths = skewed(1000, 1);
        let o = bucketed_order(&lengths, 32, 3, 0);
        let batches: Vec<&[usize]> = o.chunks(32).collect();
        assert_eq!(batches.len(), 32);
        assert_eq!(batches[31].len(), 8);
        // within a batch the rows come from one sorted run, so its lengths are ascending
        assert!(batches.iter().all(|b| b.windows(2).all(|w| lengths[w[0]] <= lengths[w[1]])));
    }

    #[test]
    fn deterministic_for_a_seed_and_different_across_epochs_and_seeds() {
        let lengths = skewed(500, 2);
        let o = bucketed_order(&lengths, 16, 5, 0);
        assert_eq!(o, bucketed_order(&lengths, 16, 5, 0));
        assert_ne!(o, bucketed_order(&lengths, 16, 5, 1));
        assert_ne!(o, bucketed_order(&lengths, 16, 6, 0));
        // rows of one length land in other batches in another epoch, not just in another order
        let batches = |o: &[usize]| {
            o.chunks(16).map(|b| b.iter().copied().collect::<BTreeSet<_>>()).collect::<BTreeSet<_>>()
        };
        assert_ne!(batches(&o), batches(&bucketed_order(&lengths, 16, 5, 1)));
    }

    #[test]
    fn far_less_padding_than_a_random_order() {
        let lengths = skewed(2000, 3);
        let share = |o: &[usize]| padding_share(&lengths, o.chunks(32));
        let random = share(&epoch_order(lengths.len(), 9, 0));
        let bucketed = share(&bucketed_order(&lengths, 32, 9, 0));
        println!("padding share: random {random:.3}, bucketed {bucketed:.3}");
        assert!(random > 0.5, "the skewed lengths pad a random batch heavily: {random}");
        assert!(bucketed < random / 4.0, "bucketed {bucketed} vs random {random}");
    }

    #[test]
    fn padding_share_counts_slots_up_to_each_batchs_longest_row() {
        let lengths = [2, 4, 3, 3];
        // batch [2, 4]: 8 slots, 2 padded; batch [3, 3]: 6 slots, none padded
        assert!((padding_share(&lengths, [&[0, 1][..], &[2, 3][..]]) - 2.0 / 14.0).abs() < 1e-12);
        assert_eq!(padding_share(&lengths, std::iter::empty()), 0.0);
    }
}
