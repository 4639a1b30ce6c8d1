//! A `path,label` CSV inside a zip: which file has which label. The header is optional (a
//! first row naming no file, with a column name like "path" or "label", is taken as one).
//! Paths are relative to the CSV's folder or to the zip's root. Pure (the caller resolves
//! paths), so it could run in the page too.

use std::collections::HashSet;

use super::dataset::ImageProblem;
use super::finish::data_error;
use crate::error::Result;

const PATH_NAMES: [&str; 8] = [
    "path",
    "file",
    "filename",
    "file_name",
    "image",
    "image_path",
    "filepath",
    "name",
];
const LABEL_NAMES: [&str; 6] = ["label", "class", "category", "target", "y", "class_name"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    /// 1-based line in the CSV, for messages.
    pub line: usize,
    /// The file as `resolve` found it (its path in the zip).
    pub path: String,
    pub label: String,
}

/// Reads `path,label` rows from `bytes` (the CSV named `csv_name`); `resolve` maps a path as
/// written to the file it names, or None when there is no such file. Rows naming a missing
/// file, with no label, or repeating a path become problems; an unreadable or row-less CSV
/// is an error.
pub fn parse_labels_csv(
    csv_name: &str,
    bytes: &[u8],
    resolve: impl Fn(&str) -> Option<String>,
) -> Result<(Vec<CsvRow>, Vec<ImageProblem>)> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let first_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let delimiter = if first_line.contains('\t') {
        b'\t'
    } else if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            data_error(format!(
                "{csv_name}: could not read line {line} ({e}): write one path,label pair per line"
            ))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().any(|f| !f.is_empty()) {
            records.push((line, fields));
        }
    }
    let Some((_, first)) = records.first() else {
        return Err(data_error(format!(
            "{csv_name} has no rows: write one line per image, like cats/1.jpg,cat"
        )));
    };
    let (mut path_col, mut label_col) = (0, 1);
    let lower: Vec<String> = first.iter().map(|f| f.to_lowercase()).collect();
    let named = |names: &[&str]| lower.iter().position(|f| names.contains(&f.as_str()));
    let header = resolve(&first[0]).is_none()
        && (named(&PATH_NAMES).is_some() || named(&LABEL_NAMES).is_some());
    if header {
        path_col = named(&PATH_NAMES).unwrap_or(0);
        label_col = named(&LABEL_NAMES).unwrap_or(if path_col == 0 { 1 } else { 0 });
        records.remove(0);
    }

    let (mut rows, mut problems, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (line, fields) in records {
        let at = format!("{csv_name} line {line}");
        let path = fields.get(path_col).map(String::as_str).unwrap_or_default();
        let label = fields
            .get(label_col)
            .map(String::as_str)
            .unwrap_or_default();
        if fields.len() < 2 {
            problems.push(ImageProblem::new(
                at,
                format!("'{path}' has no label (the line has one field): write path,label, like cats/1.jpg,cat"),
            ));
        } else if label.is_empty() {
            problems.push(ImageProblem::new(
                at,
                format!("'{path}' has an empty label: fill in its class"),
            ));
        } else {
            match resolve(path) {
                None => problems.push(ImageProblem::new(
                    at,
                    format!("'{path}' is not in the zip: correct the path (relative to {csv_name} or to the zip's top) or add the file"),
                )),
                Some(found) if !seen.insert(found.clone()) => problems.push(ImageProblem::new(
                    at,
                    format!("'{path}' is listed again; the first line's label is kept: remove the repeated line"),
                )),
                Some(found) => rows.push(CsvRow {
                    line,
                    path: found,
                    label: label.to_owned(),
                }),
            }
        }
    }
    Ok((rows, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(p: &str) -> Option<String> {
        ["img/a.png", "img/b.png", "img/c.png"]
            .iter()
            .find(|f| f.ends_with(p.trim_start_matches("./")))
            .map(|f| f.to_string())
    }

    #[test]
    fn header_is_optional_and_bad_rows_are_problems() {
        let (rows, problems) = parse_labels_csv(
            "labels.csv",
            b"path,label\na.png,x\nb.png,y\nmissing.png,x\nc.png,\n",
            resolve,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            CsvRow {
                line: 2,
                path: "img/a.png".into(),
                label: "x".into()
            }
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].name, "labels.csv line 4");
        assert!(
            problems[0]
                .message
                .contains("'missing.png' is not in the zip")
        );
        let (rows, _) = parse_labels_csv("l.csv", b"a.png;x\nb.png;y\n", resolve).unwrap();
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn columns_by_name() {
        let (rows, _) = parse_labels_csv("l.csv", b"label,file\nx,a.png\n", resolve).unwrap();
        assert_eq!(rows[0].label, "x");
        assert!(parse_labels_csv("l.csv", b"\n\n", resolve).is_err());
    }
}
