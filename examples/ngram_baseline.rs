//! Prints the character n-gram baseline's held-out accuracy on a labelled split, for the browser
//! test that holds the tab's fine-tuned multilingual model to it:
//! `cargo run --release --example ngram_baseline -- TRAIN.csv TEST.csv`.
use tabtune::data::{self, DataOptions};

#[path = "ngram/baseline.rs"]
mod ngram;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut read = || -> Result<_, Box<dyn std::error::Error>> {
        let path = args.next().ok_or("usage: ngram_baseline TRAIN.csv TEST.csv")?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
        Ok(data::load(&bytes, &DataOptions::default())?)
    };
    let (train, test) = (read()?, read()?);
    println!("{:.4}", ngram::char_ngram_baseline(&train.examples, &test.examples));
    Ok(())
}
