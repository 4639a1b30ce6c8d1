//! A model into other libraries' formats, as bytes, for any kind: its own folder (text: the
//! Hugging Face layout `transformers` loads, `text/hf.rs`; images: `image/mod.rs`), a
//! sentence-transformers folder (`text/sentence.rs`) and ONNX (`onnx.rs`, over each kind's
//! graph). The writers are each kind's; this is the one entry and the format names.
use crate::error::{Error, Result};
use crate::kind::AnyModel;
pub use crate::tensors::{pt_meta, read_named, to_safetensors};

pub mod card;
pub mod onnx;

pub use card::{BaseFacts, Card};

pub use crate::folder::ExportedFiles;
pub use crate::text::hf::{encoder_tensors, named_weights};
pub use crate::text::sentence::sentence_transformers;

/// A model's folder in its own layout, of any kind: what `train` writes and `AnyModel::load`
/// reads back (text: the Hugging Face layout `transformers` loads, see `hf.rs`; images:
/// config.json and the weights under efficientnet_pytorch's names).
pub async fn export(model: &AnyModel) -> Result<ExportedFiles> {
    match model {
        AnyModel::Text(m) => crate::text::hf::text_folder(m).await,
        AnyModel::Image(m) => m.folder().await,
        AnyModel::Audio(m) => m.folder().await,
    }
}

/// `files` (a folder in `format`) with the card as their README.md; without a card, as they are.
pub fn with_card(mut files: ExportedFiles, card: Option<&Card>, format: Format) -> ExportedFiles {
    if let Some(card) = card {
        files.extra.retain(|(name, _)| name != README);
        files.extra.push((README.into(), card.readme(format).into_bytes()));
    }
    files
}

/// A model card's file name in a folder.
pub const README: &str = "README.md";

/// The supported export formats, as the CLI and the page name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Hf,
    SentenceTransformers,
    Onnx,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s {
            "hf" => Ok(Format::Hf),
            "sentence-transformers" => Ok(Format::SentenceTransformers),
            "onnx" => Ok(Format::Onnx),
            _ => Err(Error::Settings(format!("export format '{s}' is unknown: use hf, sentence-transformers or onnx"))),
        }
    }
}
