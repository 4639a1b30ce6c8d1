//! Which label each file of a folder or a zip gets: from its labels CSV when it has one, else by
//! class folders (`layout.rs`). Pure: paths (and the chosen CSV's bytes) in, a `Layout` out, so
//! the CLI (`sources.rs`) and the page (through wasm) place the same files the same way.

use std::collections::{HashMap, HashSet};

use super::labels_csv::parse_labels_csv;
use super::layout::{Layout, Placed, folder_layout};
use super::problems::{has_image_extension, is_ignored, normalize_path};
use super::finish::data_error;
use crate::error::Result;

/// The CSV the labels come from: the shallowest `labels.csv` (any case), else the only CSV; None
/// when there is none. Several CSVs, none named labels.csv, and no image in a folder (so class
/// folders cannot be meant either) is an error saying which to rename. Hidden files are skipped;
/// the path is returned as given.
pub fn labels_file(files: &[String]) -> Result<Option<String>> {
    let seen = visible(files);
    let csvs: Vec<&(String, String)> = seen.iter().filter(|(_, n)| n.to_lowercase().ends_with(".csv")).collect();
    let labels = |n: &str| n.rsplit('/').next().is_some_and(|b| b.eq_ignore_ascii_case("labels.csv"));
    let chosen = csvs
        .iter()
        .filter(|(_, n)| labels(n))
        .min_by_key(|(_, n)| (n.matches('/').count(), n.clone()))
        .or(if csvs.len() == 1 { csvs.first() } else { None });
    if chosen.is_none() && csvs.len() > 1 && !seen.iter().any(|(_, n)| has_image_extension(n) && n.contains('/')) {
        let names: Vec<&str> = csvs.iter().map(|(_, n)| n.as_str()).collect();
        return Err(data_error(format!(
            "the zip has {} CSV files ({}) and none is named labels.csv: name the one with path,label columns labels.csv",
            csvs.len(),
            names.join(", ")
        )));
    }
    Ok(chosen.map(|(given, _)| given.clone()))
}

/// Places `files` (relative paths; hidden ones are skipped): by `csv` (its path, as
/// `labels_file` chose it, and its bytes) when given — a labels.csv always, another CSV only
/// when it names files here (a zip of class folders may carry an unrelated CSV) — else by class
/// folders (`folder_layout`, with `dirs`, the folders known to exist). A CSV's paths are
/// relative to its folder or to the top; its rows keep their order, its classes are sorted.
pub fn place(files: &[String], dirs: &[String], csv: Option<(&str, &[u8])>) -> Result<Layout> {
    if let Some((name, bytes)) = csv {
        let labels_csv = name.rsplit('/').next().is_some_and(|b| b.eq_ignore_ascii_case("labels.csv"));
        match from_csv(files, name, bytes) {
            // any other CSV is read as path,label only when it names files
            Ok(layout) if layout.placed.is_empty() && !labels_csv => {}
            Err(_) if !labels_csv => {}
            layout => return layout,
        }
    }
    Ok(folder_layout(files, dirs))
}

/// The files as (given, normalised), hidden ones left out.
fn visible(files: &[String]) -> Vec<(String, String)> {
    files.iter().map(|f| (f.clone(), normalize_path(f))).filter(|(_, n)| !n.is_empty() && !is_ignored(n)).collect()
}

fn from_csv(files: &[String], name: &str, bytes: &[u8]) -> Result<Layout> {
    let index: HashMap<String, String> = visible(files).into_iter().map(|(given, n)| (n, given)).collect();
    let csv = normalize_path(name);
    let base = csv.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
    let resolve = |p: &str| {
        let p = normalize_path(p);
        [format!("{base}{p}"), p].into_iter().find_map(|c| index.get(&c).cloned())
    };
    let (rows, problems) = parse_labels_csv(name, bytes, resolve)?;
    let listed: HashSet<&str> = rows.iter().map(|r| r.path.as_str()).collect();
    let unlisted = index.iter().filter(|(n, given)| has_image_extension(n) && !listed.contains(given.as_str())).count();
    let mut notes = vec![format!("labels from {name}")];
    if unlisted > 0 {
        notes.push(format!("{unlisted} image file(s) in the zip are not listed in {name} and were left out"));
    }
    let mut classes: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    classes.sort();
    classes.dedup();
    let placed = rows.into_iter().map(|r| Placed { path: r.path, label: r.label }).collect();
    Ok(Layout { placed, classes, problems, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn labels_csv_is_chosen_shallowest_first_else_the_only_csv() {
        assert_eq!(labels_file(&s(&["a/labels.csv", "LABELS.CSV", "x.png"])).unwrap().as_deref(), Some("LABELS.CSV"));
        assert_eq!(labels_file(&s(&["meta.csv", "x.png"])).unwrap().as_deref(), Some("meta.csv"));
        assert_eq!(labels_file(&s(&["cats/a.png", "dogs/b.png"])).unwrap(), None);
        assert_eq!(labels_file(&s(&["a.csv", "b.csv", "cats/x.png"])).unwrap(), None, "class folders: the CSVs are not labels");
        let e = labels_file(&s(&["a.csv", "b.csv", "x.png"])).unwrap_err().to_string();
        assert!(e.contains("2 CSV files (a.csv, b.csv) and none is named labels.csv"), "{e}");
    }

    #[test]
    fn a_csv_places_its_rows_and_counts_the_images_it_leaves_out() {
        let files = s(&["data/labels.csv", "data/img/a.png", "data/img/b.png", "data/img/c.png"]);
        let l = place(&files, &[], Some(("data/labels.csv", b"path,label\nimg/a.png,x\nimg/b.png,y\n"))).unwrap();
        assert_eq!(l.placed, [Placed { path: "data/img/a.png".into(), label: "x".into() }, Placed { path: "data/img/b.png".into(), label: "y".into() }]);
        assert_eq!(l.classes, ["x", "y"]);
        assert_eq!(l.notes, ["labels from data/labels.csv", "1 image file(s) in the zip are not listed in data/labels.csv and were left out"]);
    }

    #[test]
    fn another_csv_that_names_no_file_leaves_the_class_folders() {
        let files = s(&["notes.csv", "cats/a.png", "dogs/b.png"]);
        let l = place(&files, &[], Some(("notes.csv", b"when,what\nmonday,cats\n"))).unwrap();
        assert_eq!(l.classes, ["cats", "dogs"]);
        assert!(place(&files, &[], Some(("labels.csv", b"\n"))).is_err(), "an empty labels.csv is an error");
    }
}
