//! What a model of some kind learns from and predicts on.
use super::table::Kind;
use crate::data::Dataset;
use crate::image::data::{DecodedImage, ImageDataset};
use crate::error::Error;

/// Labelled data of any kind: rows of a text file, or images in classes.
#[derive(Clone, Copy)]
pub enum DataRef<'a> {
    Text(&'a Dataset),
    Image(&'a ImageDataset),
}

/// Labelled data of any kind, owned (what the CLI and the wasm session hold).
pub enum AnyData {
    Text(Dataset),
    Image(ImageDataset),
}

impl AnyData {
    pub fn as_ref(&self) -> DataRef<'_> {
        match self {
            AnyData::Text(d) => DataRef::Text(d),
            AnyData::Image(d) => DataRef::Image(d),
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

impl DataRef<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            DataRef::Text(_) => Kind::Text,
            DataRef::Image(_) => Kind::Image,
        }
    }
}

/// What a model predicts on: texts or decoded images.
#[derive(Clone, Copy)]
pub enum Inputs<'a> {
    Texts(&'a [&'a str]),
    Images(&'a [&'a DecodedImage]),
}

impl Inputs<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            Inputs::Texts(_) => Kind::Text,
            Inputs::Images(_) => Kind::Image,
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
        },
        data.a_model()
    ))
}
