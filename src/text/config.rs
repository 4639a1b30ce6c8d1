//! The model's `config.json`, with the field names Hugging Face writes, so the file deserialises
//! directly. Unknown fields are kept so an exported config loses nothing.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f64,
    #[serde(default = "default_positions")]
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_embedding_type: Option<String>,
    /// Class names of a fine-tuned classifier (HF writes the keys as strings: {"0": "neg"}).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id2label: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label2id: Option<BTreeMap<String, usize>>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Upper bounds of vocab_size, hidden_size, num_hidden_layers, intermediate_size,
/// max_position_embeddings and type_vocab_size: each several times what real BERTs use
/// (multilingual vocabularies reach 250k, BERT-large has hidden 1024, 24 layers, ffn 4096),
/// so only a corrupt or hostile config.json is refused.
const SIZE_LIMITS: [usize; 6] = [1_000_000, 8192, 128, 65_536, 65_536, 1024];

/// Parameters a config may describe: 1.5 × BERT-large. The loader holds them as f32, so
/// this caps it near 2 GB even when the weights file lacks them all (a wasm32 page has 4 GB).
const MAX_PARAMETERS: u64 = 500_000_000;

fn default_act() -> String {
    "gelu".into()
}
fn default_dropout() -> f64 {
    0.1
}
fn default_positions() -> usize {
    512
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}

/// The activation of the feed-forward block, from `hidden_act`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// Exact (erf) GELU, what HF calls "gelu".
    Gelu,
    /// The tanh approximation ("gelu_new", "gelu_pytorch_tanh").
    GeluTanh,
    Relu,
}

impl BertConfig {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let cfg: BertConfig = serde_json::from_slice(bytes).map_err(|e| {
            Error::Config(format!("not a BERT config ({e}); expected the model's config.json in the Hugging Face layout"))
        })?;
        cfg.check()?;
        Ok(cfg)
    }

    /// Refuses what would panic or exhaust memory later: zero sizes (empty tensors), sizes past
    /// [`SIZE_LIMITS`] or [`MAX_PARAMETERS`] (the weight loader allocates what config.json
    /// implies before it can see the file lacks it), and dropout burn cannot build (≥ 1 panics).
    fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Config(m));
        for (field, value, max) in self.sizes() {
            if !(1..=max).contains(&value) {
                return bad(format!("{field} is {value}, but it must be between 1 and {max}"));
            }
        }
        if self.hidden_size % self.num_attention_heads != 0 {
            return bad(format!(
                "hidden_size {} is not divisible by num_attention_heads {}",
                self.hidden_size, self.num_attention_heads
            ));
        }
        let parameters = self.parameters();
        if parameters > MAX_PARAMETERS {
            return bad(format!(
                "the sizes describe a model of {parameters} parameters; tabtune loads at most {MAX_PARAMETERS} \
                 (BERT-large has 335 million): check vocab_size, hidden_size, num_hidden_layers, intermediate_size \
                 and the number of id2label entries"
            ));
        }
        for (field, p) in [
            ("hidden_dropout_prob", self.hidden_dropout_prob),
            ("attention_probs_dropout_prob", self.attention_probs_dropout_prob),
        ] {
            if !(0.0..1.0).contains(&p) {
                return bad(format!("{field} is {p}, but a dropout probability must be at least 0 and below 1 (BERT uses 0.1)"));
            }
        }
        if !(self.layer_norm_eps.is_finite() && self.layer_norm_eps > 0.0) {
            return bad(format!(
                "layer_norm_eps is {}, but it must be a small positive number (BERT uses 1e-12)",
                self.layer_norm_eps
            ));
        }
        if let Some(p) = &self.position_embedding_type
            && p != "absolute"
        {
            return bad(format!("position_embedding_type '{p}' is not supported (only 'absolute')"));
        }
        // RoBERTa's family numbers positions from padding_idx + 1, and other types name their
        // tensors and layers differently: loaded as BERT they would run, wrongly
        if let Some(t) = self.extra.get("model_type").and_then(|t| t.as_str())
            && t != "bert"
        {
            return bad(format!(
                "model_type '{t}' is not supported: tabtune fine-tunes BERT-family encoders (model_type 'bert'{}), \
                 with a WordPiece or SentencePiece (Unigram) tokenizer.json",
                if t.contains("roberta") || t == "camembert" { "; RoBERTa's family counts positions from padding_idx + 1" } else { "" }
            ));
        }
        self.activation()?;
        Ok(())
    }

    /// Each size field with its upper bound from [`SIZE_LIMITS`] (heads: at most one per unit).
    fn sizes(&self) -> [(&'static str, usize, usize); 7] {
        let [vocab, hidden, layers, ffn, positions, types] = SIZE_LIMITS;
        [
            ("vocab_size", self.vocab_size, vocab),
            ("hidden_size", self.hidden_size, hidden),
            ("num_hidden_layers", self.num_hidden_layers, layers),
            ("num_attention_heads", self.num_attention_heads, self.hidden_size.max(1)),
            ("intermediate_size", self.intermediate_size, ffn),
            ("max_position_embeddings", self.max_position_embeddings, positions),
            ("type_vocab_size", self.type_vocab_size, types),
        ]
    }

    /// Weights the encoder has (embeddings, then per layer 4 h×h + 2 h×ffn matrices, biases
    /// and norms), plus a classifier head per `id2label` entry. Only called once every size is
    /// within [`SIZE_LIMITS`], so u64 cannot overflow: the largest term is
    /// 128 × 2 × 8192 × 65536 ≈ 1.4e11 (and id2label is bounded by the file's length).
    fn parameters(&self) -> u64 {
        let classes = self.id2label.as_ref().map_or(0, |m| m.len() as u64);
        let [v, h, l, f, p, t] = [
            self.vocab_size,
            self.hidden_size,
            self.num_hidden_layers,
            self.intermediate_size,
            self.max_position_embeddings,
            self.type_vocab_size,
        ]
        .map(|n| n as u64);
        let layer = 4 * (h * h + h) + 2 * h * f + f + h + 4 * h;
        (v + p + t) * h + 2 * h + l * layer + classes * (h + 1)
    }
    pub fn activation(&self) -> Result<Activation> {
        match self.hidden_act.as_str() {
            "gelu" => Ok(Activation::Gelu),
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Ok(Activation::GeluTanh),
            "relu" => Ok(Activation::Relu),
            other => Err(Error::Config(format!(
                "hidden_act '{other}' is not supported (use gelu, gelu_new or relu)"
            ))),
        }
    }

    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }

    /// Class names in index order, when the config describes a classifier.
    pub fn labels(&self) -> Option<Vec<String>> {
        let map = self.id2label.as_ref()?;
        let mut pairs: Vec<(usize, &String)> =
            map.iter().filter_map(|(k, v)| k.parse().ok().map(|i| (i, v))).collect();
        pairs.sort();
        let contiguous = pairs.iter().enumerate().all(|(i, (k, _))| i == *k);
        contiguous.then(|| pairs.into_iter().map(|(_, v)| v.clone()).collect())
    }

    pub fn set_labels(&mut self, labels: &[String]) {
        self.id2label = Some(labels.iter().enumerate().map(|(i, l)| (i.to_string(), l.clone())).collect());
        self.label2id = Some(labels.iter().enumerate().map(|(i, l)| (l.clone(), i)).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::BertConfig;
    use crate::text::random::TINY_CONFIG;

    /// The tiny config with `key` set to `value` (raw JSON); the error message if it is refused.
    fn refused(key: &str, value: &str) -> Option<String> {
        let mut cfg: serde_json::Value = serde_json::from_str(TINY_CONFIG).expect("tiny config is JSON");
        cfg[key] = serde_json::from_str(value).expect("value is JSON");
        BertConfig::from_json(&serde_json::to_vec(&cfg).expect("serializes")).err().map(|e| e.to_string())
    }

    #[test]
    fn dropout_must_be_a_probability_below_one() {
        for field in ["hidden_dropout_prob", "attention_probs_dropout_prob"] {
            for bad in ["1.5", "1.0", "-0.1"] {
                let msg = refused(field, bad).unwrap_or_else(|| panic!("{field} = {bad} accepted"));
                assert!(msg.contains(field) && msg.contains("below 1"), "{msg}");
            }
            assert_eq!(refused(field, "0.99"), None);
        }
    }

    #[test]
    fn sizes_must_be_positive_and_bounded() {
        for field in [
            "vocab_size",
            "hidden_size",
            "num_hidden_layers",
            "num_attention_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
        ] {
            for bad in ["0", "18446744073709551615"] {
                let msg = refused(field, bad).unwrap_or_else(|| panic!("{field} = {bad} accepted"));
                assert!(msg.contains(&format!("{field} is {bad}, but it must be between 1 and ")), "{msg}");
            }
        }
        // Each size within its bound, but together far past any BERT.
        assert_eq!(refused("num_hidden_layers", "128"), None, "one large size alone is fine");
        assert_eq!(refused("vocab_size", "1000000"), None);
        let mut cfg: serde_json::Value = serde_json::from_str(TINY_CONFIG).expect("json");
        (cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]) = (8192.into(), 65536.into(), 128.into());
        let err = BertConfig::from_json(&serde_json::to_vec(&cfg).expect("json")).expect_err("huge config");
        assert!(err.to_string().contains("tabtune loads at most 500000000"), "{err}");
    }

    #[test]
    fn layer_norm_eps_must_be_positive() {
        for bad in ["0", "-1e-12"] {
            let msg = refused("layer_norm_eps", bad).unwrap_or_else(|| panic!("eps = {bad} accepted"));
            assert!(msg.contains("layer_norm_eps is") && msg.contains("small positive"), "{msg}");
        }
    }

    #[test]
    fn only_bert_model_types_load() {
        assert_eq!(refused("model_type", "\"bert\""), None);
        for t in ["xlm-roberta", "roberta", "distilbert"] {
            let msg = refused("model_type", &format!("\"{t}\"")).unwrap_or_else(|| panic!("model_type {t} accepted"));
            assert!(msg.contains(&format!("model_type '{t}' is not supported")), "{msg}");
            assert_eq!(msg.contains("padding_idx + 1"), t.contains("roberta"), "{msg}");
        }
    }
}
