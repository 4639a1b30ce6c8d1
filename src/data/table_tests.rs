//! Tests of parsing: CSV / TSV quoting, unclosed quotes, UTF-8, JSONL.
use crate::data::errors::DataError;
use crate::data::format::{DataOptions, Format};
use crate::data::load::{load, load_as};

fn texts(d: &crate::data::dataset::Dataset) -> Vec<(&str, &str)> {
    d.examples
        .iter()
        .map(|e| (e.text.as_str(), e.label.as_str()))
        .collect()
}

#[test]
fn strips_bom() {
    let d = load(
        b"\xEF\xBB\xBFtext,label\na,x\nb,y\n",
        &DataOptions::default(),
    )
    .unwrap();
    assert_eq!(d.columns, ["text", "label"]);
}

#[test]
fn not_utf8_names_line_and_offset() {
    let err = load(b"text,label\ngood,1\nbad\xff,0\n", &DataOptions::default()).unwrap_err();
    assert_eq!(
        err,
        DataError::NotUtf8 {
            line: 3,
            offset: 21
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("not UTF-8") && msg.contains("line 3") && msg.contains("save it as UTF-8"),
        "{msg}"
    );
}

#[test]
fn quoted_commas_and_closed_multiline_quotes() {
    let csv = "text,label\n\"good, really \"\"good\"\"\",pos\n\"two\nlines\",neg\nplain,pos\n";
    let d = load_as(csv, Format::Csv).unwrap();
    assert_eq!(
        texts(&d),
        [
            ("good, really \"good\"", "pos"),
            ("two\nlines", "neg"),
            ("plain", "pos")
        ]
    );
    // Line numbers after a multi-line field still count file lines.
    let err = load_as(&format!("{csv}x,\n"), Format::Csv).unwrap_err();
    assert_eq!(
        err,
        DataError::BlankLabels {
            column: "label".into(),
            count: 1,
            first_line: 6
        }
    );
}

#[test]
fn unclosed_quote_names_line_where_it_opened() {
    let err = load_as("text,label\n\"good movie,1\nbad,0\n", Format::Csv).unwrap_err();
    assert_eq!(err, DataError::UnclosedQuote { line: 2 });
    let msg = err.to_string();
    assert!(
        msg.contains("line 2") && msg.contains("never closed"),
        "{msg}"
    );
    let err = load_as("text,label\na,1\n\"b\nc\",0\nd,\"0\n", Format::Csv).unwrap_err();
    assert_eq!(err, DataError::UnclosedQuote { line: 5 });
    let err = load_as("text\tlabel\na\t1\n\"b\t0\n", Format::Tsv).unwrap_err();
    assert_eq!(err, DataError::UnclosedQuote { line: 3 });
}

#[test]
fn quotes_that_are_not_field_openers_are_literal() {
    let d = load_as("text,label\nsay \"hi,1\n\"x\"\"\",0\n", Format::Csv).unwrap();
    assert_eq!(texts(&d), [("say \"hi", "1"), ("x\"", "0")]);
}

#[test]
fn field_count_mismatch_names_line_and_counts() {
    let err = load_as("text,label\na,1\nb,0\nc,1,extra\n", Format::Csv).unwrap_err();
    assert_eq!(
        err,
        DataError::BadRow {
            line: 4,
            found: 3,
            expected: 2
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("line 4 has 3 fields but the header has 2"),
        "{msg}"
    );
}

#[test]
fn blank_lines_crlf_and_header_spaces() {
    let d = load_as(" text , label \r\na,1\r\n\r\n   \r\nb,0\r\n", Format::Csv).unwrap();
    assert_eq!(d.columns, ["text", "label"]);
    assert_eq!(texts(&d), [("a", "1"), ("b", "0")]);
    assert_eq!(d.rows, 2);
}

#[test]
fn blank_header_gets_a_name() {
    let d = load_as(",text,label\n0,a,x\n1,b,y\n", Format::Csv).unwrap();
    assert_eq!(d.columns, ["column_1", "text", "label"]);
}

#[test]
fn sst2_tsv_trims_text() {
    let tsv = "sentence\tlabel\nhide new secretions from the parental units \t0\n\
               contains no wit , only labored gags \t0\nthat loves its characters \t1\n";
    let d = load(tsv.as_bytes(), &DataOptions::default()).unwrap();
    assert_eq!(d.format, Format::Tsv);
    assert_eq!(
        (d.text_column.as_str(), d.label_column.as_str()),
        ("sentence", "label")
    );
    assert_eq!(
        d.examples[0].text,
        "hide new secretions from the parental units"
    );
    assert_eq!(d.classes, [("0".to_string(), 2), ("1".to_string(), 1)]);
}

#[test]
fn jsonl_integer_labels_key_order_and_missing_keys() {
    let jsonl = "{\"text\": \"a\", \"label\": 1}\n{\"label\": 0, \"text\": \"b\"}\n\n\
                 {\"text\": \"c\", \"label\": 10, \"extra\": null}\n{\"text\": null, \"label\": 1}\n";
    let d = load(jsonl.as_bytes(), &DataOptions::default()).unwrap();
    assert_eq!(d.format, Format::Jsonl);
    assert_eq!(d.columns, ["text", "label", "extra"]);
    assert_eq!(texts(&d), [("a", "1"), ("b", "0"), ("c", "10")]);
    assert_eq!(d.labels(), ["0", "1", "10"]);
    assert_eq!((d.rows, d.dropped.empty_text), (4, 1));
    let d = load_as(
        "{\"t\": \"a\", \"y\": true}\n{\"t\": \"b\", \"y\": false}\n",
        Format::Jsonl,
    )
    .unwrap();
    assert_eq!(d.labels(), ["false", "true"]);
}

#[test]
fn jsonl_errors_name_the_line() {
    let err = load_as("{\"text\": \"a\", \"label\": 1}\n[1, 2]\n", Format::Jsonl).unwrap_err();
    assert!(matches!(err, DataError::BadJson { line: 2, .. }), "{err:?}");
    assert!(
        err.to_string().contains("line 2 is not a JSON object"),
        "{err}"
    );
    let err = load_as(
        "{\"text\": \"a\", \"label\": 1}\n\n{\"text\": \"b\",\n",
        Format::Jsonl,
    )
    .unwrap_err();
    assert!(matches!(err, DataError::BadJson { line: 3, .. }), "{err:?}");
    assert!(!err.to_string().contains("at line 1"), "{err}");
    let err = load(
        b"[{\"text\": \"a\", \"label\": 1}]",
        &DataOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err, DataError::JsonArray);
    assert!(err.to_string().contains("one object per line"));
}

#[test]
fn stray_quote_that_swallows_rows_is_refused() {
    // The quote on line 2 is "closed" on line 4: rows 3 and 4 would become part of one text.
    let err = load_as(
        "text,label\n\"Great movie,pos\nBad,neg\nAwful\",neg\n",
        Format::Csv,
    )
    .unwrap_err();
    assert_eq!(err, DataError::StrayQuote { line: 2, closes: 4 });
    let msg = err.to_string();
    for phrase in [
        "line 2 opens a quote",
        "closes on line 4",
        "lines 3 to 4",
        "close the quote",
        "two (\"\")",
    ] {
        assert!(msg.contains(phrase), "{phrase:?} missing from: {msg}");
    }
    // Two lines only: the opening line itself ends like a row ("pos" is a label here).
    let err = load_as(
        "text,label\nok,pos\n\"Great movie,pos\nAwful\",neg\n",
        Format::Csv,
    )
    .unwrap_err();
    assert_eq!(err, DataError::StrayQuote { line: 3, closes: 4 });
    assert!(err.to_string().contains("the rows on line 4 "), "{err}");
    // Line numbers count the lines of earlier multi-line fields; TSV too.
    let tsv = "text\tlabel\n\"two\nlines\"\tpos\nfine\tneg\n\"oops\nbad\tneg\nend\"\tpos\n";
    let err = load_as(tsv, Format::Tsv).unwrap_err();
    assert_eq!(err, DataError::StrayQuote { line: 5, closes: 7 });
}

#[test]
fn multi_line_texts_that_do_not_look_like_rows_still_load() {
    // Inner lines with the header's field count, but no value that column ever holds.
    let csv =
        "text,label\n\"Dear team,\nthanks, see you\nBob\",pos\n\"Hello,\nworld\",neg\nplain,pos\n";
    let d = load_as(csv, Format::Csv).unwrap();
    assert_eq!(
        texts(&d),
        [
            ("Dear team,\nthanks, see you\nBob", "pos"),
            ("Hello,\nworld", "neg"),
            ("plain", "pos")
        ]
    );
}

#[test]
fn duplicate_header_names_are_refused() {
    let err = load_as("text,label,text\na,1,b\nc,0,d\n", Format::Csv).unwrap_err();
    assert_eq!(
        err,
        DataError::DuplicateColumn {
            name: "text".into(),
            positions: vec![1, 3]
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("'text' more than once (columns 1 and 3)") && msg.contains("rename"),
        "{msg}"
    );
    // Names are compared trimmed, as they are used; a blank name's stand-in counts too.
    let err = load_as("a, b ,b,,column_4\n1,2,3,4,5\n", Format::Csv).unwrap_err();
    assert_eq!(
        err,
        DataError::DuplicateColumn {
            name: "b".into(),
            positions: vec![2, 3]
        }
    );
    let err = load_as("x,,column_2\n1,2,3\n", Format::Csv).unwrap_err();
    assert!(err.to_string().contains("columns 2 and 3"), "{err}");
}

#[test]
fn semicolon_and_tab_separated_csv_are_read_as_such_and_said() {
    let d = load_as("text;label\n\"good, really\";pos\nbad;neg\n", Format::Csv).unwrap();
    assert_eq!(d.columns, ["text", "label"]);
    assert_eq!(texts(&d), [("good, really", "pos"), ("bad", "neg")]);
    assert_eq!(d.notes, ["the file is separated by ';' (read as such)"]);
    // A .tsv saved as .csv: the CLI passes Csv from the name.
    let d = load_as("\ntext\tlabel\na, b\tpos\nc\tneg\n", Format::Csv).unwrap();
    assert_eq!(texts(&d), [("a, b", "pos"), ("c", "neg")]);
    assert_eq!(d.notes, ["the file is separated by tabs (read as such)"]);
    // A comma file with ';' in a text is left alone, and says nothing.
    let d = load_as("text,label\na;b,pos\nc,neg\n", Format::Csv).unwrap();
    assert!(d.notes.is_empty());
    // Sniffed files and text-only input get the same treatment.
    let d = load(b"text;label\na;1\nb;0\n", &DataOptions::default()).unwrap();
    assert_eq!((d.format, d.notes.len()), (Format::Csv, 1));
    let texts =
        crate::data::load::load_texts(b"id;text\n1;hi\n2;yo\n", Some(Format::Csv), Some("text")).unwrap();
    assert_eq!(texts, ["hi", "yo"]);
}
