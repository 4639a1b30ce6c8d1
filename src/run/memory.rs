//! What one training step holds in memory, estimated before a run starts: past the budget (in
//! the tab, what wasm32's 4 GB leaves beside the model and the cache) the run is refused with
//! the numbers and the largest batch that fits, instead of the engine trapping mid-run.
use crate::error::{Error, Result};
use crate::text::BertConfig;

use super::choices::Strategy;
use super::config::RunConfig;

/// f32 values one trainable encoder layer keeps for the backward pass, per batch row of `seq`
/// tokens: the attention scores, their softmax and its dropout (3 × heads × seq²), and the
/// hidden-wide tensors (Q, K, V, context, output, two LayerNorms' in and out, two dropouts:
/// ~11 × hidden) and the feed-forward's two intermediate-wide ones, per token.
fn layer_floats_per_row(c: &BertConfig, seq: u64) -> u64 {
    let (h, i, n) = (c.hidden_size as u64, c.intermediate_size as u64, c.num_attention_heads as u64);
    seq * (11 * h + 2 * i) + 3 * n * seq * seq
}

/// Bytes a text step of `batch` rows of `seq` tokens takes through `layers` trainable layers:
/// every layer's saved activations, plus one layer's worth in flight (the frozen layers' pass
/// without a cache, or the backward pass's gradients of the layer it is in).
pub fn text_step_bytes(c: &BertConfig, layers: usize, batch: usize, seq: usize) -> u64 {
    4 * (layers as u64 + 1) * batch as u64 * layer_floats_per_row(c, seq as u64)
}

/// Refuses a text run whose step would take more than `cfg.step_budget_mb`: batches of
/// `batch_size` (at most `train_rows`) rows as long as the longest row (`longest` tokens, at
/// most max_len: batches pad to their longest row).
pub fn check_step_memory(c: &BertConfig, cfg: &RunConfig, longest: usize, train_rows: usize) -> Result<()> {
    let Some(budget_mb) = cfg.step_budget_mb else { return Ok(()) };
    let budget = budget_mb as u64 * 1_000_000;
    // a contrastive step's batch is of pairs: up to two rows each go through the layers
    let per_item = if cfg.strategy == Strategy::Contrastive { 2 } else { 1 };
    let batch = cfg.batch_size.min(train_rows).max(1) * per_item;
    let seq = longest.min(cfg.max_len).max(1);
    let need = text_step_bytes(c, cfg.layers, batch, seq);
    if need <= budget {
        return Ok(());
    }
    let fits = (1..=batch).rev().find(|&b| text_step_bytes(c, cfg.layers, b, seq) <= budget).map(|b| b / per_item).filter(|&b| b > 0);
    let what_fits = match fits {
        Some(b) => format!("use batch_size {b} or fewer"),
        None => "even one row does not fit: use a smaller max_len".to_string(),
    };
    Err(Error::Settings(format!(
        "batch_size = {} with rows of up to {seq} tokens would need about {} for one training step through {} trainable layers, \
         more than the {} this run may use: {what_fits} (or a smaller max_len, or fewer trainable layers)",
        cfg.batch_size,
        mb(need),
        cfg.layers,
        mb(budget),
    )))
}

fn mb(bytes: u64) -> String {
    if bytes >= 10_000_000_000 { format!("{:.0} GB", bytes as f64 / 1e9) } else { format!("{:.0} MB", bytes as f64 / 1e6) }
}
