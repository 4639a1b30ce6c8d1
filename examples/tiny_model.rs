//! Writes the tests' tiny random BERT as an HF-layout folder, for the browser tests:
//! `cargo run --release --example tiny_model -- OUT_DIR [SEED]` (MiniLM's tokenizer.json is
//! copied from models/all-MiniLM-L6-v2 under the current directory, so run it from the repository
//! root after scripts/fetch-model; not CARGO_MANIFEST_DIR, since clones share one target dir).
use std::path::PathBuf;

use tabtune::text::BertConfig;
use tabtune::text::random::{TINY_CONFIG, random_weights};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: tiny_model OUT_DIR [SEED]")?);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes())?;
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("config.json"), TINY_CONFIG)?;
    std::fs::write(out.join("model.safetensors"), with_pooler(&random_weights(&cfg, seed)?, cfg.hidden_size)?)?;
    let tokenizer = PathBuf::from("models/all-MiniLM-L6-v2/tokenizer.json");
    std::fs::copy(&tokenizer, out.join("tokenizer.json"))
        .map_err(|e| format!("{}: {e} (run from the repository root, after scripts/fetch-model)", tokenizer.display()))?;
    println!("tiny model written to {}", out.display());
    Ok(())
}

/// The weights and a `pooler.dense` [h, h] as BERT checkpoints have (so `pooling: cls` runs):
/// a small fixed pattern, the other tensors as they were.
fn with_pooler(weights: &[u8], h: usize) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let st = safetensors::SafeTensors::deserialize(weights)?;
    let mut named: Vec<(String, Vec<usize>, Vec<f32>)> = st
        .tensors()
        .into_iter()
        .map(|(n, v)| (n, v.shape().to_vec(), v.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()))
        .collect();
    named.push(("pooler.dense.weight".into(), vec![h, h], (0..h * h).map(|i| ((i as f32) * 0.37).sin() * 0.05).collect()));
    named.push(("pooler.dense.bias".into(), vec![h], vec![0.0; h]));
    Ok(tabtune::export::to_safetensors(named, Default::default())?)
}
