//! What the head predicts, and the per-row targets it learns from.
use serde::{Deserialize, Serialize};

/// The three tasks a label column can describe.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// One class per row: softmax + cross-entropy.
    #[default]
    Classification,
    /// Any number of labels per row (`sports|politics`): sigmoid + binary cross-entropy.
    MultiLabel,
    /// One number per row: a single output trained with mean squared error.
    Regression,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::MultiLabel => "multi_label",
            Task::Regression => "regression",
        }
    }

    /// HF config.json's `problem_type`.
    pub fn problem_type(self) -> &'static str {
        match self {
            Task::Classification => "single_label_classification",
            Task::MultiLabel => "multi_label_classification",
            Task::Regression => "regression",
        }
    }

    pub fn from_problem_type(s: &str) -> Option<Task> {
        [Task::Classification, Task::MultiLabel, Task::Regression].into_iter().find(|t| t.problem_type() == s)
    }
}

/// `task` in the settings: inferred from the label column unless given; `image`: one class per
/// image, trained on the image model (a classification, as the trainer sees it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskChoice {
    #[default]
    Auto,
    Classification,
    MultiLabel,
    Regression,
    Image,
    /// One class per clip, trained on the sound model.
    Audio,
}

impl TaskChoice {
    /// The task to train: the given one, or the one the data suggests.
    pub fn resolve(self, inferred: Task) -> Task {
        match self {
            TaskChoice::Auto => inferred,
            TaskChoice::Classification | TaskChoice::Image | TaskChoice::Audio => Task::Classification,
            TaskChoice::MultiLabel => Task::MultiLabel,
            TaskChoice::Regression => Task::Regression,
        }
    }
}

/// Separator between labels of one row in a multi-label column.
pub const LABEL_SEPARATOR: char = '|';

/// Every row's target, in row order.
#[derive(Clone, Debug, PartialEq)]
pub enum Targets {
    /// Class index per row.
    Classes(Vec<usize>),
    /// 0/1 per label per row, in label order.
    Multi(Vec<Vec<f32>>),
    /// One value per row.
    Values(Vec<f32>),
}

impl Targets {
    pub fn len(&self) -> usize {
        match self {
            Targets::Classes(v) => v.len(),
            Targets::Multi(v) => v.len(),
            Targets::Values(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
