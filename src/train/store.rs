//! Prefix states shared between runs on one model (a search's runs, a cross-validation's
//! folds): a row's states depend only on its tokens and how many layers are frozen, so a run
//! takes what an earlier run computed, chunk by chunk, and runs the prefix only for the rest.
use std::collections::HashMap;

use super::trainer::Trainer;
use crate::prefix::Cached;
use crate::run::CacheDtype;

#[derive(Default)]
pub struct PrefixStore {
    rows: HashMap<(usize, CacheDtype, Vec<u32>), Cached>,
}

impl Trainer {
    /// Marks done every prefix chunk whose rows are all in `store`; returns the rows taken.
    pub fn reuse_prefix(&mut self, store: &PrefixStore) -> usize {
        let key = (self.info.frozen_layers, self.cfg.cache_dtype);
        let mut taken = 0;
        if self.train.tokens().is_empty() {
            // an image run: its rows have no tokens to key them by (nothing is shared)
            return 0;
        }
        for j in 0..self.chunk_done.len() {
            if self.chunk_done[j] {
                continue;
            }
            let found: Option<Vec<Cached>> = self
                .chunk_rows(j)
                .iter()
                .map(|r| store.rows.get(&(key.0, key.1, r.to_vec())).cloned())
                .collect();
            if let Some(rows) = found {
                taken += rows.len();
                // the rows match the chunk by construction, so this cannot be refused
                let _ = self.put_chunk(j, rows);
            }
        }
        taken
    }

    /// Puts every cached row into `store` (once the prefix is prepared).
    pub fn keep_prefix(&self, store: &mut PrefixStore) {
        if !self.info.cached || !self.is_prepared() || self.train.tokens().is_empty() {
            return;
        }
        let key = (self.info.frozen_layers, self.cfg.cache_dtype);
        for split in [&self.train, &self.val] {
            for (tokens, cached) in split.tokens().iter().zip(&split.cache) {
                store.rows.entry((key.0, key.1, tokens.clone())).or_insert_with(|| cached.clone());
            }
        }
    }
}
