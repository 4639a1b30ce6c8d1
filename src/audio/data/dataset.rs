//! What a sound load gives: one-second clips with their labels, the classes, and the files left
//! out with the reason; and the last step of every load, which orders them and refuses data a
//! classifier cannot train on.

use super::problems::{self, AudioProblem};
use crate::data::example::class_counts;
use crate::error::{Error, Result};

#[derive(Clone, Debug, PartialEq)]
pub struct AudioExample {
    /// The path shown to users: relative to the folder, or as stored in the zip.
    pub name: String,
    pub label: String,
    /// `clip::CLIP_SAMPLES` samples at 16 kHz, mono (`clip::to_clip`'s output).
    pub clip: Vec<f32>,
}

#[derive(Clone, Debug, Default)]
pub struct AudioDataset {
    /// By class (in `classes` order), then by path.
    pub examples: Vec<AudioExample>,
    /// Class names in index order; only classes with at least one clip.
    pub classes: Vec<String>,
    /// Files left out, each with the reason, by name.
    pub problems: Vec<AudioProblem>,
    /// What was decided while reading, to show the user (e.g. "the class folders are inside 'words/'").
    pub notes: Vec<String>,
}

impl AudioDataset {
    /// Class name → examples, in index order.
    pub fn class_counts(&self) -> Vec<(String, usize)> {
        class_counts(self.examples.iter().map(|e| e.label.as_str()))
    }

    /// Each example's class index (into `classes`).
    pub fn targets(&self) -> Vec<usize> {
        self.examples
            .iter()
            .map(|e| self.classes.iter().position(|c| c == &e.label).unwrap_or(0))
            .collect()
    }
}

/// Sorts the examples (class, then path), names the classes (ordered as every kind orders
/// labels: numerically when all are integers), adds a problem for each expected class that
/// ended up empty, and refuses no clip or one class. `from` names the source for the messages.
pub fn finish(
    mut examples: Vec<AudioExample>,
    expected_classes: &[String],
    mut problems: Vec<AudioProblem>,
    notes: Vec<String>,
    from: &str,
) -> Result<AudioDataset> {
    let counts = class_counts(examples.iter().map(|e| e.label.as_str()));
    let classes: Vec<String> = counts.iter().map(|(c, _)| c.clone()).collect();
    if examples.is_empty() {
        return Err(Error::Settings(problems::no_clips(from, &problems)));
    }
    for class in expected_classes {
        if !classes.contains(class) {
            problems.push(problems::class_left_out(class));
        }
    }
    if let [(class, count)] = counts.as_slice() {
        return Err(Error::Settings(problems::one_class(class, *count, from)));
    }
    let index = |label: &str| classes.iter().position(|c| c == label);
    examples.sort_by(|a, b| {
        index(&a.label)
            .cmp(&index(&b.label))
            .then_with(|| a.name.cmp(&b.name))
    });
    problems.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(AudioDataset {
        examples,
        classes,
        problems,
        notes,
    })
}
