//! Reading a table (header + rows) out of CSV / TSV / JSONL bytes.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use crate::data::errors::DataError;
use crate::data::format::Format;
use crate::data::quotes::{stray_quote, unclosed_quote};
use crate::data::row::Row;

pub(crate) struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// What was repaired while reading, for the user (e.g. the delimiter actually used).
    pub notes: Vec<String>,
}

/// Strip a UTF-8 BOM and check the rest is UTF-8, naming where it is not.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, DataError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        DataError::NotUtf8 {
            line: body[..at].iter().filter(|&&b| b == b'\n').count() + 1,
            offset: at + (bytes.len() - body.len()),
        }
    })
}

pub(crate) fn parse_table(text: &str, format: Format) -> Result<Table, DataError> {
    match format {
        Format::Csv => match other_delimiter(text) {
            Some((delimiter, name)) => {
                let mut table = parse_delimited(text, delimiter)?;
                table
                    .notes
                    .push(format!("the file is separated by {name} (read as such)"));
                Ok(table)
            }
            None => parse_delimited(text, b','),
        },
        Format::Tsv => parse_delimited(text, b'\t'),
        Format::Jsonl => parse_jsonl(text),
    }
}

/// A "CSV" whose header is one field holding ';' or tabs is separated by that instead
/// (Excel writes ';' where ',' is the decimal mark; a .tsv is sometimes saved as .csv).
/// Read as CSV it would be one column and fail with a confusing "needs two columns".
fn other_delimiter(text: &str) -> Option<(u8, &'static str)> {
    let header = text.lines().find(|l| !l.trim().is_empty())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(header.as_bytes());
    let mut record = csv::StringRecord::new();
    if !matches!(reader.read_record(&mut record), Ok(true)) || record.len() != 1 {
        return None;
    }
    let count = |c: char| record[0].matches(c).count();
    match (count(';'), count('\t')) {
        (0, 0) => None,
        (semi, tabs) if tabs >= semi => Some((b'\t', "tabs")),
        _ => Some((b';', "';'")),
    }
}

fn parse_delimited(text: &str, delimiter: u8) -> Result<Table, DataError> {
    // The csv crate silently reads an unclosed quote to the end of the file
    // (one giant field), so find it ourselves first.
    if let Some(line) = unclosed_quote(text.as_bytes(), delimiter) {
        return Err(DataError::UnclosedQuote { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false) // read the header ourselves so its line is handled like any other
        .flexible(true) // report field-count mismatches with our own message
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| DataError::Csv {
                line: e.position().map_or(0, |p| p.line() as usize),
                msg: e.to_string(),
            })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        // A line of only spaces reads as one blank field: it is a blank line, not a short row.
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        match &columns {
            None => columns = Some(header_names(&record)?),
            Some(cols) if record.len() != cols.len() => {
                return Err(DataError::BadRow {
                    line,
                    found: record.len(),
                    expected: cols.len(),
                });
            }
            Some(_) => rows.push(Row {
                line,
                fields: record.iter().map(str::to_owned).collect(),
            }),
        }
    }
    let columns = columns.ok_or(DataError::Empty)?;
    stray_quote(&rows, columns.len(), char::from(delimiter))?;
    Ok(Table {
        columns,
        rows,
        notes: Vec::new(),
    })
}

/// Trimmed header names; a blank one (e.g. pandas' index column) gets a
/// name the user can type. A name used twice is refused: picking a column
/// by that name would get an arbitrary one of them.
fn header_names(record: &csv::StringRecord) -> Result<Vec<String>, DataError> {
    let name = |(i, h): (usize, &str)| match h.trim() {
        "" => format!("column_{}", i + 1),
        h => h.to_owned(),
    };
    let names: Vec<String> = record.iter().enumerate().map(name).collect();
    let mut seen = HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(n.as_str())) {
        let positions = (1..)
            .zip(&names)
            .filter(|(_, n)| *n == twice)
            .map(|(i, _)| i)
            .collect();
        return Err(DataError::DuplicateColumn {
            name: twice.clone(),
            positions,
        });
    }
    Ok(names)
}

/// A JSON object with its keys in file order (serde_json's own map sorts
/// them unless a feature that pulls in another crate is enabled).
struct Object(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(Object(fields))
            }
        }
        d.deserialize_map(V)
    }
}

fn parse_jsonl(text: &str) -> Result<Table, DataError> {
    if text.trim_start().starts_with('[') {
        return Err(DataError::JsonArray);
    }
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut objects = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let Object(pairs) = serde_json::from_str(raw).map_err(|e| DataError::BadJson {
            line,
            msg: json_message(&e),
        })?;
        let mut fields = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let key = key.trim().to_owned();
            let col = match index.get(&key) {
                Some(&c) => c,
                None => {
                    columns.push(key.clone());
                    index.insert(key, columns.len() - 1);
                    columns.len() - 1
                }
            };
            fields.push((col, json_text(value)));
        }
        objects.push((line, fields));
    }
    // Columns are only known once every line is read; missing keys are blank.
    let rows = objects
        .into_iter()
        .map(|(line, pairs)| {
            let mut fields = vec![String::new(); columns.len()];
            for (col, value) in pairs {
                fields[col] = value;
            }
            Row { line, fields }
        })
        .collect();
    Ok(Table {
        columns,
        rows,
        notes: Vec::new(),
    })
}

/// serde_json's message says "at line 1" (of the one line it saw): keep only the column.
fn json_message(e: &serde_json::Error) -> String {
    let mut msg = e.to_string();
    if let Some(at) = msg.rfind(" at line ") {
        msg.truncate(at);
    }
    format!("{msg} at column {}", e.column())
}

/// Strings as is; numbers and booleans as written so integer labels work; null is blank.
fn json_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
