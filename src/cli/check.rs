//! `tabtune check-trajectory`: replays PyTorch training runs through this build's trainer on
//! the chosen backend, one line per case, then one JSON object with every figure.
use std::path::PathBuf;

use clap::Args;
use futures_lite::future::block_on;
use tabtune::{Error, Result, trajectory};

use super::files;

#[derive(Args)]
pub struct CheckArgs {
    /// The model the reference was made with (all-MiniLM-L6-v2, HF layout).
    #[arg(long)]
    model: PathBuf,
    /// A trajectories file (e.g. ../shared/reference/trajectories.json).
    #[arg(long)]
    reference: PathBuf,
    /// cpu | gpu
    #[arg(long, default_value = "cpu")]
    backend: String,
}

pub fn check_trajectory(a: CheckArgs) -> Result<()> {
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?.into_text()?;
    let reference = String::from_utf8(files::read(&a.reference)?)
        .map_err(|_| Error::Settings(format!("{} is not UTF-8 text: give a trajectories JSON file", a.reference.display())))?;
    let mut line = |name: &str, r: &trajectory::CaseResult| {
        println!(
            "{name:<26} steps {:>2}  loss rel {:.1e}  lr rel {:.1e}  head max-abs {:.1e}  final loss rel {:.1e}",
            r.steps, r.max_loss_rel, r.max_lr_rel, r.final_head_max_abs, r.final_loss_rel
        )
    };
    let report = block_on(trajectory::check(&model, &reference, &device, &mut line))?;
    println!("{}", serde_json::to_string(&report).map_err(|e| Error::Settings(e.to_string()))?);
    Ok(())
}
