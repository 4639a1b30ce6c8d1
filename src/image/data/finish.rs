//! The last step of every image load: order the examples, name the classes, and refuse data a
//! classifier cannot train on.

use super::dataset::{ImageDataset, ImageExample, ImageProblem};
use super::problems;
use crate::data::example::class_counts;
use crate::error::{Error, Result};

/// The one place that says which `Error` a data problem becomes (the text data has its own
/// `DataError` enum; these messages are whole sentences already).
pub(crate) fn data_error(message: String) -> Error {
    Error::Settings(message)
}

/// Sorts the examples (class, then path), names the classes and problems for classes that
/// ended up empty, and refuses data a classifier cannot train on: no image, or one class.
/// `from` says where the images came from ("the folder", "the zip") for the messages.
pub fn finish(
    mut examples: Vec<ImageExample>,
    expected_classes: &[String],
    mut problems: Vec<ImageProblem>,
    notes: Vec<String>,
    from: &str,
) -> Result<ImageDataset> {
    let counts = class_counts(examples.iter().map(|e| e.label.as_str()));
    let classes: Vec<String> = counts.iter().map(|(c, _)| c.clone()).collect();
    if examples.is_empty() {
        return Err(data_error(problems::no_images(from, &problems)));
    }
    for class in expected_classes {
        if !classes.contains(class) {
            problems.push(problems::class_left_out(class));
        }
    }
    if let [(class, count)] = counts.as_slice() {
        return Err(data_error(problems::one_class(class, *count, from)));
    }
    examples.sort_by(|a, b| {
        let (ia, ib) = (
            classes.iter().position(|c| c == &a.label),
            classes.iter().position(|c| c == &b.label),
        );
        ia.cmp(&ib).then_with(|| a.name.cmp(&b.name))
    });
    problems.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ImageDataset {
        examples,
        classes,
        problems,
        notes,
    })
}

/// Class names in index order, as every image run (and text labels) orders them: numerically
/// when every name is an integer ("2" before "10"), else by their text; each name once.
pub fn class_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    class_counts(names.into_iter()).into_iter().map(|(c, _)| c).collect()
}
