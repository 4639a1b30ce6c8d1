//! What a model of some kind learns from and predicts on.
use super::table::Kind;
use crate::data::Dataset;
use crate::audio::data::AudioDataset;
use crate::image::data::{DecodedImage, ImageDataset};
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
