//! Every setting checked, with a message that names the key and says what would work: against
//! the model (`check`) and, once the task and labels are known, against the data (`check_task`).
use std::ops::RangeInclusive;

use super::choices::{ClassWeights, OptimizerKind, PoolingKind, ScheduleKind, Strategy};
use super::config::RunConfig;
use super::monitors::{MONITORS, monitors_for};
use crate::error::{Error, Result};
use crate::text::BertConfig;
use crate::task::{Task, TaskChoice};

/// `image_size`: below 32 the network's 5 halvings leave nothing; above 512 a step outgrows a
/// tab's memory long before it helps.
pub const IMAGE_SIZES: RangeInclusive<usize> = 32..=512;

/// What a run's settings are checked against: a text model's config, or an image model's
/// number of MBConv blocks.
#[derive(Clone, Copy)]
pub enum ModelShape<'a> {
    Text(&'a BertConfig),
    Image { blocks: usize },
    Audio { blocks: usize },
}

impl RunConfig {
    /// Every setting checked against the model, with a message that says what would work: the
    /// trainable layers (text) or blocks (images) it has, what only the other kind of run
    /// uses (refused by name), then what every run shares.
    pub fn check(&self, model: ModelShape) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        let (have, units, whose) = match model {
            ModelShape::Text(c) => (c.num_hidden_layers, "encoder layers", "model"),
            ModelShape::Image { blocks } => (blocks, "blocks", "image model"),
            ModelShape::Audio { blocks } => (blocks, "blocks", "sound model"),
        };
        self.check_kind_task(model)?;
        if self.layers > have {
            return bad(format!("layers = {} but the {whose} has {have} {units}: choose 0 (head only) to {have}", self.layers));
        }
        match model {
            ModelShape::Text(c) => self.text_rules(c)?,
            ModelShape::Image { .. } => self.image_rules()?,
            ModelShape::Audio { .. } => self.sound_rules()?,
        }
        self.check_common()
    }

    /// The task a kind of model cannot train: images on a text model, text tasks on images.
    fn check_kind_task(&self, model: ModelShape) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        match (model, self.task) {
            (ModelShape::Text(_), TaskChoice::Image) => {
                bad("task image trains the image model on images: give --model models/efficientnet-lite0 and --data a folder (one sub-folder per class) or a zip of them".into())
            }
            (ModelShape::Text(_) | ModelShape::Image { .. }, TaskChoice::Audio) => {
                bad("task audio trains the sound model on clips: give --model models/speech-embedding and --data a folder (one sub-folder per class of clips) or a zip of them".into())
            }
            (ModelShape::Audio { .. }, TaskChoice::Image) => bad("task image is for the image model: a sound model trains one class per clip (task audio)".into()),
            (ModelShape::Audio { .. }, TaskChoice::MultiLabel | TaskChoice::Regression) => {
                let name = if self.task == TaskChoice::MultiLabel { "multi_label" } else { "regression" };
                bad(format!("task {name} is for text: sounds train one class per clip (task audio)"))
            }
            (ModelShape::Image { .. }, TaskChoice::MultiLabel | TaskChoice::Regression) => {
                let name = if self.task == TaskChoice::MultiLabel { "multi_label" } else { "regression" };
                bad(format!("task {name} is for text: images train one class per image (task image)"))
            }
            _ => Ok(()),
        }
    }

    /// What a text run refuses: a max_len past the model's positions, [CLS] pooling with
    /// contrastive training.
    fn text_rules(&self, model: &BertConfig) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        check_max_len(self.max_len, model)?;
        self.augment.as_ref().and_then(|a| a.mismatch(true)).map_or(Ok(()), bad)?;
        if self.pooling == PoolingKind::Cls && self.strategy == Strategy::Contrastive {
            // contrastive trains the layers on mean-pooled pair embeddings, then fits the head on them
            return bad("pooling cls is for strategy standard: contrastive learns mean-pooled embeddings, so use pooling mean".into());
        }
        Ok(())
    }

    /// What an image run refuses: an image size out of range, the text-only settings by name.
    fn image_rules(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(IMAGE_SIZES.contains(&self.image_size)) {
            return bad(format!(
                "image_size = {} must be between {} and {} pixels (224 is what the ImageNet weights saw; 96 or 128 train faster)",
                self.image_size, IMAGE_SIZES.start(), IMAGE_SIZES.end()
            ));
        }
        if self.augment.as_ref().is_some_and(|a| a.copies > 0) {
            return bad("augment alters texts and sounds, not images: leave it out for images (this is an image run)".into());
        }
        self.not_text("an image run", "images")
    }

    /// What a sound run refuses: text augmentation ops, the text-only settings by name.
    fn sound_rules(&self) -> Result<()> {
        self.augment.as_ref().and_then(|a| a.mismatch(false)).map_or(Ok(()), |why| Err(Error::Settings(why)))?;
        self.not_text("a sound run", "clips")
    }

    /// What a run on images or clips (`items`) refuses: the text-only settings, by name.
    fn not_text(&self, run: &str, items: &str) -> Result<()> {
        let text_only = [
            (self.strategy == Strategy::Contrastive, "strategy contrastive learns from pairs of texts: use strategy standard".to_string()),
            (self.teaching, "the teaching view is for text runs for now: set teaching false".to_string()),
            (self.pooling == PoolingKind::Cls, format!("pooling cls is BERT's [CLS] pooler: {items} pool by averaging (leave pooling out)")),
            (self.encoder_dropout.is_some(), "encoder_dropout sets BERT's dropout: this model has none (use dropout, before the head)".to_string()),
            (self.sample.is_some(), format!("sample is for text files for now: pass fewer {items} instead")),
        ];
        match text_only.into_iter().find(|(set, _)| *set) {
            Some((_, why)) => Err(Error::Settings(format!("{why} (this is {run})"))),
            None => Ok(()),
        }
    }

    /// The checks every run shares, text or image.
    fn check_common(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if self.epochs == 0 {
            return bad("epochs must be at least 1".into());
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr < 1.0) {
            return bad(format!("lr = {} is not a usable learning rate: use a value like 1e-4 (between 0 and 1)", self.lr));
        }
        if self.batch_size == 0 || self.batch_size > 4096 {
            return bad(format!("batch_size = {} must be between 1 and 4096", self.batch_size));
        }
        if !(0.0..=0.9).contains(&self.val_split) {
            return bad(format!("val_split = {} must be between 0 and 0.9", self.val_split));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return bad(format!("dropout = {} must be at least 0 and below 1", self.dropout));
        }
        if let Some(d) = self.encoder_dropout {
            if !(0.0..1.0).contains(&d) {
                return bad(format!("encoder_dropout = {d} must be at least 0 and below 1 (leave it out to keep the model's own)"));
            }
        }
        self.check_optimizer()?;
        self.check_schedule()?;
        self.check_regularizers()?;
        if let Some(m) = &self.early_stopping {
            if !MONITORS.iter().any(|(name, _)| name == m) {
                let names: Vec<&str> = MONITORS.iter().map(|(n, _)| *n).collect();
                return bad(format!("early_stopping = \"{m}\" is not a validation metric: use one of {}", names.join(", ")));
            }
            if self.val_split == 0.0 {
                return bad("early_stopping needs validation rows: set val_split above 0 (e.g. 0.1)".into());
            }
        }
        if self.patience == 0 {
            return bad("patience = 0 would stop before any epoch could improve: use 1 or more".into());
        }
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return bad(format!("threshold = {} must be between 0 and 1 (exclusive), e.g. 0.5", self.threshold));
        }
        if self.log_every == 0 {
            return bad("log_every must be at least 1".into());
        }
        if self.pairs_per_row == 0 || self.pairs_per_row > 1000 {
            return bad(format!("pairs_per_row = {} must be between 1 and 1000 (20 is SetFit's default)", self.pairs_per_row));
        }
        if let Some(a) = &self.augment {
            if a.copies > 20 {
                return bad(format!("augment.copies = {} is more than 20 altered copies per row: use 0 to 20", a.copies));
            }
        }
        if self.sample == Some(0) {
            return bad("sample = 0 leaves no rows: give a number of rows, or leave it out to use them all".into());
        }
        Ok(())
    }

    fn check_optimizer(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return bad(format!("momentum = {} must be at least 0 and below 1 (0.9 is usual)", self.momentum));
        }
        if self.momentum > 0.0 && !matches!(self.optimizer, OptimizerKind::Sgd | OptimizerKind::RmsProp) {
            return bad(format!("momentum applies to optimizer sgd or rmsprop, not {}: set momentum = 0 or change the optimizer", self.optimizer.name()));
        }
        if self.nesterov && (self.optimizer != OptimizerKind::Sgd || self.momentum == 0.0) {
            return bad("nesterov needs optimizer = sgd with momentum above 0 (e.g. momentum = 0.9)".into());
        }
        if !self.betas.iter().all(|b| b.is_finite() && (0.0..1.0).contains(b)) {
            return bad(format!("betas = {:?} must each be at least 0 and below 1, e.g. [0.9, 0.999]", self.betas));
        }
        if !(self.eps.is_finite() && self.eps > 0.0 && self.eps < 1.0) {
            return bad(format!("eps = {} must be above 0 and below 1, e.g. 1e-8", self.eps));
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha < 1.0) {
            return bad(format!("alpha = {} must be above 0 and below 1, e.g. 0.99", self.alpha));
        }
        if !(0.0..=1.0).contains(&self.weight_decay) {
            return bad(format!("weight_decay = {} must be between 0 and 1", self.weight_decay));
        }
        Ok(())
    }

    fn check_schedule(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(0.0..1.0).contains(&self.warmup) {
            return bad(format!("warmup = {} must be at least 0 and below 1", self.warmup));
        }
        if self.step_every == Some(0) {
            return bad("step_every = 0: give the number of steps between decays (1 or more), or leave it out for one epoch".into());
        }
        if let Some(g) = self.gamma {
            if !(g.is_finite() && g > 0.0 && g <= 1.0) {
                return bad(format!("gamma = {g} must be above 0 and at most 1 (the LR is multiplied by it), e.g. 0.5"));
            }
        }
        if (self.step_every.is_some() && self.schedule != ScheduleKind::Step)
            || (self.gamma.is_some() && !matches!(self.schedule, ScheduleKind::Step | ScheduleKind::Exponential))
        {
            return bad(format!("step_every and gamma apply to schedule step (gamma also to exponential), not {}: remove them or change the schedule", self.schedule.name()));
        }
        Ok(())
    }

    fn check_regularizers(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(self.l1.is_finite() && self.l1 >= 0.0 && self.l1 <= 1.0) {
            return bad(format!("l1 = {} must be between 0 and 1 (e.g. 1e-6)", self.l1));
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return bad(format!("clip_norm = {c} must be above 0 (e.g. 1.0), or left out for no clipping"));
            }
        }
        if !(0.0..1.0).contains(&self.label_smoothing) {
            return bad(format!("label_smoothing = {} must be at least 0 and below 1 (e.g. 0.1)", self.label_smoothing));
        }
        if !(self.layer_lr_decay.is_finite() && self.layer_lr_decay > 0.0 && self.layer_lr_decay <= 1.0) {
            return bad(format!("layer_lr_decay = {} must be above 0 and at most 1 (1 = the same LR for every layer, 0.8 is usual)", self.layer_lr_decay));
        }
        match &self.class_weights {
            Some(ClassWeights::Named(n)) if n != "balanced" => {
                return bad(format!("class_weights = \"{n}\": use \"balanced\" or an object of weights by label, e.g. {{\"pos\": 2}}"));
            }
            Some(ClassWeights::Explicit(w)) => {
                if let Some((label, v)) = w.iter().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
                    return bad(format!("class_weights: the weight of '{label}' is {v}; weights must be above 0"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The checks that need the data: the task and its labels (the trainer calls this).
    pub fn check_task(&self, task: Task, labels: &[String]) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if self.strategy == Strategy::Contrastive && task != Task::Classification {
            return bad(format!(
                "strategy contrastive learns from pairs of rows of the same or another class, so it needs classification, but this run's task is {}: use strategy standard",
                task.name()
            ));
        }
        if task != Task::Classification {
            if self.label_smoothing > 0.0 {
                return bad(format!("label_smoothing applies to classification, but this run's task is {}: set it to 0", task.name()));
            }
            if self.class_weights.is_some() {
                return bad(format!("class_weights apply to classification, but this run's task is {}: remove them", task.name()));
            }
        }
        if let Some(ClassWeights::Explicit(w)) = &self.class_weights {
            if let Some(unknown) = w.keys().find(|k| !labels.contains(k)) {
                return bad(format!("class_weights names '{unknown}', which is not a class of this data ({})", labels.join(", ")));
            }
        }
        if let Some(m) = &self.early_stopping {
            let allowed = monitors_for(task);
            if !allowed.contains(&m.as_str()) {
                return bad(format!("early_stopping = \"{m}\" is not measured for {}: use one of {}", task.name(), allowed.join(", ")));
            }
        }
        Ok(())
    }
}

/// Every path that tokenizes (train, eval, predict, embed) checks max_len here: past
/// max_position_embeddings the position lookup would read outside its table.
pub fn check_max_len(max_len: usize, model: &BertConfig) -> Result<()> {
    let max = model.max_position_embeddings;
    if max_len < 3 || max_len > max {
        return Err(Error::Settings(format!(
            "max_len = {max_len} must be between 3 and {max} (the model's max_position_embeddings)"
        )));
    }
    Ok(())
}

