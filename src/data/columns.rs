//! Choosing which column holds the text and which the label: by the names
//! the user gave, else by well-known names, else by the values themselves.

use std::collections::HashSet;

use crate::data::errors::DataError;
use crate::data::format::DataOptions;
use crate::data::table::Table;

/// Names that mark a label column, matched in column order.
#[rustfmt::skip]
const LABEL_NAMES: &[&str] =
    &["label", "labels", "class", "category", "target", "sentiment", "y", "intent", "tag"];
/// Names that mark a text column, in priority order ("title" loses to "review").
#[rustfmt::skip]
const TEXT_NAMES: &[&str] = &[
    "text", "sentence", "review", "content", "body", "message", "comment", "document",
    "utterance", "question", "tweet", "title",
];

/// (text index, label index, whether either was inferred).
pub(crate) fn choose_columns(
    table: &Table,
    opts: &DataOptions,
) -> Result<(usize, usize, bool), DataError> {
    let cols = &table.columns;
    if cols.len() < 2 {
        let column = cols.first().cloned().unwrap_or_default();
        return Err(DataError::NeedTwoColumns { column });
    }
    let given = |name: &Option<String>| name.as_deref().map(|n| find_column(cols, n)).transpose();
    let (mut text, mut label) = (given(&opts.text_column)?, given(&opts.label_column)?);
    let inferred = text.is_none() || label.is_none();
    // Names first, both ways, so a well-named column is never taken by the
    // statistical guess for the other role.
    if label.is_none() {
        label = cols.iter().enumerate().position(|(i, c)| {
            Some(i) != text && LABEL_NAMES.contains(&c.trim().to_lowercase().as_str())
        });
    }
    if text.is_none() {
        text = text_by_name(cols, label);
    }
    let label = match label {
        Some(l) => l,
        None => fewest_distinct(table, text).ok_or(DataError::NeedTwoColumns {
            column: cols[0].clone(),
        })?,
    };
    let text = match text {
        Some(t) => t,
        None => longest_column(table, Some(label)).ok_or_else(|| DataError::NeedTwoColumns {
            column: cols[label].clone(),
        })?,
    };
    if text == label {
        return Err(DataError::SameColumn {
            column: cols[text].clone(),
        });
    }
    Ok((text, label, inferred))
}

/// Exact name first, then case-insensitive, so "Sentence" finds "sentence".
pub(crate) fn find_column(columns: &[String], name: &str) -> Result<usize, DataError> {
    let want = name.trim();
    columns
        .iter()
        .position(|c| c == want)
        .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(want)))
        .ok_or_else(|| DataError::UnknownColumn {
            name: want.to_owned(),
            columns: columns.to_vec(),
        })
}

pub(crate) fn text_by_name(columns: &[String], exclude: Option<usize>) -> Option<usize> {
    TEXT_NAMES.iter().find_map(|name| {
        columns
            .iter()
            .enumerate()
            .position(|(i, c)| Some(i) != exclude && c.trim().eq_ignore_ascii_case(name))
    })
}

/// Label guess: fewest distinct non-blank values among columns with at least
/// two (tie → later column). If none has two, still pick the fewest so the
/// user gets the "only one class" error naming a column.
fn fewest_distinct(table: &Table, exclude: Option<usize>) -> Option<usize> {
    let mut best: Option<(bool, usize, usize)> = None; // (fewer than 2, distinct, column)
    for c in (0..table.columns.len()).filter(|&c| Some(c) != exclude) {
        let distinct: HashSet<&str> = table
            .rows
            .iter()
            .map(|r| r.fields[c].trim())
            .filter(|v| !v.is_empty())
            .collect();
        let key = (distinct.len() < 2, distinct.len());
        if best.is_none_or(|(b1, b2, _)| key <= (b1, b2)) {
            best = Some((key.0, key.1, c));
        }
    }
    best.map(|(_, _, c)| c)
}

/// Text guess: longest mean length. Every column has the same row count, so
/// comparing total lengths is the same and avoids floats. Tie → first column.
pub(crate) fn longest_column(table: &Table, exclude: Option<usize>) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None; // (total chars, column)
    for c in (0..table.columns.len()).filter(|&c| Some(c) != exclude) {
        let total: usize = table
            .rows
            .iter()
            .map(|r| r.fields[c].trim().chars().count())
            .sum();
        if best.is_none_or(|(b, _)| total > b) {
            best = Some((total, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use crate::data::errors::DataError;
    use crate::data::format::{DataOptions, Format};
    use crate::data::load::{load, load_as};


    #[test]
    fn infers_columns_by_name() {
        let d = load(
            b"id,review,sentiment\n1,great,pos\n2,awful,neg\n",
            &DataOptions::default(),
        )
        .unwrap();
        assert_eq!(
            (
                d.text_column.as_str(),
                d.label_column.as_str(),
                d.inferred_columns
            ),
            ("review", "sentiment", true)
        );
        // Text names go by priority, not column order.
        let d = load(
            b"Title,Review,y\nt,a long review,1\nu,another,0\n",
            &DataOptions::default(),
        )
        .unwrap();
        assert_eq!(
            (d.text_column.as_str(), d.label_column.as_str()),
            ("Review", "y")
        );
    }

    #[test]
    fn infers_columns_by_content() {
        // a: ids (all distinct), b: long text, c: two values → label c, text b.
        let csv = "a,b,c\n1,a rather long text,x\n2,another long text,y\n3,more words here,x\n";
        let d = load_as(csv, Format::Csv).unwrap();
        assert_eq!(
            (d.text_column.as_str(), d.label_column.as_str()),
            ("b", "c")
        );
        // Tie on distinct count → later column is the label.
        let d = load_as("p,q\nlong text one,x\nlong text two,y\n", Format::Csv).unwrap();
        assert_eq!(
            (d.text_column.as_str(), d.label_column.as_str()),
            ("p", "q")
        );
        // A given text column is never guessed as the label.
        let opts = DataOptions {
            text_column: Some("q".into()),
            ..Default::default()
        };
        let d = load(b"p,q\n0,a\n1,b\n", &opts).unwrap();
        assert_eq!(
            (
                d.text_column.as_str(),
                d.label_column.as_str(),
                d.inferred_columns
            ),
            ("q", "p", true)
        );
    }

    #[test]
    fn given_columns() {
        let opts = DataOptions {
            text_column: Some("Sentence".into()),
            label_column: Some("label".into()),
            format: None,
        };
        let d = load(b"idx,sentence,label\n0,a,1\n1,b,0\n", &opts).unwrap();
        assert_eq!(
            (
                d.text_column.as_str(),
                d.label_column.as_str(),
                d.inferred_columns
            ),
            ("sentence", "label", false)
        );
        let opts = DataOptions {
            label_column: Some("x".into()),
            ..Default::default()
        };
        let err = load(b"sentence,label\na,1\nb,0\n", &opts).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("column 'x' not found; the columns are: sentence, label"),
            "{msg}"
        );
    }

    #[test]
    fn one_column_or_same_column() {
        let err = load(b"text\nhello\nworld\n", &DataOptions::default()).unwrap_err();
        assert_eq!(
            err,
            DataError::NeedTwoColumns {
                column: "text".into()
            }
        );
        assert!(
            err.to_string().contains("text column and a label column"),
            "{err}"
        );
        let opts = DataOptions {
            text_column: Some("text".into()),
            label_column: Some("text".into()),
            format: None,
        };
        let err = load(b"text,label\na,1\nb,0\n", &opts).unwrap_err();
        assert_eq!(
            err,
            DataError::SameColumn {
                column: "text".into()
            }
        );
        assert!(err.to_string().contains("two different columns"), "{err}");
    }
}
