//! One typed error for the whole core; the CLI prints it, the wasm edge turns it into a JS `Error`.
//! The bottom of the pipeline: it imports nothing from it. A stage's own error type converts
//! into this one where it is defined (`data::DataError` in `data/errors.rs`).

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data file or its settings (a `data::DataError`, which `From` puts here; its message is
    /// shown as is, and `downcast_ref` gets the typed value back).
    #[error(transparent)]
    Data(Box<dyn std::error::Error + Send + Sync>),
    #[error("config.json: {0}")]
    Config(String),
    #[error("model.safetensors: {0}")]
    Weights(String),
    /// A pretrained ONNX file read for its numbers (the sound kind's `melspectrogram.onnx`,
    /// `embedding_model.onnx`); the message names the file.
    #[error("{0}")]
    Onnx(String),
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
