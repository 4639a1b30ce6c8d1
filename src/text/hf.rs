//! The Hugging Face layout (what `tabtune train` writes). A mean-pooled model: the encoder
//! under `BertModel`'s names, `classifier.*`, and `tabtune.pooling: mean` in config.json
//! (load it as `AutoModel` and apply the head to the mean). A `pooling: cls` model is exactly
//! what transformers' `BertForSequenceClassification` holds: `bert.`-prefixed encoder and
//! pooler, `classifier.*`, `architectures`, `id2label` / `label2id`, `problem_type`, so
//! `pipeline("text-classification", model=dir)` runs it the way it was trained.
use serde_json::{Value, json};

use super::weights::{embeddings_tensors, head_tensors, layer_tensors, pooler_tensors};
use super::{Model, Pooling, default_max_len};
use crate::error::{Error, Result};
use crate::folder::{ExportedFiles, json};
use crate::tensors::{NamedTensor, pt_meta, read_named, to_safetensors};

/// BertForSequenceClassification keeps its encoder under this; its head (`classifier.*`) sits
/// beside it.
const ENCODER_PREFIX: &str = "bert.";

/// A text model's folder.
pub async fn text_folder(model: &Model) -> Result<ExportedFiles> {
    let sequence_classification = model.head.is_some() && matches!(model.pooling, Pooling::ClsPooler(_));
    let mut named = named_weights(model).await?;
    let mut config = config_value(model)?;
    if sequence_classification {
        for (name, _, _) in &mut named {
            if !name.starts_with("classifier.") {
                *name = format!("{ENCODER_PREFIX}{name}");
            }
        }
        config["architectures"] = json!(["BertForSequenceClassification"]);
    }
    Ok(ExportedFiles {
        config: json(&config, "config.json")?,
        weights: to_safetensors(named, pt_meta())?,
        tokenizer: Some(model.tokenizer.exported_json(default_max_len(model))?),
        extra: vec![("tokenizer_config.json".into(), tokenizer_config(model)?)],
    })
}

pub(super) fn config_value(model: &Model) -> Result<Value> {
    serde_json::to_value(&model.config).map_err(|e| Error::Config(format!("could not write config.json: {e}")))
}

/// What transformers' AutoTokenizer needs beside tokenizer.json to tokenize as tabtune does:
/// the normalizer's lowercasing and accent rules (BertTokenizerFast would otherwise put its own
/// defaults over tokenizer.json's), the special tokens, and the max length tabtune uses.
pub fn tokenizer_config(model: &Model) -> Result<Vec<u8>> {
    let tok: Value = serde_json::from_slice(model.tokenizer.json())
        .map_err(|e| Error::Tokenizer(format!("tokenizer.json is not JSON: {e}")))?;
    let mut cfg = json!({ "model_max_length": default_max_len(model) });
    let norm = &tok["normalizer"];
    if norm["type"] == "BertNormalizer" {
        cfg["tokenizer_class"] = "BertTokenizer".into();
        cfg["do_lower_case"] = norm["lowercase"].clone();
        cfg["strip_accents"] = norm["strip_accents"].clone();
        cfg["tokenize_chinese_chars"] = norm["handle_chinese_chars"].clone();
        cfg["clean_up_tokenization_spaces"] = true.into();
    }
    let added: Vec<&str> = tok["added_tokens"].as_array().into_iter().flatten().filter_map(|t| t["content"].as_str()).collect();
    let special = [("cls_token", "[CLS]"), ("sep_token", "[SEP]"), ("pad_token", "[PAD]"), ("unk_token", "[UNK]"), ("mask_token", "[MASK]")];
    for (key, token) in special {
        if added.contains(&token) {
            cfg[key] = token.into();
        }
    }
    json(&cfg, "tokenizer_config.json")
}

/// Every weight of the model under its HF name, as (name, shape, f32 values) in HF layout:
/// the encoder, the head and, when it pools with it, the [CLS] pooler.
pub async fn named_weights(model: &Model) -> Result<Vec<(String, Vec<usize>, Vec<f32>)>> {
    let mut named = encoder_tensors(model);
    if let Some(head) = &model.head {
        named.extend(head_tensors(head));
    }
    if let Pooling::ClsPooler(pooler) = &model.pooling {
        named.extend(pooler_tensors(pooler));
    }
    read_named(named).await
}

/// The encoder's tensors (embeddings and every layer) under their HF names.
pub fn encoder_tensors(model: &Model) -> Vec<(String, NamedTensor)> {
    let mut named = embeddings_tensors(&model.encoder.embeddings);
    for (i, layer) in model.encoder.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    named
}
