//! Writes the tests' tiny random BERT as an HF-layout folder, for the browser tests:
//! `cargo run --release --example tiny_model -- OUT_DIR [SEED]` (MiniLM's tokenizer.json is
//! copied from models/all-MiniLM-L6-v2 under the current directory, so run it from the repository
//! root after scripts/fetch-model; not CARGO_MANIFEST_DIR, since clones share one target dir).
use std::path::PathBuf;

use tabtune::model::BertConfig;
use tabtune::model::random::{TINY_CONFIG, random_weights};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: tiny_model OUT_DIR [SEED]")?);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes())?;
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("config.json"), TINY_CONFIG)?;
    std::fs::write(out.join("model.safetensors"), random_weights(&cfg, seed)?)?;
    let tokenizer = PathBuf::from("models/all-MiniLM-L6-v2/tokenizer.json");
    std::fs::copy(&tokenizer, out.join("tokenizer.json"))
        .map_err(|e| format!("{}: {e} (run from the repository root, after scripts/fetch-model)", tokenizer.display()))?;
    println!("tiny model written to {}", out.display());
    Ok(())
}
