//! One typed error for the whole core; the CLI prints it, the wasm edge turns it into a JS `Error`.
use crate::data::DataError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("config.json: {0}")]
    Config(String),
    #[error("model.safetensors: {0}")]
    Weights(String),
    #[error("tokenizer.json: {0}")]
    Tokenizer(String),
    /// A training or inference setting that cannot work with this model or data.
    #[error("{0}")]
    Settings(String),
    #[error("the compute device failed: {0}")]
    Device(String),
    #[error("{0}")]
    Io(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
