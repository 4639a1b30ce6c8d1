//! What can be wrong with a data file or its settings. Each message names the place (line,
//! column) and says what to do, because it is shown to the user as is.

/// Errors in the user's file or settings; each message says what is wrong and what to do.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error(
        "the file is empty: choose a CSV, TSV or JSONL file with a header and at least two labelled rows"
    )]
    Empty,
    #[error(
        "the file has no texts: put one text per line, or choose a CSV, TSV or JSONL file with a text column"
    )]
    NoTexts,
    #[error("the file has a header ({}) but no data rows: add rows below the header", .columns.join(", "))]
    HeaderOnly { columns: Vec<String> },
    #[error(
        "the file is not UTF-8 text (invalid byte at line {line}, byte offset {offset}): save it as UTF-8 and try again"
    )]
    NotUtf8 { line: usize, offset: usize },
    #[error(
        "line {line} has {found} fields but the header has {expected}: check for a missing or stray delimiter or an unclosed quote"
    )]
    BadRow {
        line: usize,
        found: usize,
        expected: usize,
    },
    #[error(
        "line {line} opens a quote (\") that is never closed, so the rest of the file would be read as one field: close the quote, or write a quote inside a quoted field as two (\"\")"
    )]
    UnclosedQuote { line: usize },
    #[error(
        "line {line} opens a quote (\") that only closes on line {closes}, so the rows on {} would be read into one field: close the quote on line {line}, or write a quote inside a quoted field as two (\"\")",
        lines(.line + 1, *.closes)
    )]
    StrayQuote { line: usize, closes: usize },
    #[error(
        "the header names column '{name}' more than once (columns {}), so choosing it by name would be ambiguous: rename all but one",
        and_list(.positions)
    )]
    DuplicateColumn {
        name: String,
        /// 1-based column positions.
        positions: Vec<usize>,
    },
    #[error("could not read line {line}: {msg}")]
    Csv { line: usize, msg: String },
    #[error(
        "line {line} is not a JSON object ({msg}): a JSONL file needs one object per line, like {{\"text\": \"...\", \"label\": \"...\"}}"
    )]
    BadJson { line: usize, msg: String },
    #[error(
        "the file is one JSON array, not JSON Lines: write one object per line, like {{\"text\": \"...\", \"label\": \"...\"}}, and try again"
    )]
    JsonArray,
    #[error("column '{name}' not found; the columns are: {} (use one of these names)", .columns.join(", "))]
    UnknownColumn { name: String, columns: Vec<String> },
    #[error(
        "the file has only one column ('{column}'), but training needs both a text column and a label column: add a label column"
    )]
    NeedTwoColumns { column: String },
    #[error(
        "column '{column}' was chosen as both the text and the label column: choose two different columns"
    )]
    SameColumn { column: String },
    #[error("column '{column}' is blank in {} (first at line {first_line}): fill in a label for each row or remove those rows", rows(*.count))]
    BlankLabels {
        column: String,
        count: usize,
        first_line: usize,
    },
    #[error("only one class ('{label}', {}) in column '{column}': a classifier needs at least two different labels; check that '{column}' is the label column", rows(*.count))]
    OneClass {
        label: String,
        count: usize,
        column: String,
    },
    #[error(
        "column '{column}' is blank in every row, so there is no text to learn from: choose the column that holds the text"
    )]
    NoText { column: String },
    #[error(
        "task = regression needs numbers in the label column, but '{value}' is not a number: use task = {} (or leave task on auto)",
        .suggest.name()
    )]
    NotANumber {
        value: String,
        /// The task to suggest instead: multi_label when the value has a '|', else classification.
        suggest: crate::task::Task,
    },
    #[error(
        "column '{column}' has no labels once split on '|' (every row is empty or only separators), so task = multi_label has nothing to predict: put labels like 'sports|politics' in it, or choose the label column"
    )]
    NoLabelNames { column: String },
    #[error(
        "the label '{label}' is not one of the labels being trained ({}): check the label column, or start from the pretrained model so the labels come from this file",
        short_list(.labels)
    )]
    UnknownLabel { label: String, labels: Vec<String> },
    #[error(
        "the validation fraction must be between 0 and 0.9 (got {0}): for example 0.1 keeps 10% of the rows for validation"
    )]
    BadValFraction(f64),
}

/// `?` on a `DataError` in code returning `crate::Error`: the data stage converts into the
/// bottom error (which imports nothing from the pipeline).
impl From<DataError> for crate::error::Error {
    fn from(e: DataError) -> Self {
        crate::error::Error::Data(Box::new(e))
    }
}

fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{n} rows")
    }
}

/// Up to 10 names, then how many more.
fn short_list(items: &[String]) -> String {
    const SHOWN: usize = 10;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!("{}, and {} more", items[..SHOWN].join(", "), items.len() - SHOWN)
    }
}

/// "line 4" or "lines 3 to 4".
fn lines(first: usize, last: usize) -> String {
    if first == last {
        format!("line {first}")
    } else {
        format!("lines {first} to {last}")
    }
}

/// "2 and 5", "1, 2 and 5".
fn and_list(items: &[usize]) -> String {
    let text: Vec<String> = items.iter().map(usize::to_string).collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => text.join(""),
    }
}
