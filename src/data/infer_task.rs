//! The task a label column describes, inferred when a file is loaded.
//!
//! Rule: every label is a finite number and there are more than
//! `REGRESSION_MIN_DISTINCT` distinct values → regression; else any label contains
//! `LABEL_SEPARATOR` → multi-label; else classification.

use std::collections::HashSet;

use crate::data::example::{Example, class_counts};
use crate::data::labels::{multi_counts, parse_number};
use crate::task::{LABEL_SEPARATOR, Task};

/// A numeric label column needs more than this many distinct values to be read as regression
/// (so 0/1 flags and 1–5 ratings stay classes).
pub const REGRESSION_MIN_DISTINCT: usize = 10;

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

/// Distinct numbers (-0 and 0 are one value).
fn distinct_values(values: &[f64]) -> usize {
    values.iter().map(|v| (v + 0.0).to_bits()).collect::<HashSet<u64>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::data::example::examples_labelled as ex;

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
}
