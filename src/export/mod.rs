//! A model into other libraries' formats, as bytes: the Hugging Face layout (`hf.rs`: what
//! `train` writes, `transformers` loads and `Model::load` reads back), a sentence-transformers
//! folder (`sentence.rs`) and ONNX (`onnx.rs`), for any kind; what they share is in `files.rs`.
use crate::error::Result;
use crate::kind::{AnyModel, image_model_files};
pub use crate::tensors::{pt_meta, read_named, to_safetensors};

mod files;
pub use files::{ExportedFiles, Format, encoder_tensors, named_weights};

pub mod hf;
pub mod onnx;
pub mod sentence;

pub use sentence::sentence_transformers;

/// A model's folder in its own layout, of any kind: what `train` writes and `AnyModel::load`
/// reads back (text: the Hugging Face layout `transformers` loads, see `hf.rs`; images:
/// config.json and the weights under efficientnet_pytorch's names).
pub async fn export(model: &AnyModel) -> Result<ExportedFiles> {
    match model {
        AnyModel::Text(m) => hf::text_folder(m).await,
        AnyModel::Image(m) => {
            let (config, weights) = image_model_files(m).await?;
            Ok(ExportedFiles { config, weights, tokenizer: None, extra: Vec::new() })
        }
    }
}
