//! How a file is read: its format (from the name or the content) and which columns to use.

use serde::{Deserialize, Serialize};

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
