//! The teaching view on a run in progress: what the last layer looks at (`teach::attention`),
//! the rows it gets wrong (`teach::mistakes`) and the embedding map each epoch (`teach::map`),
//! all on the trainer's weights as they are now. The computations are in `teach/`; this file
//! only feeds them the trainer's rows and weights.
//!
//! The map's axes are fitted once, before this trainer's first step, so motion between epochs
//! is the model changing, not the axes. A resumed run refits the axes on the checkpoint's state
//! (its frames start at the epoch it resumed from and are not comparable with the interrupted
//! run's).
use burn::module::Module;

use super::trainer::Trainer;
use crate::error::{Error, Result};
use crate::infer::{self, Prediction};
use crate::text::bert::Layer;
use crate::readback;
use crate::task::{Targets, Task};
use crate::teach::attention::{assemble, cls_weights, label_probs};
use crate::teach::map::frame;
use crate::teach::mistakes::{find, regression};
use crate::teach::pca::Pca;
use crate::teach::{Attention, MapFrame, Mistake, TeachingRows, rows_of};
use crate::text::tokenize::pad;

impl Trainer {
    /// On the run's weights as they are now (between steps).
    pub async fn attention(&self, text: &str) -> Result<Attention> {
        let top = self.text_top()?.valid();
        let (model, prefix) = self.text()?;
        let crate::text::tokenize::Spans { ids, tokens, offsets } = model.tokenizer.encode_with_offsets(text, self.cfg.max_len)?;
        let layers: Vec<&Layer> = prefix.layers.iter().chain(&top.layers).collect();
        let weights = cls_weights(&prefix.embeddings, &layers, &ids, &self.device).await?;
        let (idv, mask) = pad(&[&ids[..]]).tensors(&self.device);
        let x = prefix.forward(idv, mask.clone());
        let logits = infer::read_rows(top.forward(x, mask, None)).await?;
        let probs = match logits.first() {
            Some(row) if self.info.task != Task::Regression => {
                label_probs(&Prediction::of(row, self.info.task, &self.info.labels, self.cfg.threshold as f32), &self.info.labels)
            }
            _ => Vec::new(),
        };
        Ok(assemble(weights, tokens, offsets, probs))
    }

    /// On the run's validation rows with its weights as they are now.
    pub async fn mistakes(&self) -> Result<Vec<Mistake>> {
        if let Targets::Values(_) = self.val.targets {
            return Err(regression());
        }
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let mut logits = Vec::with_capacity(self.val.len());
        for chunk in (0..self.val.len()).collect::<Vec<_>>().chunks(infer::BATCH) {
            let batch = self.input(true, chunk, &self.device).await?;
            logits.extend(infer::read_rows(top.forward(batch, None)).await?);
        }
        find(&logits, &self.val.targets, &self.val.texts, &self.info.labels, self.cfg.threshold as f32)
    }

    /// Each validation row's pooled embedding through the current trainable layers.
    pub async fn val_embeddings(&self) -> Result<Vec<Vec<f32>>> {
        let top = self.text_top()?.valid();
        let h = self.text()?.0.config.hidden_size;
        let mut rows = Vec::with_capacity(self.val.tokens().len());
        for chunk in (0..self.val.tokens().len()).collect::<Vec<_>>().chunks(infer::BATCH) {
            let (x, mask) = self.batch(true, chunk, &self.device).await?;
            rows.extend(readback::floats(top.pooled(x, mask, None)).await?.chunks(h).map(<[f32]>::to_vec));
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
