//! A sentence-transformers folder: the encoder as its `Transformer` module (the HF files at the
//! top), then `Pooling` (the mean over real tokens) and `Normalize` (unit length), which is what
//! `tabtune embed` computes, so `SentenceTransformer(dir).encode(texts)` gives its embeddings.
//! The head is left out: sentence-transformers embeds, it does not classify.
use serde_json::json;

use super::hf::{config_value, encoder_tensors, tokenizer_config};
use crate::folder::{ExportedFiles, json};
use crate::tensors::{pt_meta, read_named, to_safetensors};
use crate::error::Result;
use crate::text::weights::pooler_tensors;
use crate::text::{Model, Pooling};

pub async fn sentence_transformers(model: &Model) -> Result<ExportedFiles> {
    let mut named = encoder_tensors(model);
    // BertModel has a pooler; written when there is one so transformers does not make one up
    let pooler = match &model.pooling {
        Pooling::ClsPooler(p) => Some(p),
        Pooling::Mean => model.pooler.as_ref(),
    };
    if let Some(p) = pooler {
        named.extend(pooler_tensors(p));
    }
    let mut config = config_value(model)?;
    config["architectures"] = json!(["BertModel"]);
    let h = model.config.hidden_size;
    let max_len = super::default_max_len(model);
    let modules = json!([
        { "idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer" },
        { "idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling" },
        { "idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize" },
    ]);
    let pooling = json!({
        "word_embedding_dimension": h,
        "pooling_mode_cls_token": false,
        "pooling_mode_mean_tokens": true,
        "pooling_mode_max_tokens": false,
        "pooling_mode_mean_sqrt_len_tokens": false,
        "pooling_mode_weightedmean_tokens": false,
        "pooling_mode_lasttoken": false,
        "include_prompt": true,
    });
    let st_config = json!({ "__version__": { "sentence_transformers": "3.0.1" }, "prompts": {}, "default_prompt_name": null, "similarity_fn_name": "cosine" });
    // tabtune truncates at max_len tokens, [CLS] and [SEP] included, as sentence-transformers does
    let bert_config = json!({ "max_seq_length": max_len, "do_lower_case": false });
    Ok(ExportedFiles {
        config: json(&config, "config.json")?,
        weights: to_safetensors(read_named(named).await?, pt_meta())?,
        tokenizer: Some(model.tokenizer.exported_json(max_len)?),
        extra: vec![
            ("tokenizer_config.json".into(), tokenizer_config(model)?),
            ("modules.json".into(), json(&modules, "modules.json")?),
            ("1_Pooling/config.json".into(), json(&pooling, "1_Pooling/config.json")?),
            // Normalize has no settings; older sentence-transformers read none, newer read this
            ("2_Normalize/config.json".into(), b"{}".to_vec()),
            ("config_sentence_transformers.json".into(), json(&st_config, "config_sentence_transformers.json")?),
            ("sentence_bert_config.json".into(), json(&bert_config, "sentence_bert_config.json")?),
        ],
    })
}
