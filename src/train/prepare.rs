//! The frozen prefix's pass over every row before training, in fixed chunks: run here one by
//! one (`prepare`), or handed to other workers (`chunk_rows` → their `Prefix::cache` →
//! `put_chunk`), which compute the same bytes because a chunk's rows and padding are fixed.
use super::trainer::PREPARE_CHUNK;
use super::trainer::Trainer;
use crate::kind::Base;
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;
use crate::prefix::{Cached, rows_to_bytes};

impl Trainer {
    /// Runs the frozen prefix over the next chunk of rows; `Some((done, total))` while rows
    /// remain, `None` once every row is cached (at once when the cache is off).
    pub async fn prepare(&mut self) -> Result<Option<(usize, usize)>> {
        match self.chunk_done.iter().position(|d| !d) {
            Some(j) => self.prepare_chunk(j).await.map(Some),
            None => Ok(None),
        }
    }

    /// Runs the prefix over chunk `j` here; (rows done, total).
    pub async fn prepare_chunk(&mut self, j: usize) -> Result<(usize, usize)> {
        let cached = match &self.base {
            Base::Text(b) => b.prefix.cache(&self.chunk_rows(j), &self.device, self.cfg.cache_dtype).await?,
            Base::Image(_) => self.image_rows(self.chunk(j), self.cfg.cache_dtype).await?,
            Base::Audio(_) => self.audio_rows(self.chunk(j), self.cfg.cache_dtype).await?,
        };
        self.put_chunk(j, cached)
    }

    /// How many chunks the prefix pass has (0 when the cache is off).
    pub fn prefix_chunks(&self) -> usize {
        self.chunk_done.len()
    }

    /// Chunk `j`'s rows as (is_val, index) (empty past the last chunk).
    pub(crate) fn chunk(&self, j: usize) -> &[(bool, usize)] {
        let end = ((j + 1) * PREPARE_CHUNK).min(self.pending.len());
        self.pending.get(j * PREPARE_CHUNK..end).unwrap_or(&[])
    }

    /// Chunk `j`'s token rows (empty past the last chunk; and for an image run).
    pub fn chunk_rows(&self, j: usize) -> Vec<&[u32]> {
        if !matches!(self.base, Base::Text(_)) {
            return Vec::new();
        }
        self.chunk(j).iter().map(|&(v, i)| if v { &self.val.tokens()[i][..] } else { &self.train.tokens()[i][..] }).collect()
    }

    /// Stores chunk `j`'s prefix states, computed here or by another worker; (rows done, total).
    pub fn put_chunk(&mut self, j: usize, cached: Vec<Cached>) -> Result<(usize, usize)> {
        let rows = self.chunk(j).to_vec();
        // a row's states: its tokens' (text), the frozen net's channels (images), every window's (sound)
        let want = |v: bool, i: usize| match &self.base {
            Base::Text(_) => if v { self.val.tokens()[i].len() } else { self.train.tokens()[i].len() },
            Base::Image(b) => b.shape[0],
            Base::Audio(b) => b.windows * b.shape[0],
        };
        let fits = rows.len() == cached.len() && rows.iter().zip(&cached).all(|(&(v, i), c)| c.len == want(v, i));
        if self.chunk_done.get(j) != Some(&false) || !fits {
            return Err(Error::Device(format!("prefix chunk {j} does not fit this run (done already, or other rows)")));
        }
        if self.prepared == 0 {
            self.train.cache = vec![Cached::empty(); self.train.len()];
            self.val.cache = vec![Cached::empty(); self.val.len()];
        }
        for (&(v, i), c) in rows.iter().zip(cached) {
            if v { self.val.cache[i] = c } else { self.train.cache[i] = c }
        }
        self.chunk_done[j] = true;
        self.prepared += rows.len();
        Ok((self.prepared, self.pending.len()))
    }

    /// The frozen prefix as the files a pool worker loads (`prefix::from_files`).
    pub async fn prefix_files(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let (model, prefix) = self.text()?;
        crate::prefix::to_files(prefix, &model.config).await
    }

    /// A digest of every cached row's bytes: equal digests, equal caches (pool vs one worker).
    pub fn cache_digest(&self) -> String {
        let bytes = [rows_to_bytes(&self.train.cache), rows_to_bytes(&self.val.cache)];
        fingerprint(&[&bytes[0], &bytes[1]])
    }
}
