//! Loading a labelled file (`load`) or a file of texts (`load_texts`) from its bytes: parse,
//! choose the columns, clean the rows and count the classes.

use std::collections::HashSet;

use crate::data::columns::{choose_columns, find_column, longest_column, text_by_name};
use crate::data::dataset::{Dataset, Dropped};
use crate::data::errors::DataError;
use crate::data::example::{Example, class_counts};
use crate::data::format::{DataOptions, Format};
use crate::data::infer_task::infer_task;
use crate::data::labels::value_stats;
use crate::data::table::{decode, parse_table};
use crate::data::targets::classes_for;
use crate::task::Task;

/// Parse, choose columns, clean and count classes.
pub fn load(bytes: &[u8], opts: &DataOptions) -> Result<Dataset, DataError> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(DataError::Empty);
    }
    let format = opts.format.unwrap_or_else(|| Format::sniff(bytes));
    let table = parse_table(text, format)?;
    if table.rows.is_empty() {
        return Err(DataError::HeaderOnly {
            columns: table.columns,
        });
    }
    let (t, l, inferred_columns) = choose_columns(&table, opts)?;
    let (text_column, label_column) = (table.columns[t].clone(), table.columns[l].clone());

    let mut dropped = Dropped::default();
    let mut examples = Vec::new();
    let mut seen = HashSet::new();
    let (mut blank_labels, mut first_blank) = (0, 0);
    for row in &table.rows {
        let (text, label) = (row.fields[t].trim(), row.fields[l].trim());
        if text.is_empty() {
            dropped.empty_text += 1;
        } else if label.is_empty() {
            // Keep counting so the error reports every such row, not just the first.
            if blank_labels == 0 {
                first_blank = row.line;
            }
            blank_labels += 1;
        } else if !seen.insert((text, label)) {
            dropped.duplicate += 1;
        } else {
            examples.push(Example {
                text: text.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    if blank_labels > 0 {
        return Err(DataError::BlankLabels {
            column: label_column,
            count: blank_labels,
            first_line: first_blank,
        });
    }
    if examples.is_empty() {
        return Err(DataError::NoText {
            column: text_column,
        });
    }
    let classes = class_counts(examples.iter().map(|e| e.label.as_str()));
    if let [(label, count)] = classes.as_slice() {
        return Err(DataError::OneClass {
            label: label.clone(),
            count: *count,
            column: label_column,
        });
    }
    let (task, task_reason) = infer_task(&examples);
    let classes = match task {
        Task::Classification => classes,
        _ => classes_for(&examples, task, &label_column)?,
    };
    let values = if task == Task::Regression { value_stats(&examples) } else { None };
    Ok(Dataset {
        format,
        columns: table.columns,
        text_column,
        label_column,
        inferred_columns,
        rows: table.rows.len(),
        used: examples.len(),
        dropped,
        notes: table.notes,
        examples,
        task,
        task_reason,
        values,
        classes,
    })
}

/// Texts for predict/embed input: a .csv/.tsv/.jsonl (per `format`) gives its
/// text column (given or inferred; no label needed), otherwise (format None)
/// one text per non-blank line. Texts are trimmed and blank ones skipped.
pub fn load_texts(
    bytes: &[u8],
    format: Option<Format>,
    text_column: Option<&str>,
) -> Result<Vec<String>, DataError> {
    let text = decode(bytes)?;
    let Some(format) = format else {
        let texts: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        return if texts.is_empty() {
            Err(DataError::NoTexts)
        } else {
            Ok(texts)
        };
    };
    if text.trim().is_empty() {
        return Err(DataError::NoTexts);
    }
    let table = parse_table(text, format)?;
    if table.rows.is_empty() {
        return Err(DataError::HeaderOnly {
            columns: table.columns,
        });
    }
    let col = match text_column {
        Some(name) => find_column(&table.columns, name)?,
        None => text_by_name(&table.columns, None)
            .or_else(|| longest_column(&table, None))
            .ok_or(DataError::NoTexts)?,
    };
    let texts: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.fields[col].trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if texts.is_empty() {
        return Err(DataError::NoText {
            column: table.columns[col].clone(),
        });
    }
    Ok(texts)
}

/// Tests' shorthand: `load` with only the format given.
#[cfg(test)]
pub(crate) fn load_as(text: &str, format: Format) -> Result<Dataset, DataError> {
    load(text.as_bytes(), &DataOptions { format: Some(format), ..Default::default() })
}
