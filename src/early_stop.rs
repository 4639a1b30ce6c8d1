//! Early stopping on a validation metric, and the best epoch's weights kept for export.
use std::collections::BTreeMap;

use crate::kind::Top;
use crate::run::MONITORS;

pub struct EarlyStop {
    pub monitor: String,
    lower_is_better: bool,
    pub patience: usize,
    pub best: Option<Best>,
    /// Epochs since the best one.
    pub bad_epochs: usize,
    pub stopped: bool,
}

pub struct Best {
    pub epoch: usize,
    pub value: f64,
    /// The weights after that epoch (tensors are immutable: a clone shares, not copies, them).
    pub top: Top,
}

impl EarlyStop {
    pub fn new(monitor: &str, patience: usize) -> Self {
        let lower_is_better = MONITORS.iter().find(|(m, _)| *m == monitor).is_some_and(|(_, lower)| *lower);
        EarlyStop { monitor: monitor.to_string(), lower_is_better, patience, best: None, bad_epochs: 0, stopped: false }
    }

    /// Records an epoch's scores (`val_loss` included); keeps `top` when it is the best so far.
    pub fn observe(&mut self, epoch: usize, scores: &BTreeMap<String, f64>, top: &Top) {
        let Some(&value) = scores.get(&self.monitor) else { return };
        let better = match &self.best {
            None => true,
            Some(b) if self.lower_is_better => value < b.value,
            Some(b) => value > b.value,
        };
        if better {
            self.best = Some(Best { epoch, value, top: top.clone() });
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
            self.stopped = self.bad_epochs >= self.patience;
        }
    }

    pub fn best_epoch(&self) -> Option<usize> {
        self.best.as_ref().map(|b| b.epoch)
    }
}
