//! A text run's construction: the settings checked against the model and data, the rows
//! sampled, split, augmented and tokenized, and the model split at `layers` from the top.
use burn::module::Module;
use burn::prelude::*;

use super::setup::data_fingerprint;
use super::split::RowInputs;
use super::split::Split;
use super::trainer::Trainer;
use crate::kind::text::{TextBase, check_continue, pooler_for, settle};
use crate::kind::Base;
use super::setup::Parts;
use crate::text::Classifier;
use crate::kind::Top;
use crate::contrastive::build_pairs;
use crate::data::{self, Dataset, Example};
use crate::error::{Error, Result};
use crate::text::Model;
use super::items::plan_cache;
use crate::prefix::Prefix;
use crate::run::{Init, RunConfig, Strategy, check_step_memory};
use crate::task::{Targets, Task};

impl Trainer {
    /// A text run: checks the settings, samples, splits and tokenizes the rows, and splits the
    /// model at `layers` from the top.
    pub(super) fn text_run(model: Model, data: &Dataset, cfg: RunConfig, device: &Device) -> Result<Trainer> {
        // the settings are resolved and checked by with_split
        let task = cfg.task.resolve(data.task);
        let mut notes = Vec::new();
        let examples = match cfg.sample {
            Some(n) if n < data.examples.len() => {
                let sampled = data::sample_for(&data.examples, n, cfg.seed, task);
                notes.push(format!("trained on a sample of {} of the {} rows (seed {})", sampled.len(), data.examples.len(), cfg.seed));
                sampled
            }
            _ => data.examples.clone(),
        };
        let (train_ex, val_ex) = data::split_for(&examples, cfg.val_split, cfg.seed, task);
        Self::with_split(model, data, train_ex, val_ex, cfg, device, notes)
    }

    /// As a text run of `new`, on training and validation rows chosen by the caller (a cross-validation
    /// fold); `notes` start the run's notes.
    pub fn with_split(
        mut model: Model,
        data: &Dataset,
        mut train_ex: Vec<Example>,
        val_ex: Vec<Example>,
        mut cfg: RunConfig,
        device: &Device,
        mut notes: Vec<String>,
    ) -> Result<Trainer> {
        settle(&model.config, &mut cfg)?;
        let task = cfg.task.resolve(data.task);
        let labels = data::labels_for(&data.examples, task, &data.label_column)?;
        cfg.check_task(task, &labels)?;
        if cfg.init == Init::Continue {
            check_continue(&model, &labels, task, cfg.pooling)?;
        }
        let rows = train_ex.len() + val_ex.len();
        if train_ex.is_empty() {
            return Err(Error::Settings("no rows are left for training: lower val_split or add rows".into()));
        }
        // identifies the rows themselves: their augmented copies follow from them and the settings
        let data_fingerprint = data_fingerprint(&train_ex, &val_ex);
        let mut augmented_rows = 0;
        if let Some(aug) = cfg.augment.as_ref().filter(|a| a.copies > 0) {
            let copies = data::augment(&train_ex, aug, cfg.seed);
            augmented_rows = copies.len();
            notes.push(format!("augmentation added {augmented_rows} altered copies of the {} training rows; validation rows are untouched", train_ex.len()));
            train_ex.extend(copies);
        }
        let mut truncated = 0;
        let mut split = |ex: &[Example]| -> Result<Split> {
            let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
            let enc = model.tokenizer.encode(&texts, cfg.max_len)?;
            truncated += enc.iter().filter(|e| e.truncated).count();
            let targets = data::targets(ex, task, &labels)?;
            let texts = ex.iter().map(|e| e.text.clone()).collect();
            Ok(Split { texts, inputs: RowInputs::Tokens(enc.into_iter().map(|e| e.ids).collect()), targets, cache: Vec::new() })
        };
        let (train, val) = (split(&train_ex)?, split(&val_ex)?);
        let longest = train.tokens().iter().chain(val.tokens()).map(Vec::len).max().unwrap_or(0);
        check_step_memory(&model.config, &cfg, longest, train.len())?;

        let n = model.config.num_hidden_layers;
        let h = model.config.hidden_size;
        let cache = plan_cache(train.tokens().iter().chain(val.tokens()).map(Vec::len), h, &cfg, "layers", "a smaller max_len or a sample keeps it cached", &mut notes);
        let (cache_mb, cached) = (cache.mb, cache.fits);
        let top_layers = model.encoder.layers.split_off(n - cfg.layers);
        let outputs = if task == Task::Regression { 1 } else { labels.len() };
        let mut top = match (cfg.init, model.head.take()) {
            (Init::Continue, Some(head)) => Classifier::with_head(top_layers, head, cfg.dropout),
            _ => Classifier::new(top_layers, h, outputs, cfg.dropout, cfg.seed, device),
        }
        .with_pooler(pooler_for(&model, &cfg)?);
        if let Some(p) = cfg.encoder_dropout {
            top = top.with_encoder_dropout(p);
        }
        let top = Top::Text(top.train());
        let prefix = Prefix { embeddings: model.encoder.embeddings.clone(), layers: std::mem::take(&mut model.encoder.layers) }.valid();

        let pairs = match (cfg.strategy, &train.targets) {
            (Strategy::Contrastive, Targets::Classes(y)) => build_pairs(y, cfg.pairs_per_row, cfg.seed),
            _ => Vec::new(),
        };
        if cfg.strategy == Strategy::Contrastive && pairs.is_empty() {
            return Err(Error::Settings("contrastive training needs two classes and at least two training rows in a class: add rows, or use strategy standard".into()));
        }
        let mut pending: Vec<(bool, usize)> = Vec::new();
        if cached {
            pending = (0..train.tokens().len()).map(|i| (false, i)).chain((0..val.tokens().len()).map(|i| (true, i))).collect();
            pending.sort_by_key(|&(v, i)| if v { val.tokens()[i].len() } else { train.tokens()[i].len() });
        }
        let parts = Parts {
            base: Base::Text(TextBase { model, prefix }),
            top,
            train,
            val,
            task,
            labels,
            pairs,
            pending,
            frozen_layers: n - cfg.layers,
            rows,
            augmented_rows,
            truncated,
            cache_mb,
            cached,
            notes,
            data_fingerprint,
            cfg,
        };
        Ok(Trainer::assemble(parts, device))
    }
}
