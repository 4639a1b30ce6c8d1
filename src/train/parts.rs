//! A step split across workers (data parallel): the training worker begins the next step, keeps
//! the first part of its batch and hands the others out as bytes (`split_step`); each worker
//! computes its part's gradients (`own_part` here, `PartWorker::grads` there); `join_step` adds
//! them in part order and takes the one optimizer step. A row drops what it would in the whole
//! batch (dropout.rs) and a part's loss is its share of the batch's, so the step is the unsplit
//! one up to the order of float additions.
use burn::prelude::*;

use super::part::{PartFiles, PartWorker, add_grads, encode, read_params};
use super::begun::PartedStep;
use super::trainer::Trainer;
use crate::error::{Error, Result};
use crate::progress::StepInfo;
use crate::step::{apply, grads_of};

impl Trainer {
    /// Begins the next step with its batch in `parts` parts (fewer when the batch has fewer
    /// rows): returns parts 1.. as bytes for `PartWorker::grads`; part 0 is this trainer's.
    /// None, with nothing begun, when the run's steps cannot be split (contrastive: its loss
    /// is over the batch's pairs).
    pub async fn split_step(&mut self, parts: usize) -> Result<Option<Vec<Vec<u8>>>> {
        if !self.pairs.is_empty() {
            return Ok(None);
        }
        // a step left half-done (a worker failed) is dropped: it changed nothing yet
        self.parted = None;
        let begun = self.begin_step().await?;
        let b = begun.idx.len();
        let batch = self.input(false, &begun.idx, &self.device).await?;
        let target = self.objective.batch(&self.train.targets, &begun.idx, &self.device);
        let mut own = None;
        let mut others = Vec::new();
        for (k, (start, rows)) in part_ranges(b, parts).into_iter().enumerate() {
            let (t, scale) = target.rows(start, rows, b);
            let part = (batch.rows(start, rows), t, scale, begun.noise.from_row(start));
            match k {
                0 => own = Some(part),
                _ => others.push(encode(part.0, part.1, part.2, part.3).await?),
            }
        }
        self.parted = Some(PartedStep { begun, own, grads: None });
        Ok(Some(others))
    }

    /// Part 0's gradients, here (while the other workers compute theirs).
    pub async fn own_part(&mut self) -> Result<()> {
        let parted = self.parted.as_mut().ok_or_else(no_step)?;
        let (batch, target, scale, noise) = parted.own.take().ok_or_else(no_step)?;
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        let batch = batch.autodiff();
        parted.grads = Some(grads_of(top, &self.objective, |t| t.forward(batch, Some(noise)), target, scale, true));
        Ok(())
    }

    /// Ends the step: part 0's gradients plus `others` (each part's from `PartWorker::grads`,
    /// in part order), one optimizer step, the step counted as `step` counts it.
    pub async fn join_step(&mut self, others: &[Vec<f32>]) -> Result<StepInfo> {
        let PartedStep { begun, grads, .. } = self.parted.take().ok_or_else(no_step)?;
        let (mut grads, mut loss) = grads.ok_or_else(no_step)?;
        let top = self.top.take().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        for flat in others {
            let added = match flat.split_last() {
                Some((l, g)) => add_grads(&top, &mut grads, g).map(|()| *l),
                None => Err(Error::Device("a part's gradients arrived empty".into())),
            };
            match added {
                Ok(l) => loss = loss + Tensor::from_data(TensorData::new(vec![l], [1]), &self.device),
                Err(e) => {
                    self.top = Some(top);
                    return Err(e);
                }
            }
        }
        let (top, out) = apply(top, &mut self.optim, grads, loss, begun.lr, self.cfg.clip_norm, self.cfg.teaching);
        self.top = Some(top);
        self.end_step(begun, out).await
    }

    /// One step split across `workers` in this thread, one part each beside this trainer's: what
    /// the tab's pool does across its workers, for the CLI's checks and the tests.
    pub async fn step_with(&mut self, workers: &mut [PartWorker]) -> Result<StepInfo> {
        let Some(parts) = self.split_step(1 + workers.len()).await? else {
            return self.step().await;
        };
        let weights = self.top_weights().await?;
        let mut grads = Vec::with_capacity(parts.len());
        for (part, worker) in parts.iter().zip(workers.iter_mut()) {
            worker.set_weights(&weights)?;
            grads.push(worker.grads(part).await?);
        }
        self.own_part().await?;
        self.join_step(&grads).await
    }

    /// The trainable top's weights as `PartWorker::set_weights` takes them.
    pub async fn top_weights(&self) -> Result<Vec<f32>> {
        read_params(self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?).await
    }

    /// What a `PartWorker` for this run is built from.
    pub async fn part_files(&self) -> Result<PartFiles> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?;
        Ok(PartFiles {
            kind: self.kind(),
            config: self.base.config_json()?,
            checkpoint: self.checkpoint(false).await?,
            first: self.info.frozen_layers,
            outputs: top.outputs(),
        })
    }
}

fn no_step() -> Error {
    Error::Settings("no split step is in progress: call split_step, then own_part, then join_step".into())
}

/// `rows` cut into `parts` runs of rows (fewer when there are fewer rows), the first ones a row
/// longer when they do not divide: (start, rows) each.
fn part_ranges(rows: usize, parts: usize) -> Vec<(usize, usize)> {
    let parts = parts.clamp(1, rows.max(1));
    let (base, extra) = (rows / parts, rows % parts);
    let mut start = 0;
    (0..parts)
        .map(|k| {
            let n = base + usize::from(k < extra);
            start += n;
            (start - n, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn part_ranges_cover_the_rows_once() {
        assert_eq!(super::part_ranges(10, 3), vec![(0, 4), (4, 3), (7, 3)]);
        assert_eq!(super::part_ranges(2, 4), vec![(0, 1), (1, 1)]);
        assert_eq!(super::part_ranges(5, 1), vec![(0, 5)]);
    }
}
