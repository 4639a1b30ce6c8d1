//! Tests of parsing: CSV / TSV quoting, unclosed quotes, UTF-8, JSONL.
use crate::data::{DataError, DataOptions, Format, load, load_as};


fn texts(d: &crate::data::Dataset) -> Vec<(&str, &str)> {
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
