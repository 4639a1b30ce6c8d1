//! The text kind, everything that is its own: the pretrained model, BERT from HF `config.json` +
//! `model.safetensors` + `tokenizer.json` bytes (fetching them is the caller's job) with an
//! optional classification head (`bert.rs`, `config.rs`; `weights.rs`: the HF name table, also
//! the checkpoint's names; `random.rs`: a tiny random BERT for tests), its tokenizer
//! (`tokenize.rs`), the trainable top (`top.rs`), and its files for other libraries: the HF
//! folder (`hf.rs`), sentence-transformers (`sentence.rs`) and the ONNX graph (`onnx.rs`).
//! Nothing here imports the pipeline; `kind/text.rs` is its side of the seam.
pub mod bert;
pub mod config;
mod gelu;
pub mod hf;
pub mod onnx;
pub mod random;
pub mod sentence;
pub mod tokenize;
mod top;
pub mod weights;

use burn::nn::Linear;
use burn::prelude::*;

pub use bert::Encoder;
pub use config::BertConfig;
pub use top::Classifier;
pub use crate::fingerprint::fingerprint;

use crate::error::{Error, Result};
use crate::text::tokenize::TextTokenizer;

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
    /// How the head reads the encoder's output: the way it was trained.
    pub pooling: Pooling,
    /// The file's `pooler.dense` when it has one: where `pooling: cls` training starts.
    pub pooler: Option<Linear>,
    pub tokenizer: TextTokenizer,
    /// Identifies the files this model was loaded from, so a checkpoint names its base.
    pub fingerprint: String,
}

/// How a head reads the encoder's output.
#[derive(Clone, Debug)]
pub enum Pooling {
    /// The mean over real tokens: sentence-transformers' pooling, and what tabtune trains.
    Mean,
    /// Hugging Face `*ForSequenceClassification`: tanh(pooler.dense(h[CLS])).
    ClsPooler(Linear),
}

impl Model {
    pub fn load(files: &ModelFiles, device: &Device) -> Result<Model> {
        let config = BertConfig::from_json(files.config)?;
        let declared = config.extra.get("tabtune").and_then(|t| t.get("pooling")).map(|p| p.as_str().unwrap_or("?"));
        if let Some(p) = declared.filter(|p| !["mean", "cls"].contains(p)) {
            return Err(Error::Config(format!("tabtune.pooling '{p}' is not supported: tabtune models pool with 'mean' or 'cls'")));
        }
        let tokenizer = TextTokenizer::from_json(files.tokenizer)?;
        // a BERT-family encoder reads [CLS] (or <s>) first: without it every output is off, silently
        if tokenizer.special_tokens() == 0 {
            return Err(Error::Tokenizer(
                "it puts no special tokens around a text (no post_processor adding [CLS] … [SEP] or <s> … </s>), and \
                 BERT-family encoders are trained with them: use the tokenizer.json that came with the model"
                    .into(),
            ));
        }
        let vocab = tokenizer.vocab_size();
        if vocab > config.vocab_size {
            return Err(Error::Tokenizer(format!(
                "it has {vocab} tokens but config.json says vocab_size {}: they belong to different models",
                config.vocab_size
            )));
        }
        let (encoder, head, pooler) = weights::load(files.weights, &config, device)?;
        // A head run with another pooling than it was trained with mispredicts silently.
        let pooling = match (&head, declared, &pooler) {
            (Some(_), None | Some("cls"), Some(pooler)) => Pooling::ClsPooler(pooler.clone()),
            (Some(_), Some("cls"), None) => {
                return Err(Error::Config("config.json says tabtune.pooling 'cls' but model.safetensors has no pooler.dense weights: the files do not belong together".into()));
            }
            (Some(_), None, None) => {
                return Err(Error::Config(
                    "the model has a classifier head but neither says how it pools (no tabtune.pooling) nor has the \
                     pooler.dense weights a Hugging Face *ForSequenceClassification head needs: it cannot be run the \
                     way it was trained; load its base model and fine-tune it here instead"
                        .into(),
                ));
            }
            _ => Pooling::Mean,
        };
        let fingerprint = fingerprint(&[files.config, files.weights, files.tokenizer]);
        Ok(Model { config, encoder, head, pooling, pooler, tokenizer, fingerprint })
    }

    /// [b, s, h] encoder output and its mask → the head's input [b, h].
    pub fn pool(&self, hidden: Tensor<3>, mask: Tensor<2>) -> Tensor<2> {
        match &self.pooling {
            Pooling::Mean => bert::mean_pool(hidden, mask),
            Pooling::ClsPooler(dense) => bert::cls_pool(dense, hidden),
        }
    }

    /// The task its head was trained for (classification for a model without that record).
    pub fn task(&self) -> crate::task::Task {
        let saved = self.config.extra.get("tabtune").and_then(|t| t.get("task")).cloned();
        let hf = self.config.extra.get("problem_type").and_then(|p| p.as_str()).and_then(crate::task::Task::from_problem_type);
        saved.and_then(|t| serde_json::from_value(t).ok()).or(hf).unwrap_or_default()
    }

    /// Multi-label: the probability from which a label is predicted.
    pub fn threshold(&self) -> f32 {
        self.config.extra.get("tabtune").and_then(|t| t.get("threshold")).and_then(|v| v.as_f64()).unwrap_or(0.5) as f32
    }

    /// Class names (label names for multi-label, the target's name for regression) when the
    /// model has a head.
    pub fn labels(&self) -> Option<Vec<String>> {
        self.head.as_ref().and_then(|_| self.config.labels())
    }
}

/// The max_len a fine-tuned model was trained with (from its config.json), else 128 (or the
/// model's max_position_embeddings when that is shorter).
pub fn default_max_len(model: &Model) -> usize {
    let trained = model.config.extra.get("tabtune").and_then(|t| t.get("max_len")).and_then(|v| v.as_u64());
    trained.map_or(128.min(model.config.max_position_embeddings), |v| v as usize)
}
