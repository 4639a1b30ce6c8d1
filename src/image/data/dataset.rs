//! What an image load gives: decoded images with their labels, the classes, and the files
//! left out with the reason.

use serde::Serialize;

/// Pixels as RGB8, row-major (`width * height * 3` bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedImage {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageExample {
    /// The path shown to users: relative to the folder, or as stored in the zip.
    pub name: String,
    pub label: String,
    pub image: DecodedImage,
}

/// A file that was left out, and why: shown to the user as `name: message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageProblem {
    pub name: String,
    pub message: String,
}

impl ImageProblem {
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> ImageProblem {
        ImageProblem {
            name: name.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ImageDataset {
    pub examples: Vec<ImageExample>,
    /// Class names in index order; only classes with at least one image.
    pub classes: Vec<String>,
    /// Files left out, each with the reason.
    pub problems: Vec<ImageProblem>,
    /// What was decided while reading, to show the user (e.g. "images in sub-folders of
    /// 'cats' count as 'cats'", "labels from labels.csv").
    pub notes: Vec<String>,
}

impl ImageDataset {
    /// Class name → examples, in index order.
    pub fn class_counts(&self) -> Vec<(String, usize)> {
        self.classes
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    self.examples.iter().filter(|e| &e.label == c).count(),
                )
            })
            .collect()
    }

    /// Each example's class index (into `classes`).
    pub fn targets(&self) -> Vec<usize> {
        self.examples
            .iter()
            .map(|e| self.classes.iter().position(|c| c == &e.label).unwrap_or(0))
            .collect()
    }
}
