//! A loaded dataset: its rows, what was dropped and why, and the task its labels describe.

use std::collections::HashMap;

use serde::{Serialize, Serializer};

use crate::data::errors::DataError;
use crate::data::example::Example;
use crate::data::format::Format;
use crate::data::infer_task::infer_task;
use crate::data::labels::{ValueStats, value_stats};
use crate::data::targets::classes_for;
use crate::task::Task;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dropped {
    pub empty_text: usize,
    pub duplicate: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Dataset {
    pub format: Format,
    pub columns: Vec<String>,
    pub text_column: String,
    pub label_column: String,
    /// True when either column was inferred, so the CLI can say which it picked.
    pub inferred_columns: bool,
    /// Data rows read, before dropping (blank lines are not rows).
    pub rows: usize,
    /// Rows kept as examples: always `rows` minus every count in `dropped`.
    pub used: usize,
    pub dropped: Dropped,
    /// What was repaired while reading, to show the user (e.g. "the file is separated by ';'").
    pub notes: Vec<String>,
    #[serde(skip)]
    pub examples: Vec<Example>,
    /// What the labels describe: inferred on load (`infer_task`), or set with `set_task`.
    pub task: Task,
    /// One sentence for the data summary: why this task.
    pub task_reason: String,
    /// Regression only: the label column's range and mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<ValueStats>,
    /// The head's outputs with counts, in index order (`classes_for(task)`): class → rows
    /// (classification), label → rows carrying it (multi-label), or the label column's name →
    /// rows (regression). Serialized as a list of `{"label", "count"}` objects: a JSON object's
    /// key order is not reliable (JavaScript moves integer-like keys first), and the order is
    /// the index.
    #[serde(serialize_with = "classes_as_list")]
    pub classes: Vec<(String, usize)>,
}

impl Dataset {
    /// The head's outputs in index order: classes, label names (multi-label) or the label
    /// column's name (regression); `labels_for(examples, task, label_column)`.
    pub fn labels(&self) -> Vec<String> {
        self.classes.iter().map(|(l, _)| l.clone()).collect()
    }

    /// Re-reads the labels for a task the run chose (`TaskChoice::resolve`): `classes`,
    /// `values` and `task_reason` then describe that task. An error when the labels cannot be
    /// read that way (e.g. text labels for regression); the dataset is unchanged then.
    pub fn set_task(&mut self, task: Task) -> Result<(), DataError> {
        if task == self.task {
            return Ok(());
        }
        let classes = classes_for(&self.examples, task, &self.label_column)?;
        let (inferred, _) = infer_task(&self.examples);
        self.task_reason = format!(
            "task is set to {} (the labels alone would be read as {})",
            task.name(),
            inferred.name()
        );
        self.values = if task == Task::Regression { value_stats(&self.examples) } else { None };
        self.classes = classes;
        self.task = task;
        Ok(())
    }

    /// Label → class index.
    pub fn class_index(&self) -> HashMap<String, usize> {
        self.classes
            .iter()
            .enumerate()
            .map(|(i, (l, _))| (l.clone(), i))
            .collect()
    }
}

fn classes_as_list<S: Serializer>(classes: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Class<'a> {
        label: &'a str,
        count: usize,
    }
    s.collect_seq(classes.iter().map(|(label, count)| Class {
        label,
        count: *count,
    }))
}

#[cfg(test)]
#[path = "dataset_tests.rs"]
mod tests;
