//! Which file gets which label in a folder of class folders (on disk or in a zip). Pure: it
//! sees only paths, so the page and the CLI could place files the same way.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::dataset::ImageProblem;
use super::problems::{is_ignored, normalize_path, not_in_class_folder};

/// A file to decode, and its class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// The path as given (shown to the user; used to read the file).
    pub path: String,
    pub label: String,
}

/// Which file gets which class (`folder_layout`, or `placement::place` by a labels CSV).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// Sorted by path (by class folders), or in the CSV's order.
    pub placed: Vec<Placed>,
    /// Every class folder found, sorted, including empty ones (so an empty or all-bad class
    /// can be reported as left out).
    pub classes: Vec<String>,
    pub problems: Vec<ImageProblem>,
    pub notes: Vec<String>,
}

/// Places `files` (relative paths, '/' or '\\' separated) into classes by their first folder.
/// `dirs` are folders known to exist (possibly empty). Hidden files and `__MACOSX/` are
/// skipped silently. While every file shares one top folder and some lie two folders below
/// it, that folder is a wrapper (zipping a folder adds one) and is looked through. Files
/// directly in the root get a problem (no label); files in sub-folders of a class folder
/// count for that class, with a note.
pub fn folder_layout(files: &[String], dirs: &[String]) -> Layout {
    let files: Vec<(String, Vec<String>)> = files
        .iter()
        .filter(|f| !is_ignored(&normalize_path(f)))
        .map(|f| (f.clone(), parts(f)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let dirs: Vec<Vec<String>> = dirs
        .iter()
        .filter(|d| !is_ignored(&normalize_path(d)))
        .map(|d| parts(d))
        .filter(|p| !p.is_empty())
        .collect();

    let depth = wrapper_depth(&files);
    let mut layout = Layout::default();
    let mut classes = BTreeSet::new();
    let mut nested: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, p) in &files {
        let rest = &p[depth..];
        match rest {
            [_file] => layout
                .problems
                .push(ImageProblem::new(path.clone(), not_in_class_folder())),
            [class, sub @ .., _file] => {
                let class = class.trim().to_owned();
                if !sub.is_empty() {
                    nested
                        .entry(class.clone())
                        .or_default()
                        .insert(sub.join("/"));
                }
                classes.insert(class.clone());
                layout.placed.push(Placed {
                    path: path.clone(),
                    label: class,
                });
            }
            [] => {}
        }
    }
    let wrapper: Vec<String> = files
        .first()
        .map(|(_, p)| p[..depth].to_vec())
        .unwrap_or_default();
    for d in &dirs {
        if d.len() > depth && d[..depth] == wrapper[..] {
            classes.insert(d[depth].trim().to_owned());
        }
    }
    for (class, subs) in nested {
        let subs: Vec<String> = subs.into_iter().map(|s| format!("'{class}/{s}'")).collect();
        layout.notes.push(format!(
            "images in sub-folders of '{class}' ({}) count as class '{class}'",
            subs.join(", ")
        ));
    }
    if depth > 0 {
        layout.notes.push(format!(
            "the class folders are inside '{}/'",
            wrapper.join("/")
        ));
    }
    layout.placed.sort_by(|a, b| a.path.cmp(&b.path));
    layout.classes = classes.into_iter().filter(|c| !c.is_empty()).collect();
    layout
}

fn parts(path: &str) -> Vec<String> {
    normalize_path(path)
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many shared top folders to look through: while every file is below the same folder
/// and at least one is two levels below it (so class folders remain).
fn wrapper_depth(files: &[(String, Vec<String>)]) -> usize {
    let mut depth = 0;
    loop {
        let Some((_, first)) = files.first() else {
            return depth;
        };
        let Some(top) = first.get(depth) else {
            return depth;
        };
        let shared = files
            .iter()
            .all(|(_, p)| p.len() > depth + 1 && &p[depth] == top);
        let deep = files.iter().any(|(_, p)| p.len() > depth + 2);
        if !(shared && deep) {
            return depth;
        }
        depth += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn wrapper_folder_is_looked_through() {
        let l = folder_layout(
            &s(&["data/cats/a.jpg", "data/dogs/b.jpg", "__MACOSX/data/._x"]),
            &[],
        );
        let labels: Vec<_> = l.placed.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["cats", "dogs"]);
        assert_eq!(l.classes, ["cats", "dogs"]);
    }

    #[test]
    fn root_files_are_problems_and_nested_files_join_their_class() {
        let l = folder_layout(
            &s(&[
                "readme.txt",
                "cats/a.jpg",
                "cats/indoor/b.jpg",
                "dogs/c.jpg",
            ]),
            &s(&["birds"]),
        );
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].name, "readme.txt");
        assert_eq!(l.placed.iter().filter(|p| p.label == "cats").count(), 2);
        assert_eq!(l.classes, ["birds", "cats", "dogs"]);
        assert!(l.notes[0].contains("cats/indoor"), "{:?}", l.notes);
    }

    #[test]
    fn a_single_class_folder_is_not_a_wrapper() {
        let l = folder_layout(&s(&["cats/a.jpg", "cats/b.jpg"]), &[]);
        assert_eq!(l.classes, ["cats"]);
    }
}
