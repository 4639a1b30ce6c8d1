//! Argument parsing and dispatch. Errors print as one line on stderr and exit 1.
mod alloc;
mod check;
mod data;
mod files;
mod commands;
mod export;
mod image;
mod search;
mod settings;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tabtune", version, about = "Fine-tune a pretrained BERT (MiniLM) text classifier")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fine-tune the top layers and a head on a CSV/TSV/JSONL file; one JSON line per epoch.
    Train(train::TrainArgs),
    /// k-fold cross-validation of one set of settings: a JSON line per fold, then the mean and
    /// standard deviation of every metric (the frozen layers run once for all folds).
    Cv(search::CvArgs),
    /// Grid search over settings (a JSON file): a JSON line per run as it finishes, the ranking,
    /// and the best settings written out for `tabtune train --config`.
    Search(search::SearchArgs),
    /// A model folder as another library loads it: hf, sentence-transformers or onnx.
    Export(export::ExportArgs),
    /// Score a fine-tuned model on labelled data: one JSON line.
    Eval(commands::EvalArgs),
    /// Label texts: JSONL {"text","label","probs"} (multi-label adds "labels", regression gives "value").
    Predict(commands::TextArgs),
    /// Sentence embeddings (mean-pooled, L2-normalised): JSONL {"text","embedding"}.
    Embed(commands::TextArgs),
    /// Throughput on the shared/bench workload: one JSON line.
    Bench(commands::BenchArgs),
    /// Replay PyTorch training runs (a trajectories file) through this trainer and report how
    /// far each lands: one line per case, then one JSON object.
    CheckTrajectory(check::CheckArgs),
    /// ImageNet top-5 of one image with an image model: {"top5": [[index, label, prob], ...]}.
    ClassifyImage(image::ClassifyArgs),
}

/// Where the data is and which columns to use.
#[derive(Args, Clone)]
pub struct DataArgs {
    /// CSV, TSV or JSONL file with a header (CSV/TSV) or one object per line (JSONL).
    #[arg(long)]
    data: PathBuf,
    /// Column holding the text (inferred when not given).
    #[arg(long)]
    text_column: Option<String>,
    /// Column holding the label (inferred when not given).
    #[arg(long)]
    label_column: Option<String>,
}

pub fn main() -> ExitCode {
    alloc::keep_freed_memory();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(a) => train::run(a),
        Command::Cv(a) => search::cv(a),
        Command::Search(a) => search::search(a),
        Command::Export(a) => export::run(a),
        Command::Eval(a) => commands::eval(a),
        Command::Predict(a) => commands::predict(a),
        Command::Embed(a) => commands::embed(a),
        Command::Bench(a) => commands::bench(a),
        Command::CheckTrajectory(a) => check::check_trajectory(a),
        Command::ClassifyImage(a) => image::classify(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
