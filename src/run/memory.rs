//! What one training step holds in memory, estimated before a run starts: past the budget (in
//! the tab, what wasm32's 4 GB leaves beside the model and the cache) the run is refused with
//! the numbers and the largest batch that fits, instead of the engine trapping mid-run.
use crate::error::{Error, Result};
use crate::image::config::{BlockSpec, HEAD_CHANNELS};
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

/// f32 values one MBConv block keeps for the backward pass per image, its input `side` px
/// square: each conv's output (the expansion's, none when it does not expand; the depthwise's
/// at the block's stride; the projection's) counted twice, for the BN and ReLU6 outputs beside
/// it. Measured natively (all 16 blocks trained, 96 to 224 px, the RSS's slope over the batch):
/// a step holds 1.06 to 1.37 times one copy per image, so this is 1.46 to 1.9 times the measure.
fn block_floats(b: &BlockSpec, side: u64) -> u64 {
    let out = side.div_ceil(b.stride as u64);
    let hidden = b.hidden() as u64;
    let expand = if b.expand == 1 { 0 } else { hidden * side * side };
    2 * (expand + hidden * out * out + b.c_out as u64 * out * out)
}

/// Bytes an image step of `batch` images at `size` px takes through the top `layers` of
/// `blocks` (MBConv specs, bottom first), the head conv (1 × 1 to 1280, BN, ReLU6) and the
/// new head: their saved activations, plus the largest block's worth in flight (the gradients
/// of the block the backward pass is in; without a cache, the frozen blocks' pass too).
pub fn image_step_bytes(blocks: &[BlockSpec], layers: usize, batch: usize, size: usize, cached: bool) -> u64 {
    // the stem halves the side; each block's input side, bottom first
    let mut side = (size as u64).div_ceil(2);
    let mut per_block = Vec::with_capacity(blocks.len());
    for b in blocks {
        per_block.push(block_floats(b, side));
        side = side.div_ceil(b.stride as u64);
    }
    let top = &per_block[blocks.len() - layers.min(blocks.len())..];
    let head = 2 * HEAD_CHANNELS as u64 * side * side;
    let running = if cached { top } else { &per_block[..] };
    let in_flight = running.iter().copied().max().unwrap_or(0).max(head);
    let trained: u64 = top.iter().sum();
    4 * batch as u64 * (trained + head + in_flight)
}

/// Refuses an image run whose step, beside the images the engine holds (`images` of `size`²
/// RGB, kept twice: the image set and the run's rows), would take more than
/// `cfg.step_budget_mb`; says the largest batch that fits. `cached`: the frozen blocks' output
/// is kept (else they run in every step).
pub fn check_image_step_memory(blocks: &[BlockSpec], cfg: &RunConfig, images: usize, train_rows: usize, cached: bool) -> Result<()> {
    let Some(budget_mb) = cfg.step_budget_mb else { return Ok(()) };
    let budget = budget_mb as u64 * 1_000_000;
    let size = cfg.image_size;
    let pixels = 2 * images as u64 * (size * size * 3) as u64;
    let batch = cfg.batch_size.min(train_rows).max(1);
    let step = |b: usize| image_step_bytes(blocks, cfg.layers, b, size, cached);
    if pixels + step(batch) <= budget {
        return Ok(());
    }
    let what_fits = match (1..=batch).rev().find(|&b| pixels + step(b) <= budget) {
        Some(b) => format!("use batch_size {b} or fewer"),
        None => "even one image per step does not fit: use a smaller image size or fewer images".to_string(),
    };
    Err(Error::Settings(format!(
        "batch_size = {} at {size} px would need about {} for one training step through {} trainable blocks, beside the {} the \
         {images} images take, more than the {} this run may use: {what_fits} (or a smaller image size, or fewer trainable blocks)",
        cfg.batch_size,
        mb(step(batch)),
        cfg.layers,
        mb(pixels),
        mb(budget),
    )))
}

fn mb(bytes: u64) -> String {
    if bytes >= 10_000_000_000 { format!("{:.0} GB", bytes as f64 / 1e9) } else { format!("{:.0} MB", bytes as f64 / 1e6) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::config::lite0_blocks;

    /// Per image, the estimate stays above what a native step was measured to hold (all 16
    /// blocks trained: the max RSS's slope over batches of 8 to 24–40) by 1.4× or more, and
    /// within 2×.
    #[test]
    fn the_image_estimate_covers_what_was_measured() {
        let blocks = lite0_blocks();
        for (size, measured_mb) in [(96, 7.98), (128, 13.65), (160, 20.82), (224, 33.45)] {
            let per_image = (image_step_bytes(&blocks, 16, 2, size, true) - image_step_bytes(&blocks, 16, 1, size, true)) as f64 / 1e6;
            let ratio = per_image / measured_mb;
            assert!((1.4..2.0).contains(&ratio), "{size} px: {per_image:.1} MB estimated per image, {measured_mb} MB measured ({ratio:.2}×)");
        }
    }
}
