//! The pretrained model: BERT from HF `config.json` + `model.safetensors` + `tokenizer.json`
//! bytes (fetching them is the caller's job), and an optional classification head.
pub mod bert;
pub mod config;
pub mod random;
pub mod weights;

use burn::nn::Linear;
use burn::prelude::*;

pub use bert::Encoder;
pub use config::BertConfig;

use crate::error::{Error, Result};
use crate::tokenize::TextTokenizer;

/// The three files of a model in the Hugging Face layout, as bytes.
pub struct ModelFiles<'a> {
    pub config: &'a [u8],
    pub weights: &'a [u8],
    pub tokenizer: &'a [u8],
}

#[derive(Clone)]
pub struct Model {
    pub config: BertConfig,
    pub encoder: Encoder,
    /// Present once fine-tuned (or loaded from a tabtune export): [h → classes], with
    /// `config.labels()` naming the classes.
    pub head: Option<Linear>,
    pub tokenizer: TextTokenizer,
}

impl Model {
    pub fn load(files: &ModelFiles, device: &Device) -> Result<Model> {
        let config = BertConfig::from_json(files.config)?;
        let tokenizer = TextTokenizer::from_json(files.tokenizer)?;
        let vocab = tokenizer.vocab_size();
        if vocab > config.vocab_size {
            return Err(Error::Tokenizer(format!(
                "it has {vocab} tokens but config.json says vocab_size {}: they belong to different models",
                config.vocab_size
            )));
        }
        let (encoder, head) = weights::load(files.weights, &config, device)?;
        Ok(Model { config, encoder, head, tokenizer })
    }

    /// Class names when the model has a head.
    pub fn labels(&self) -> Option<Vec<String>> {
        self.head.as_ref().and_then(|_| self.config.labels())
    }
}
