//! Tests of a loaded dataset: class order, its JSON, the task inferred on load or chosen later.
use super::*;
use crate::data::format::{DataOptions, Format};
use crate::data::labels::ValueStats;
use crate::data::load::load_as;
use crate::data::targets::labels_for;

fn csv(text: &str) -> Result<Dataset, DataError> {
    load_as(text, Format::Csv)
}

#[test]
fn class_order_numeric_or_lexicographic() {
    let d = csv("text,label\na,10\nb,2\nc,-1\nd,2\ne,1\n").unwrap();
    assert_eq!(d.labels(), ["-1", "1", "2", "10"]);
    assert_eq!(d.class_index()["10"], 3);
    let d = csv("text,label\na,b\nb,B\nc,10\nd,2\n").unwrap();
    assert_eq!(d.labels(), ["10", "2", "B", "b"]);
}

#[test]
fn dataset_json_shape() {
    let d = csv("text,label\na,pos\nb,neg\nc,pos\n").unwrap();
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "format": "csv",
            "columns": ["text", "label"],
            "text_column": "text",
            "label_column": "label",
            "inferred_columns": true,
            "rows": 3,
            "used": 3,
            "dropped": {"empty_text": 0, "duplicate": 0},
            "notes": [],
            "task": "classification",
            "task_reason": "the labels are text with 2 distinct values, so each row is read as one class (classification); set task to override",
            "classes": [{"label": "neg", "count": 1}, {"label": "pos", "count": 2}],
        })
    );
    let opts: DataOptions =
        serde_json::from_str(r#"{"format": "tsv", "text_column": "s"}"#).unwrap();
    assert_eq!((opts.format, opts.label_column), (Some(Format::Tsv), None));
}

fn numbered(labels: impl IntoIterator<Item = String>) -> String {
    let mut csv = "text,label\n".to_owned();
    for (i, l) in labels.into_iter().enumerate() {
        csv.push_str(&format!("row {i},{l}\n"));
    }
    csv
}

#[test]
fn task_is_inferred_on_load() {
    // 0/1 and 1–5 ratings stay classes, in today's order.
    let d = csv("text,label\na,1\nb,0\nc,1\n").unwrap();
    assert_eq!((d.task, d.values), (Task::Classification, None));
    assert_eq!(d.labels(), ["0", "1"]);
    let d = csv(&numbered((0..20).map(|i| (1 + i % 5).to_string()))).unwrap();
    assert_eq!(d.task, Task::Classification);
    assert_eq!(d.labels(), ["1", "2", "3", "4", "5"]);
    assert!(d.task_reason.contains("only 5 distinct values"), "{}", d.task_reason);

    // 30 distinct floats: regression, one output named after the column.
    let d = csv(&numbered((0..30).map(|i| format!("{}", i as f64 / 4.0)))).unwrap();
    assert_eq!(d.task, Task::Regression);
    assert_eq!(d.classes, [("label".to_string(), 30)]);
    assert_eq!(d.values, Some(ValueStats { min: 0.0, max: 7.25, mean: 3.625 }));
    assert!(d.task_reason.starts_with("the labels are numbers with 30 distinct values"), "{}", d.task_reason);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["task"], "regression");
    assert_eq!(json["values"], serde_json::json!({"min": 0.0, "max": 7.25, "mean": 3.625}));
    assert_eq!(json["classes"], serde_json::json!([{"label": "label", "count": 30}]));

    // '|' anywhere: multi-label, classes count rows per label; "|" alone is a row with none.
    let d = csv("text,tags\na,sports|politics\nb,politics\nc, sports | tech \nd,|\n").unwrap();
    assert_eq!(d.task, Task::MultiLabel);
    assert_eq!(
        d.classes,
        [("politics".to_string(), 2), ("sports".to_string(), 2), ("tech".to_string(), 1)]
    );
    assert_eq!(d.labels(), labels_for(&d.examples, Task::MultiLabel, "tags").unwrap());
    assert!(d.task_reason.starts_with("3 rows have labels joined by '|' (e.g. 'sports|politics')"), "{}", d.task_reason);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["task"], "multi_label");
    assert!(json.get("values").is_none());

    // Still one distinct value is refused, whatever the task would be.
    assert!(matches!(csv("text,label\na,x|y\nb,x|y\n").unwrap_err(), DataError::OneClass { .. }));
    // Only separators in every row: nothing to predict.
    let err = csv("text,tags\na,|\nb,||\n").unwrap_err();
    assert_eq!(err, DataError::NoLabelNames { column: "tags".into() });
}

#[test]
fn a_chosen_task_re_reads_the_labels() {
    let mut d = csv(&numbered((0..30).map(|i| (i % 12).to_string()))).unwrap();
    assert_eq!(d.task, Task::Regression);
    d.set_task(Task::Classification).unwrap();
    assert_eq!((d.task, d.values), (Task::Classification, None));
    assert_eq!(d.labels(), (0..12).map(|i| i.to_string()).collect::<Vec<_>>());
    assert_eq!(d.class_index()["11"], 11);
    assert_eq!(
        d.task_reason,
        "task is set to classification (the labels alone would be read as regression)"
    );
    d.set_task(Task::Regression).unwrap();
    assert_eq!(d.labels(), ["label"]);
    assert!(d.values.is_some());

    // Text labels cannot be regression: an error, and the dataset is as it was.
    let mut d = csv("text,label\na,pos\nb,neg\n").unwrap();
    let before = serde_json::to_value(&d).unwrap();
    let err = d.set_task(Task::Regression).unwrap_err();
    assert_eq!(
        err.to_string(),
        "task = regression needs numbers in the label column, but 'pos' is not a number: use task = classification (or leave task on auto)"
    );
    assert_eq!(serde_json::to_value(&d).unwrap(), before);
    // The same message reaches the user through crate::Error.
    assert_eq!(crate::Error::from(err).to_string(), before_msg());
    d.set_task(Task::MultiLabel).unwrap();
    assert_eq!(d.labels(), ["neg", "pos"]);
}

fn before_msg() -> String {
    "task = regression needs numbers in the label column, but 'pos' is not a number: use task = classification (or leave task on auto)".into()
}
