//! Loading a labelled text file: parse CSV / TSV / JSONL, pick the text and
//! label columns, clean the rows and count the classes.
//!
//! Everything takes bytes and returns values (no files, threads or clocks) so
//! the same code runs natively and in wasm. Parsing lives in `table.rs`
//! (with the quotes that would merge rows caught in `quotes.rs`), column
//! choice in `columns.rs`, the messages in `errors.rs`, the task, labels and
//! targets in `targets.rs`, seeded splitting and shuffling in `split.rs`, and
//! the length-bucketed batch order in `buckets.rs` (all re-exported here).

pub mod augment;
pub mod buckets;
mod columns;
mod errors;
pub mod images;
mod quotes;
mod row;
pub mod split;
mod table;
pub mod targets;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize, Serializer};

pub use crate::data::augment::{AugOp, Augment, augment};
pub use crate::data::buckets::{bucketed_order, padding_share};
use crate::data::columns::{choose_columns, find_column, longest_column, text_by_name};
pub use crate::data::errors::DataError;
pub use crate::data::split::{
    Rng, check_val_fraction, epoch_order, sample_for, split_for, stratified_sample, stratified_split,
};
pub use crate::data::targets::{
    ValueStats, classes_for, infer_task, labels_for, parse_number, split_labels, targets, value_stats,
};
use crate::task::Task;
use crate::data::table::{decode, parse_table};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Jsonl,
}

impl Format {
    /// From a file name's extension (.csv, .tsv/.tab, .jsonl/.ndjson/.json); None if unknown.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// Guess from content when the name says nothing: first non-blank char
    /// '{' (or '[', so a JSON array gets a JSON-specific error) → Jsonl; a tab
    /// in the first non-blank line → Tsv; else Csv.
    pub fn sniff(bytes: &[u8]) -> Format {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Some(b'{' | b'[') = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            return Format::Jsonl;
        }
        let first_line = bytes
            .split(|&b| b == b'\n')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace))
            .unwrap_or_default();
        if first_line.contains(&b'\t') {
            Format::Tsv
        } else {
            Format::Csv
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DataOptions {
    pub format: Option<Format>,
    pub text_column: Option<String>,
    pub label_column: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: String,
}

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

/// Tests' shorthand: `load` with only the format given.
#[cfg(test)]
pub(crate) fn load_as(text: &str, format: Format) -> Result<Dataset, DataError> {
    load(text.as_bytes(), &DataOptions { format: Some(format), ..Default::default() })
}

#[cfg(test)]
mod tests;
