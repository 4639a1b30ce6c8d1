//! Random weights for a BERT config, as safetensors bytes: the tests' tiny model and the
//! benchmark's MiniLM-shaped one (throughput does not depend on the values). Deterministic
//! per seed on every target.
use std::collections::HashMap;

use safetensors::Dtype;
use safetensors::tensor::TensorView;

use super::config::BertConfig;
use crate::data::Rng;
use crate::error::{Error, Result};

/// The tests' tiny BERT: 2 layers, hidden 32, 2 heads, MiniLM's vocabulary (so MiniLM's
/// tokenizer.json serves it), dropout off so runs on different backends can be compared.
pub const TINY_CONFIG: &str = r#"{"vocab_size":30522,"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":2,
"intermediate_size":64,"max_position_embeddings":128,"hidden_act":"gelu","layer_norm_eps":1e-12,
"hidden_dropout_prob":0.0,"attention_probs_dropout_prob":0.0}"#;

/// N(0, 0.02) for matrices and embeddings (BERT's initializer_range), 0 for biases,
/// 1 for LayerNorm scales.
pub fn random_weights(cfg: &BertConfig, seed: u64) -> Result<Vec<u8>> {
    let (h, f) = (cfg.hidden_size, cfg.intermediate_size);
    let mut shapes: Vec<(String, Vec<usize>)> = vec![
        ("embeddings.word_embeddings.weight".into(), vec![cfg.vocab_size, h]),
        ("embeddings.position_embeddings.weight".into(), vec![cfg.max_position_embeddings, h]),
        ("embeddings.token_type_embeddings.weight".into(), vec![cfg.type_vocab_size, h]),
        ("embeddings.LayerNorm.weight".into(), vec![h]),
        ("embeddings.LayerNorm.bias".into(), vec![h]),
    ];
    for i in 0..cfg.num_hidden_layers {
        let p = format!("encoder.layer.{i}");
        for (name, out, inp) in [
            ("attention.self.query", h, h),
            ("attention.self.key", h, h),
            ("attention.self.value", h, h),
            ("attention.output.dense", h, h),
            ("intermediate.dense", f, h),
            ("output.dense", h, f),
        ] {
            shapes.push((format!("{p}.{name}.weight"), vec![out, inp]));
            shapes.push((format!("{p}.{name}.bias"), vec![out]));
        }
        for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
            shapes.push((format!("{p}.{name}.weight"), vec![h]));
            shapes.push((format!("{p}.{name}.bias"), vec![h]));
        }
    }
    let mut rng = Rng::new(seed);
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = shapes
        .into_iter()
        .map(|(name, shape)| {
            let n: usize = shape.iter().product();
            let values: Vec<f32> = if name.ends_with("LayerNorm.weight") {
                vec![1.0; n]
            } else if name.ends_with(".bias") {
                vec![0.0; n]
            } else {
                (0..n).map(|_| normal(&mut rng) * 0.02).collect()
            };
            (name, shape, values.iter().flat_map(|v| v.to_le_bytes()).collect())
        })
        .collect();
    let views = bytes
        .iter()
        .map(|(n, s, b)| TensorView::new(Dtype::F32, s.clone(), b).map(|v| (n.clone(), v)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Weights(e.to_string()))?;
    safetensors::serialize(views, Some(HashMap::new())).map_err(|e| Error::Weights(e.to_string()))
}

/// Standard normal sample (Box–Muller).
fn normal(rng: &mut Rng) -> f32 {
    let u1 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((-2.0 * u1.max(1e-300).ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}
