//! Quotes that eat rows. The csv crate accepts both cases below without a word, and either
//! one silently merges rows into a single text, so they are found here first.
//!
//! - A quote that never closes: everything after it becomes one field.
//! - A stray quote "closed" by another stray quote some rows later: the rows in between
//!   become one multi-line field. A real multi-line text is legal CSV, so this is refused
//!   only when the swallowed lines look like rows of this file.

use std::collections::HashSet;

use crate::data::errors::DataError;
use crate::data::row::Row;

/// Line where a quote opens that never closes, following the csv crate's
/// rules: a quote is special only at the start of a field, and `""` inside
/// a quoted field is a literal quote.
pub(crate) fn unclosed_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut line, mut opened) = (S::FieldStart, 1, 1);
    for &b in bytes {
        state = match (state, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::FieldStart, b'"') => {
                opened = line;
                S::Quoted
            }
            (_, b'\n' | b'\r') => S::FieldStart,
            (_, d) if d == delimiter => S::FieldStart,
            _ => S::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    matches!(state, S::Quoted).then_some(opened)
}

/// Refuses the first multi-line field that swallowed lines looking like rows.
///
/// A line "looks like a row" when, split on the delimiter, it has the header's number of
/// fields AND one of them is a value that column holds on an ordinary one-line row (a label
/// such as "neg", typically). The field-count test alone would refuse prose such as
/// "Dear team,\nthanks, see you" in a two-column file; the value test keeps that loading.
pub(crate) fn stray_quote(rows: &[Row], columns: usize, delimiter: char) -> Result<(), DataError> {
    // One column: nothing to split a line on, so no line can look like a row.
    let multi_line = rows
        .iter()
        .any(|r| r.fields.iter().any(|f| f.contains('\n')));
    if columns < 2 || !multi_line {
        return Ok(());
    }
    let mut seen: Vec<HashSet<&str>> = vec![HashSet::new(); columns];
    for row in rows {
        for (c, field) in row.fields.iter().enumerate() {
            let value = field.trim();
            if !field.contains('\n') && !value.is_empty() {
                seen[c].insert(value);
            }
        }
    }
    // `parts` are the pieces of a line that fall in columns `first..`.
    let looks_like_row = |parts: &[&str], first: usize| {
        first + parts.len() == columns
            && parts
                .iter()
                .enumerate()
                .any(|(i, p)| seen[first + i].contains(p.trim()))
    };
    for row in rows {
        let mut line = row.line;
        for (c, field) in row.fields.iter().enumerate() {
            let segments: Vec<&str> = field.split('\n').collect();
            if let [opening, inner @ .., _closing] = segments.as_slice() {
                // The opening line holds columns ..c unquoted, then the quote; what follows the
                // quote on that line is judged from column c + 1 on (the quoted text itself
                // tells nothing, and the columns before it are this row's own values).
                let after_quote: Vec<&str> = opening.split(delimiter).skip(1).collect();
                let opening_is_row = !after_quote.is_empty() && looks_like_row(&after_quote, c + 1);
                let inner_is_row = inner
                    .iter()
                    .any(|l| looks_like_row(&l.split(delimiter).collect::<Vec<_>>(), 0));
                if opening_is_row || inner_is_row {
                    return Err(DataError::StrayQuote {
                        line,
                        closes: line + segments.len() - 1,
                    });
                }
            }
            line += segments.len() - 1;
        }
    }
    Ok(())
}
