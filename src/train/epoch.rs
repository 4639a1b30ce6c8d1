//! The end of an epoch (validation, early stopping) and the model a run leaves.
use burn::module::Module;

use crate::progress::EpochSummary;
use super::trainer::Trainer;
use crate::kind::AnyModel;
use crate::data::padding_share;
use crate::error::{Error, Result};
use crate::infer as evaluate;
use crate::loss::host_loss;
use crate::metrics::TaskMetrics;
use crate::readback;

impl Trainer {
    pub(super) async fn finish_epoch(&mut self, epoch: usize) -> Result<EpochSummary> {
        let sum = match self.epoch_loss.take() {
            Some(s) => readback::scalar(s).await?,
            None => 0.0,
        };
        let train_loss = sum / self.epoch_steps.max(1) as f32;
        // contrastive: pairs per second, the unit its epoch steps through
        let units = if self.pairs.is_empty() { self.train.len() } else { self.pairs.len() };
        let samples_per_s = units as f64 / self.epoch_seconds.max(1e-9);
        let padding_share = self.padding_share(epoch);
        self.epoch_steps = 0;
        self.epoch_seconds = 0.0;
        // contrastive: the head is refitted to the layers before they are scored
        self.fit_head().await?;
        let (val_loss, val_metrics) = match self.evaluate_val().await? {
            Some((l, m)) => (Some(l), Some(m)),
            None => (None, None),
        };
        let mut val_scores = val_metrics.as_ref().map(TaskMetrics::scores).unwrap_or_default();
        if let Some(l) = val_loss {
            val_scores.insert("val_loss".into(), l as f64);
        }
        let (mut best_epoch, mut stopped_early) = (None, false);
        if let (Some(early), Some(top)) = (self.early.as_mut(), self.top.as_ref()) {
            early.observe(epoch + 1, &val_scores, top);
            best_epoch = early.best_epoch();
            // the run stops here; on its last epoch it would have stopped anyway
            stopped_early = early.stopped && self.step < self.info.total_steps;
        }
        let summary = EpochSummary {
            epoch: epoch + 1,
            train_loss,
            val_loss,
            val_acc: val_scores.get("val_acc").copied(),
            val_macro_f1: val_scores.get("val_macro_f1").copied(),
            samples_per_s,
            padding_share,
            val_scores,
            best_epoch,
            stopped_early,
            val_metrics,
        };
        self.history.push(summary.clone());
        // the teaching view's map after this epoch (nothing unless it is on)
        self.push_map(epoch + 1).await?;
        Ok(summary)
    }

    /// Each training row's length in tokens, as batches pad it.
    pub(super) fn train_lengths(&self) -> Vec<usize> {
        self.train.lengths()
    }

    /// The padded share of this epoch's batch slots, from the batches themselves (not counted
    /// step by step), so a run resumed mid-epoch reports what an uninterrupted one does.
    fn padding_share(&self, epoch: usize) -> f64 {
        let lengths = self.train_lengths();
        let spe = self.info.steps_per_epoch;
        if !self.pairs.is_empty() {
            let batches: Vec<Vec<usize>> = self
                .order
                .1
                .chunks(self.cfg.batch_size.max(1))
                .map(|b| crate::contrastive::batch_rows(&b.iter().map(|&i| self.pairs[i]).collect::<Vec<_>>()).0)
                .collect();
            return padding_share(&lengths, batches.iter().map(Vec::as_slice));
        }
        match &self.replay {
            Some(b) => padding_share(&lengths, b.get(epoch * spe..(epoch + 1) * spe).unwrap_or(&[]).iter().map(Vec::as_slice)),
            None => padding_share(&lengths, self.order.1.chunks(self.cfg.batch_size.max(1))),
        }
    }

    /// Loss and metrics on the validation rows; None when there are none.
    pub async fn evaluate_val(&self) -> Result<Option<(f32, TaskMetrics)>> {
        if self.val.is_empty() {
            return Ok(None);
        }
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let mut logits = Vec::with_capacity(self.val.len());
        for chunk in (0..self.val.len()).collect::<Vec<_>>().chunks(evaluate::BATCH) {
            let batch = self.input(true, chunk, &self.device).await?;
            logits.extend(evaluate::read_rows(top.forward(batch, None)).await?);
        }
        let loss = host_loss(&logits, &self.val.targets);
        let metrics = evaluate::task_metrics(&logits, &self.val.targets, &self.info.labels, self.cfg.threshold as f32);
        Ok(Some((loss, metrics)))
    }

    /// The training loss (no penalty) over every training row in one batch, on the plain device.
    pub async fn train_loss_all(&self) -> Result<f32> {
        let top = self.top.as_ref().ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let idx: Vec<usize> = (0..self.train.len()).collect();
        let batch = self.input(false, &idx, &self.device).await?;
        let target = self.objective.batch(&self.train.targets, &idx, &self.device);
        readback::scalar(self.objective.data_loss(top.forward(batch, None), target)).await
    }

    /// The fine-tuned model: the frozen part and the trained top (the best epoch's under early
    /// stopping) back in one model, its config.json naming the classes and the settings it must
    /// be used with (how the head pools; an image model's size), its fingerprint naming the run.
    pub async fn into_model(self) -> Result<AnyModel> {
        let kept = self.kept_epoch();
        let best = self.early.and_then(|e| e.best).map(|b| b.top);
        let top = best.or(self.top).ok_or_else(|| Error::Device("a previous step failed".into()))?.valid();
        let weights = super::checkpoint::read_top(&top, self.info.frozen_layers, "").await?;
        let fingerprint = crate::checkpoint::tuned_fingerprint(self.base.fingerprint(), &weights);
        let mut model = self.base.with_top(top)?;
        model.mark(&self.info.labels, self.info.task, &self.cfg, kept);
        model.set_fingerprint(fingerprint);
        Ok(model)
    }
}
