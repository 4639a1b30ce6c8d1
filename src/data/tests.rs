//! Tests of loading: formats, columns, cleaning and every error message.
use super::*;

fn csv(text: &str) -> Result<Dataset, DataError> {
    load(
        text.as_bytes(),
        &DataOptions {
            format: Some(Format::Csv),
            ..Default::default()
        },
    )
}

#[test]
fn format_from_file_name() {
    assert_eq!(Format::from_file_name("train.CSV"), Some(Format::Csv));
    assert_eq!(
        Format::from_file_name("dir.v2/train.tsv"),
        Some(Format::Tsv)
    );
    assert_eq!(Format::from_file_name("a.tab"), Some(Format::Tsv));
    for name in ["a.jsonl", "a.ndjson", "a.json"] {
        assert_eq!(Format::from_file_name(name), Some(Format::Jsonl), "{name}");
    }
    assert_eq!(Format::from_file_name("a.txt"), None);
    assert_eq!(Format::from_file_name("README"), None);
}

#[test]
fn format_sniff() {
    assert_eq!(
        Format::sniff(b"\xEF\xBB\xBF\n  {\"text\": 1}"),
        Format::Jsonl
    );
    assert_eq!(Format::sniff(b"[{\"text\": 1}]"), Format::Jsonl);
    assert_eq!(Format::sniff(b"\nsentence\tlabel\na,b\t0"), Format::Tsv);
    assert_eq!(Format::sniff(b"text,label\na\tb,0"), Format::Csv);
    assert_eq!(Format::sniff(b""), Format::Csv);
}

#[test]
fn empty_file() {
    for bytes in [&b""[..], b"  \n\r\n\t", b"\xEF\xBB\xBF"] {
        let err = load(bytes, &DataOptions::default()).unwrap_err();
        assert_eq!(err, DataError::Empty);
        assert!(
            err.to_string()
                .starts_with("the file is empty: choose a CSV, TSV or JSONL file")
        );
    }
}

#[test]
fn header_only() {
    let err = csv("a,b\n\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file has a header (a, b) but no data rows: add rows below the header"
    );
}

#[test]
fn cleaning_trims_drops_empty_and_duplicates() {
    let d = csv("text,label\n  good  , pos \n,neg\n   ,pos\ngood,pos\ngood,neg\nbad,neg\n")
        .unwrap();
    let pairs: Vec<(&str, &str)> = d
        .examples
        .iter()
        .map(|e| (e.text.as_str(), e.label.as_str()))
        .collect();
    // Same text with a different label is kept.
    assert_eq!(pairs, [("good", "pos"), ("good", "neg"), ("bad", "neg")]);
    assert_eq!((d.rows, d.used), (6, 3));
    assert_eq!(
        d.dropped,
        Dropped {
            empty_text: 2,
            duplicate: 1
        }
    );
    assert_eq!(d.classes, [("neg".to_string(), 2), ("pos".to_string(), 1)]);
}

#[test]
fn every_row_read_is_used_or_dropped_with_a_reason() {
    // 9 data rows (blank and space-only lines are not rows): 2 empty texts, 3 duplicates, 4 used.
    let d = csv("text,label\na,pos\n\n,neg\nb,neg\n   \na,pos\n\"\",pos\na,pos\nb,neg\nc,pos\n\r\nd,neg\n")
        .unwrap();
    assert_eq!((d.rows, d.used, d.examples.len()), (9, 4, 4));
    assert_eq!(d.dropped, Dropped { empty_text: 2, duplicate: 3 });
    assert_eq!(d.rows, d.used + d.dropped.empty_text + d.dropped.duplicate);
    let jsonl = "{\"text\": \"a\", \"label\": 1}\n\n{\"label\": 0}\n{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n";
    let d = load_as(jsonl, Format::Jsonl).unwrap();
    assert_eq!((d.rows, d.used, d.dropped.empty_text, d.dropped.duplicate), (4, 2, 1, 1));
}

#[test]
fn blank_labels_are_an_error() {
    let err = csv("text,label\na,1\nb,\nc,0\nd, \n").unwrap_err();
    assert_eq!(
        err,
        DataError::BlankLabels {
            column: "label".into(),
            count: 2,
            first_line: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "column 'label' is blank in 2 rows (first at line 3): fill in a label for each row or remove those rows"
    );
    assert!(
        csv("text,label\na,1\nb,\n")
            .unwrap_err()
            .to_string()
            .contains("blank in 1 row ")
    );
}

#[test]
fn one_class_is_an_error() {
    let err = csv("text,label\na,pos\nb,pos\n,neg\n").unwrap_err();
    assert_eq!(
        err,
        DataError::OneClass {
            label: "pos".into(),
            count: 2,
            column: "label".into()
        }
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "only one class ('pos', 2 rows) in column 'label': a classifier needs at least two"
        ),
        "{msg}"
    );
}

#[test]
fn all_texts_blank_is_an_error() {
    let err = csv("text,label\n,pos\n  ,neg\n").unwrap_err();
    assert_eq!(
        err,
        DataError::NoText {
            column: "text".into()
        }
    );
    assert!(
        err.to_string()
            .contains("column 'text' is blank in every row")
    );
}

#[test]
fn load_texts_lines() {
    let texts = load_texts(b"\xEF\xBB\xBFfirst one \r\n\n  second\n", None, None).unwrap();
    assert_eq!(texts, ["first one", "second"]);
    assert_eq!(
        load_texts(b" \n\n", None, None).unwrap_err(),
        DataError::NoTexts
    );
    let err = load_texts(b"ok\n\xC3\n", None, None).unwrap_err();
    assert_eq!(err, DataError::NotUtf8 { line: 2, offset: 3 });
}

#[test]
fn load_texts_tables() {
    // Inferred by name, or by length when no name matches; no label needed.
    let csv_bytes = b"id,sentence,label\n1, hello there ,pos\n2,,neg\n3,bye,neg\n";
    assert_eq!(
        load_texts(csv_bytes, Some(Format::Csv), None).unwrap(),
        ["hello there", "bye"]
    );
    let texts = load_texts(
        b"k\tv\n1\tsome text\n2\tmore text\n",
        Some(Format::Tsv),
        None,
    )
    .unwrap();
    assert_eq!(texts, ["some text", "more text"]);
    // A single column is fine here.
    assert_eq!(
        load_texts(b"whatever\na\nb\n", Some(Format::Csv), None).unwrap(),
        ["a", "b"]
    );
    let texts = load_texts(
        b"{\"q\": \"x\"}\n{\"q\": 3}\n",
        Some(Format::Jsonl),
        Some("q"),
    )
    .unwrap();
    assert_eq!(texts, ["x", "3"]);
    let err = load_texts(csv_bytes, Some(Format::Csv), Some("body")).unwrap_err();
    assert!(
        err.to_string()
            .contains("column 'body' not found; the columns are: id, sentence, label")
    );
    let err = load_texts(b"a,b\n", Some(Format::Csv), None).unwrap_err();
    assert!(matches!(err, DataError::HeaderOnly { .. }));
    assert_eq!(
        load_texts(b"", Some(Format::Csv), None).unwrap_err(),
        DataError::NoTexts
    );
}
