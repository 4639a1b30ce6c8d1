//! One labelled row as loaded, and the classes a set of labels holds, in class-index order.

use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: String,
}

/// Distinct labels with counts, in class-index order: numeric when every
/// label is an integer (so "10" follows "9"), else lexicographic.
pub(crate) fn class_counts<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for label in labels {
        *counts.entry(label).or_default() += 1;
    }
    let mut classes: Vec<(String, usize)> =
        counts.into_iter().map(|(l, c)| (l.to_owned(), c)).collect();
    let numbers: Option<Vec<i64>> = classes.iter().map(|(l, _)| l.parse().ok()).collect();
    match numbers {
        // Ties ("1" vs "01") fall back to the text so the order is total.
        Some(_) => classes.sort_by_cached_key(|(l, _)| (l.parse::<i64>().unwrap_or(0), l.clone())),
        None => classes.sort(),
    }
    classes
}

/// Test rows with these labels, texts "t0", "t1", … (the unit tests of the label rules).
#[cfg(test)]
pub(crate) fn examples_labelled(labels: &[&str]) -> Vec<Example> {
    labels.iter().enumerate().map(|(i, l)| Example { text: format!("t{i}"), label: l.to_string() }).collect()
}
