//! The task a label column describes (inferred when a file is loaded, or chosen by the run),
//! the labels a head predicts for that task, and every row's target.
//!
//! Rule for inference: every label is a finite number and there are more than
//! `REGRESSION_MIN_DISTINCT` distinct values → regression; else any label contains
//! `LABEL_SEPARATOR` → multi-label; else classification.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::data::{DataError, Example, class_counts};
use crate::task::{LABEL_SEPARATOR, Task, Targets};

/// A numeric label column needs more than this many distinct values to be read as regression
/// (so 0/1 flags and 1–5 ratings stay classes).
pub const REGRESSION_MIN_DISTINCT: usize = 10;

/// Range and mean of a regression column, for the data summary.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueStats {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
}

/// A label as a regression target: a finite number that also stays finite as f32
/// (what the head trains on). None for text, "inf", "NaN" and overflowing values.
pub fn parse_number(label: &str) -> Option<f64> {
    let v: f64 = label.trim().parse().ok()?;
    (v.is_finite() && (v as f32).is_finite()).then_some(v)
}

/// One multi-label cell's labels: split on '|', trimmed, empty parts dropped, each once,
/// in the order they appear. A cell of only separators ("|") has none.
pub fn split_labels(cell: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for part in cell.split(LABEL_SEPARATOR).map(str::trim) {
        if !part.is_empty() && !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

/// The task the labels suggest, and one sentence saying why (for the data summary).
pub fn infer_task(examples: &[Example]) -> (Task, String) {
    let numbers: Option<Vec<f64>> = examples.iter().map(|e| parse_number(&e.label)).collect();
    if let Some(values) = numbers {
        let distinct = distinct_values(&values);
        if distinct > REGRESSION_MIN_DISTINCT {
            return (
                Task::Regression,
                format!(
                    "the labels are numbers with {distinct} distinct values, so this is read as regression (predicting a number); set task to override"
                ),
            );
        }
        // (A number never contains '|', so the multi-label rule cannot apply.)
        return (
            Task::Classification,
            format!(
                "the labels are numbers but only {distinct} distinct {}, so each is read as a class (classification; regression needs more than {REGRESSION_MIN_DISTINCT}); set task = regression to predict numbers instead",
                if distinct == 1 { "value" } else { "values" }
            ),
        );
    }
    let multi: Vec<&str> = examples
        .iter()
        .map(|e| e.label.as_str())
        .filter(|l| l.contains(LABEL_SEPARATOR))
        .collect();
    if let Some(first) = multi.first() {
        let labels = multi_counts(examples).len();
        return (
            Task::MultiLabel,
            format!(
                "{} labels joined by '{LABEL_SEPARATOR}' (e.g. '{first}'), so each row is read as a set of labels (multi-label, {labels} distinct {}); set task to override",
                if multi.len() == 1 { "1 row has".to_owned() } else { format!("{} rows have", multi.len()) },
                if labels == 1 { "label" } else { "labels" }
            ),
        );
    }
    let classes = class_counts(examples.iter().map(|e| e.label.as_str())).len();
    (
        Task::Classification,
        format!(
            "the labels are text with {classes} distinct {}, so each row is read as one class (classification); set task to override",
            if classes == 1 { "value" } else { "values" }
        ),
    )
}

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

/// Min, max and mean of a numeric label column; None when a label is not a number or there are none.
pub fn value_stats(examples: &[Example]) -> Option<ValueStats> {
    let values: Vec<f64> = examples.iter().map(|e| parse_number(&e.label)).collect::<Option<_>>()?;
    if values.is_empty() {
        return None;
    }
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Some(ValueStats { min, max, mean })
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

/// Per-label row counts after splitting, in the same order rule as `class_counts`.
fn multi_counts(examples: &[Example]) -> Vec<(String, usize)> {
    class_counts(examples.iter().flat_map(|e| split_labels(&e.label)))
}

/// Distinct numbers (-0 and 0 are one value).
fn distinct_values(values: &[f64]) -> usize {
    values.iter().map(|v| (v + 0.0).to_bits()).collect::<HashSet<u64>>().len()
}

fn index_of(labels: &[String]) -> HashMap<&str, usize> {
    labels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(labels: &[&str]) -> Vec<Example> {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| Example { text: format!("t{i}"), label: l.to_string() })
            .collect()
    }

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parse_number_is_finite_only() {
        assert_eq!(parse_number("3.5"), Some(3.5));
        assert_eq!(parse_number("-1e3"), Some(-1000.0));
        for bad in ["pos", "inf", "NaN", "-infinity", "1e300", "", "1,5", "0x10"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn split_labels_trims_and_drops_empty() {
        assert_eq!(split_labels(" a | b ||a| "), ["a", "b"]);
        assert!(split_labels("|").is_empty());
        assert!(split_labels(" | | ").is_empty());
        assert_eq!(split_labels("solo"), ["solo"]);
    }

    #[test]
    fn inference_rule() {
        let (task, why) = infer_task(&ex(&["0", "1", "1", "0"]));
        assert_eq!(task, Task::Classification);
        assert!(why.contains("numbers but only 2 distinct values"), "{why}");
        assert!(why.contains("set task = regression"), "{why}");

        let ratings: Vec<String> = (0..40).map(|i| (1 + i % 5).to_string()).collect();
        let ratings: Vec<&str> = ratings.iter().map(String::as_str).collect();
        assert_eq!(infer_task(&ex(&ratings)).0, Task::Classification);

        // Exactly 10 distinct numbers is still classes; 11 is regression.
        let ten: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(infer_task(&ex(&ten.iter().map(String::as_str).collect::<Vec<_>>())).0, Task::Classification);
        let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        assert_eq!(infer_task(&ex(&eleven.iter().map(String::as_str).collect::<Vec<_>>())).0, Task::Regression);

        let floats: Vec<String> = (0..30).map(|i| format!("{:.2}", i as f64 * 0.37 - 3.0)).collect();
        let (task, why) = infer_task(&ex(&floats.iter().map(String::as_str).collect::<Vec<_>>()));
        assert_eq!(task, Task::Regression);
        assert_eq!(
            why,
            "the labels are numbers with 30 distinct values, so this is read as regression (predicting a number); set task to override"
        );

        let (task, why) = infer_task(&ex(&["a|b", "a", "c", "b|c|d"]));
        assert_eq!(task, Task::MultiLabel);
        assert_eq!(
            why,
            "2 rows have labels joined by '|' (e.g. 'a|b'), so each row is read as a set of labels (multi-label, 4 distinct labels); set task to override"
        );

        let (task, why) = infer_task(&ex(&["pos", "neg", "neutral"]));
        assert_eq!(task, Task::Classification);
        assert!(why.starts_with("the labels are text with 3 distinct values"), "{why}");
    }

    #[test]
    fn same_number_written_twice_is_one_value() {
        // 11 distinct strings but 10 distinct numbers ("1" = "1.0"): classes.
        let mut labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        labels.push("1.0".into());
        labels.push("-0".into());
        let (task, _) = infer_task(&ex(&labels.iter().map(String::as_str).collect::<Vec<_>>()));
        assert_eq!(task, Task::Classification);
    }

    #[test]
    fn numbers_with_a_separator_are_multi_label() {
        // Few numbers, some joined by '|': label ids, not classes of whole strings.
        assert_eq!(infer_task(&ex(&["1|2", "3", "2"])).0, Task::MultiLabel);
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
