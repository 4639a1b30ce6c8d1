//! The embedding map inside a run: the validation rows' pooled embeddings (through the
//! trainable layers as they are now) projected on two PCA axes fitted once, before this
//! trainer's first step, so motion between epochs is the model changing, not the axes. A
//! resumed run refits the axes on the checkpoint's state (its frames start at the epoch it
//! resumed from and are not comparable with the interrupted run's).
use burn::module::Module;

use super::pca::Pca;
use super::{MapFrame, TeachingRows};
use crate::error::Result;
use crate::infer;
use crate::readback;
use crate::task::Targets;
use crate::train::Trainer;

impl Trainer {
    /// Each validation row's pooled embedding through the current trainable layers.
    pub async fn val_embeddings(&self) -> Result<Vec<Vec<f32>>> {
        let top = self.text_top()?.valid();
        let h = self.text()?.0.config.hidden_size;
        let mut rows = Vec::with_capacity(self.val.tokens().len());
        for chunk in (0..self.val.tokens().len()).collect::<Vec<_>>().chunks(infer::BATCH) {
            let (x, mask) = self.batch(true, chunk, &self.device).await?;
            rows.extend(readback::floats(top.pooled(x, mask)).await?.chunks(h).map(<[f32]>::to_vec));
        }
        Ok(rows)
    }

    /// With teaching on, validation rows and the prefix prepared: fits the axes (once) and
    /// queues the frame of the epochs done so far. Nothing otherwise.
    pub(crate) async fn fit_map(&mut self) -> Result<()> {
        if !self.cfg.teaching || self.teach.pca.is_some() || self.val.tokens().is_empty() || !self.is_prepared() {
            return Ok(());
        }
        let rows = self.val_embeddings().await?;
        let pca = Pca::fit(&rows, 2);
        self.teach.frames.push(frame(&pca, &rows, self.history.len()));
        self.teach.pca = Some(pca);
        Ok(())
    }

    /// At an epoch end: the frame after `epoch` epochs on the axes fitted before.
    pub(crate) async fn push_map(&mut self, epoch: usize) -> Result<()> {
        if self.teach.pca.is_none() {
            return Ok(());
        }
        let rows = self.val_embeddings().await?;
        if let Some(pca) = &self.teach.pca {
            self.teach.frames.push(frame(pca, &rows, epoch));
        }
        Ok(())
    }

    /// The map frames made since the last call (fitting the axes first if no step has yet):
    /// empty unless teaching is on and there are validation rows.
    pub async fn take_maps(&mut self) -> Result<Vec<MapFrame>> {
        self.fit_map().await?;
        Ok(std::mem::take(&mut self.teach.frames))
    }

    /// The validation rows the map's dots stand for.
    pub fn teaching_rows(&self) -> TeachingRows {
        rows_of(&self.val.texts, &self.val.targets, &self.info.labels)
    }

    /// The validation rows with their targets, for `mistakes` once the run is over.
    pub fn val_rows(&self) -> (Vec<String>, Targets) {
        (self.val.texts.clone(), self.val.targets.clone())
    }
}

pub fn rows_of(texts: &[String], targets: &Targets, labels: &[String]) -> TeachingRows {
    let (labels_idx, values) = match targets {
        Targets::Classes(y) => (y.iter().map(|&c| Some(c)).collect(), None),
        Targets::Multi(y) => (y.iter().map(|r| r.iter().position(|&v| v > 0.5)).collect(), None),
        Targets::Values(v) => (vec![None; v.len()], Some(v.clone())),
    };
    TeachingRows { texts: texts.to_vec(), labels: labels_idx, values, label_names: labels.to_vec() }
}

fn frame(pca: &Pca, rows: &[Vec<f32>], epoch: usize) -> MapFrame {
    let points = pca.project(rows).into_iter().map(|p| [p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0)]).collect();
    MapFrame { epoch, points }
}
