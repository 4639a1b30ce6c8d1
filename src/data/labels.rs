//! What one label cell holds: a number (regression) or a set of labels joined by '|'
//! (multi-label), and the range of a numeric label column.

use serde::{Deserialize, Serialize};

use crate::data::example::{Example, class_counts};
use crate::task::LABEL_SEPARATOR;

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

/// Per-label row counts after splitting, in the same order rule as `class_counts`.
pub(crate) fn multi_counts(examples: &[Example]) -> Vec<(String, usize)> {
    class_counts(examples.iter().flat_map(|e| split_labels(&e.label)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
