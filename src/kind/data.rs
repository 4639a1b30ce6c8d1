//! What a model of some kind learns from and predicts on.
use super::table::Kind;
use crate::data::Dataset;
use crate::audio::data::AudioDataset;
use crate::image::data::{DecodedImage, ImageDataset, ImageProblem};
use serde::{Deserialize, Serialize};
use crate::error::Error;

/// Labelled data of any kind: rows of a text file, images or clips in classes.
#[derive(Clone, Copy)]
pub enum DataRef<'a> {
    Text(&'a Dataset),
    Image(&'a ImageDataset),
    Audio(&'a AudioDataset),
}

/// Labelled data of any kind, owned (what the CLI and the wasm session hold).
pub enum AnyData {
    Text(Dataset),
    Image(ImageDataset),
    Audio(AudioDataset),
}

impl AnyData {
    pub fn as_ref(&self) -> DataRef<'_> {
        match self {
            AnyData::Text(d) => DataRef::Text(d),
            AnyData::Image(d) => DataRef::Image(d),
            AnyData::Audio(d) => DataRef::Audio(d),
        }
    }

    pub fn kind(&self) -> Kind {
        self.as_ref().kind()
    }

    /// Its examples: rows of the file, or images.
    pub fn len(&self) -> usize {
        match self {
            AnyData::Text(d) => d.examples.len(),
            AnyData::Image(d) => d.examples.len(),
            AnyData::Audio(d) => d.examples.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text data, for what only text runs do (grid search, cross-validation).
    pub fn text(&self) -> Result<&Dataset, Error> {
        match self {
            AnyData::Text(d) => Ok(d),
            AnyData::Image(_) => Err(Error::Settings("this works on text data only, and the data is images".into())),
            AnyData::Audio(_) => Err(Error::Settings("this works on text data only, and the data is clips".into())),
        }
    }
}

impl<'a> From<&'a AnyData> for DataRef<'a> {
    fn from(d: &'a AnyData) -> Self {
        d.as_ref()
    }
}

impl<'a> From<&'a Dataset> for DataRef<'a> {
    fn from(d: &'a Dataset) -> Self {
        DataRef::Text(d)
    }
}

impl<'a> From<&'a ImageDataset> for DataRef<'a> {
    fn from(d: &'a ImageDataset) -> Self {
        DataRef::Image(d)
    }
}

impl<'a> From<&'a AudioDataset> for DataRef<'a> {
    fn from(d: &'a AudioDataset) -> Self {
        DataRef::Audio(d)
    }
}

impl DataRef<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            DataRef::Text(_) => Kind::Text,
            DataRef::Image(_) => Kind::Image,
            DataRef::Audio(_) => Kind::Audio,
        }
    }

    /// What a model card says of the data: how much was read, each class's count, what was
    /// left out and why.
    pub fn summary(&self) -> DataSummary {
        // image and sound files: those kept, and those left out with the reason
        let files = |unit: &str, used: usize, problems: &[ImageProblem], classes, notes: &[String]| {
            let mut dropped: Vec<String> = problems.iter().take(SAID_PROBLEMS).map(ToString::to_string).collect();
            if problems.len() > SAID_PROBLEMS {
                dropped.push(format!("and {} more", problems.len() - SAID_PROBLEMS));
            }
            DataSummary { unit: unit.into(), read: used + problems.len(), used, classes, dropped, notes: notes.to_vec() }
        };
        match self {
            DataRef::Text(d) => {
                let dropped = [(d.dropped.empty_text, "with an empty text"), (d.dropped.duplicate, "repeating an earlier row")];
                let dropped = dropped.iter().filter(|(n, _)| *n > 0).map(|(n, why)| format!("{n} rows {why}")).collect();
                DataSummary { unit: "rows".into(), read: d.rows, used: d.used, classes: d.classes.clone(), dropped, notes: d.notes.clone() }
            }
            DataRef::Image(d) => files("images", d.examples.len(), &d.problems, d.class_counts(), &d.notes),
            DataRef::Audio(d) => files("clips", d.examples.len(), &d.problems, d.class_counts(), &d.notes),
        }
    }
}

/// Files left out that a summary names one by one.
const SAID_PROBLEMS: usize = 8;

/// The data a run learned from, as its model card says it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// What one example is: "rows", "images" or "clips".
    pub unit: String,
    /// Examples read (a text file's data rows, image or sound files), and kept.
    pub read: usize,
    pub used: usize,
    /// Each class and its examples, in class order (none for regression).
    pub classes: Vec<(String, usize)>,
    /// What was left out, in words.
    pub dropped: Vec<String>,
    /// What was decided while reading ("the file is separated by ';'").
    pub notes: Vec<String>,
}

/// What a model predicts on: texts, decoded images, or one-second clips (`audio::clip`).
#[derive(Clone, Copy)]
pub enum Inputs<'a> {
    Texts(&'a [&'a str]),
    Images(&'a [&'a DecodedImage]),
    Clips(&'a [&'a [f32]]),
}

impl Inputs<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            Inputs::Texts(_) => Kind::Text,
            Inputs::Images(_) => Kind::Image,
            Inputs::Clips(_) => Kind::Audio,
        }
    }
}

/// The refusal when a model meets data (or inputs) of another kind.
pub fn mismatch(model: Kind, data: Kind) -> Error {
    Error::Settings(format!(
        "the model is {} and the data is {}: load {} (or data of the model's kind)",
        model.a_model(),
        match data {
            Kind::Text => "text",
            Kind::Image => "images",
            Kind::Audio => "clips",
        },
        data.a_model()
    ))
}

#[cfg(test)]
mod tests {
    use super::{DataRef, SAID_PROBLEMS};
    use crate::image::data::{DecodedImage, ImageDataset, ImageExample, ImageProblem};

    #[test]
    fn a_summary_counts_what_was_read_and_names_what_was_left_out() {
        let image = |label: &str| ImageExample { name: format!("{label}.png"), label: label.into(), image: DecodedImage { width: 1, height: 1, rgb: vec![0; 3] } };
        let problems: Vec<ImageProblem> = (0..SAID_PROBLEMS + 2).map(|i| ImageProblem::new(format!("bad{i}.png"), "not an image")).collect();
        let data = ImageDataset { examples: vec![image("cat"), image("cat"), image("dog")], classes: vec!["cat".into(), "dog".into()], problems, notes: Vec::new() };
        let s = DataRef::Image(&data).summary();
        assert_eq!((s.unit.as_str(), s.read, s.used), ("images", 3 + SAID_PROBLEMS + 2, 3));
        assert_eq!(s.classes, vec![("cat".to_string(), 2), ("dog".to_string(), 1)]);
        assert_eq!(s.dropped.len(), SAID_PROBLEMS + 1);
        assert!(s.dropped[0].contains("bad0.png") && s.dropped[0].contains("not an image"), "{:?}", s.dropped[0]);
        assert_eq!(s.dropped[SAID_PROBLEMS], "and 2 more");
    }
}
