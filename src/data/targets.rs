//! The labels a head predicts for a task (inferred on load, or chosen by the run), and every
//! row's target. Reading one label cell is in `labels.rs`, inferring the task in
//! `infer_task.rs` (both re-exported here, where they used to live).

use std::collections::HashMap;

use crate::data::errors::DataError;
use crate::data::example::{Example, class_counts};
use crate::data::labels::multi_counts;
use crate::task::{LABEL_SEPARATOR, Task, Targets};

pub use crate::data::infer_task::{REGRESSION_MIN_DISTINCT, infer_task};
pub use crate::data::labels::{ValueStats, parse_number, split_labels, value_stats};

/// The head's outputs for `task`, in index order: classification → the distinct labels
/// (class order); multi-label → the distinct label names after splitting on '|';
/// regression → the label column's name (one output), and an error if a label is not a number.
pub fn labels_for(examples: &[Example], task: Task, label_column: &str) -> Result<Vec<String>, DataError> {
    Ok(classes_for(examples, task, label_column)?.into_iter().map(|(l, _)| l).collect())
}

/// `labels_for` with a count each: rows per class, rows carrying each label (multi-label),
/// or all rows under the column's name (regression). This is `Dataset::classes` for `task`.
pub fn classes_for(
    examples: &[Example],
    task: Task,
    label_column: &str,
) -> Result<Vec<(String, usize)>, DataError> {
    match task {
        Task::Classification => Ok(class_counts(examples.iter().map(|e| e.label.as_str()))),
        Task::MultiLabel => {
            let classes = multi_counts(examples);
            if classes.is_empty() && !examples.is_empty() {
                return Err(DataError::NoLabelNames { column: label_column.to_owned() });
            }
            Ok(classes)
        }
        Task::Regression => {
            numbers(examples)?;
            Ok(vec![(label_column.to_owned(), examples.len())])
        }
    }
}

/// Every row's target for `task`, with `labels` (from `labels_for`) giving the index order.
/// A label outside `labels` is an error (no panic).
pub fn targets(examples: &[Example], task: Task, labels: &[String]) -> Result<Targets, DataError> {
    let unknown = |label: &str| DataError::UnknownLabel { label: label.to_owned(), labels: labels.to_vec() };
    match task {
        Task::Classification => {
            let index = index_of(labels);
            let classes = examples
                .iter()
                .map(|e| index.get(e.label.as_str()).copied().ok_or_else(|| unknown(&e.label)))
                .collect::<Result<_, _>>()?;
            Ok(Targets::Classes(classes))
        }
        Task::MultiLabel => {
            let index = index_of(labels);
            let rows = examples
                .iter()
                .map(|e| {
                    let mut row = vec![0.0f32; labels.len()];
                    for part in split_labels(&e.label) {
                        row[*index.get(part).ok_or_else(|| unknown(part))?] = 1.0;
                    }
                    Ok(row)
                })
                .collect::<Result<_, DataError>>()?;
            Ok(Targets::Multi(rows))
        }
        Task::Regression => Ok(Targets::Values(numbers(examples)?.into_iter().map(|v| v as f32).collect())),
    }
}

/// Every label as a number, or the first that is not one as an error.
fn numbers(examples: &[Example]) -> Result<Vec<f64>, DataError> {
    examples
        .iter()
        .map(|e| {
            parse_number(&e.label).ok_or_else(|| DataError::NotANumber {
                value: e.label.clone(),
                suggest: if e.label.contains(LABEL_SEPARATOR) { Task::MultiLabel } else { Task::Classification },
            })
        })
        .collect()
}

fn index_of(labels: &[String]) -> HashMap<&str, usize> {
    labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::data::example::examples_labelled as ex;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn labels_and_targets_classification() {
        let data = ex(&["pos", "neg", "pos", "a|b"]);
        let labels = labels_for(&data, Task::Classification, "label").unwrap();
        assert_eq!(labels, ["a|b", "neg", "pos"]);
        assert_eq!(targets(&data, Task::Classification, &labels).unwrap(), Targets::Classes(vec![2, 1, 2, 0]));
        let err = targets(&data, Task::Classification, &strings(&["neg", "pos"])).unwrap_err();
        assert_eq!(err, DataError::UnknownLabel { label: "a|b".into(), labels: strings(&["neg", "pos"]) });
        assert!(err.to_string().starts_with("the label 'a|b' is not one of the labels being trained (neg, pos)"), "{err}");
    }

    #[test]
    fn labels_and_targets_multi_label() {
        let data = ex(&["b|a", " c ", "|", "a| a |"]);
        let labels = labels_for(&data, Task::MultiLabel, "tags").unwrap();
        assert_eq!(labels, ["a", "b", "c"]);
        assert_eq!(
            classes_for(&data, Task::MultiLabel, "tags").unwrap(),
            [("a".to_string(), 2), ("b".to_string(), 1), ("c".to_string(), 1)]
        );
        assert_eq!(
            targets(&data, Task::MultiLabel, &labels).unwrap(),
            Targets::Multi(vec![vec![1.0, 1.0, 0.0], vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 0.0], vec![1.0, 0.0, 0.0]])
        );
        // Label order from the caller (e.g. a continued model's head) is respected.
        assert_eq!(
            targets(&data[..1], Task::MultiLabel, &strings(&["b", "z", "a"])).unwrap(),
            Targets::Multi(vec![vec![1.0, 0.0, 1.0]])
        );
        let err = targets(&data, Task::MultiLabel, &strings(&["a", "b"])).unwrap_err();
        assert!(matches!(&err, DataError::UnknownLabel { label, .. } if label == "c"), "{err:?}");
        // Forced multi-label on plain labels: one label per row.
        let plain = ex(&["x", "y"]);
        assert_eq!(
            targets(&plain, Task::MultiLabel, &labels_for(&plain, Task::MultiLabel, "l").unwrap()).unwrap(),
            Targets::Multi(vec![vec![1.0, 0.0], vec![0.0, 1.0]])
        );
        let err = labels_for(&ex(&["|", "||"]), Task::MultiLabel, "tags").unwrap_err();
        assert!(err.to_string().starts_with("column 'tags' has no labels once split on '|'"), "{err}");
    }

    #[test]
    fn labels_and_targets_regression() {
        let data = ex(&["1.5", " -2", "3e1"]);
        assert_eq!(labels_for(&data, Task::Regression, "score").unwrap(), ["score"]);
        assert_eq!(classes_for(&data, Task::Regression, "score").unwrap(), [("score".to_string(), 3)]);
        assert_eq!(targets(&data, Task::Regression, &strings(&["score"])).unwrap(), Targets::Values(vec![1.5, -2.0, 30.0]));
        assert_eq!(value_stats(&data), Some(ValueStats { min: -2.0, max: 30.0, mean: 29.5 / 3.0 }));

        let text = ex(&["1", "pos", "2"]);
        let err = labels_for(&text, Task::Regression, "label").unwrap_err();
        assert_eq!(err, DataError::NotANumber { value: "pos".into(), suggest: Task::Classification });
        assert_eq!(
            err.to_string(),
            "task = regression needs numbers in the label column, but 'pos' is not a number: use task = classification (or leave task on auto)"
        );
        assert!(targets(&text, Task::Regression, &strings(&["label"])).is_err());
        let err = labels_for(&ex(&["1", "a|b"]), Task::Regression, "label").unwrap_err();
        assert!(err.to_string().ends_with("use task = multi_label (or leave task on auto)"), "{err}");
        assert_eq!(value_stats(&text), None);
        assert_eq!(value_stats(&[]), None);
    }

    #[test]
    fn empty_examples_give_empty_targets() {
        for task in [Task::Classification, Task::MultiLabel, Task::Regression] {
            assert!(targets(&[], task, &strings(&["a"])).unwrap().is_empty());
        }
    }
}
