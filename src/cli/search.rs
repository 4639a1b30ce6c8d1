//! `tabtune cv` and `tabtune search`: one JSON line per fold or run on stdout as each finishes,
//! a ranked table on stderr, and a last JSON line with everything (search: the best settings
//! also written to --out, ready for `tabtune train --config`).
use std::path::PathBuf;

use clap::Args;
use futures_lite::future::block_on;
use indicatif::ProgressBar;
use serde_json::json;
use tabtune::search::{Search, SearchEvent, SearchSpec};
use tabtune::{Error, Result};

use super::settings::SettingsArgs;
use super::{DataArgs, files, train::bar};

#[derive(Args)]
pub struct CvArgs {
    #[arg(long)]
    model: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// Folds: each row validates in exactly one; the classes keep their shares in each.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    #[arg(long, default_value = "cpu")]
    backend: String,
    #[command(flatten, next_help_heading = "Settings (RunConfig's keys; see README \"Settings\")")]
    settings: SettingsArgs,
}

#[derive(Args)]
pub struct SearchArgs {
    #[arg(long)]
    model: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// The search: {"base": {settings}, "grid": {"lr": [1e-4, 1e-3], …}, "folds": K, "metric": "val_acc"}.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Where to write the best run's settings (a `--config` for `tabtune train`).
    #[arg(long, default_value = "best-config.json")]
    out: PathBuf,
    #[arg(long, default_value = "cpu")]
    backend: String,
}

pub fn cv(a: CvArgs) -> Result<()> {
    let base = serde_json::to_value(a.settings.run_config()?).map_err(|e| Error::Settings(e.to_string()))?;
    let spec = SearchSpec { base, folds: Some(a.folds), ..SearchSpec::default() };
    let search = run(&a.model, &a.data, spec, &a.backend)?;
    let Some(r) = search.ranked().into_iter().next() else { return Ok(()) };
    for (k, m) in &r.mean {
        eprintln!("{k:>16}: {m:.4} ± {:.4}", r.std.get(k).copied().unwrap_or(0.0));
    }
    println!("{}", json!({ "folds": r.folds, "mean": r.mean, "std": r.std, "seconds": r.seconds }));
    Ok(())
}

pub fn search(a: SearchArgs) -> Result<()> {
    let bytes = files::read(&a.config)?;
    let spec: SearchSpec = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Settings(format!("{}: {e} (write {{\"grid\": {{\"lr\": [1e-4, 1e-3]}}, \"folds\": 3}}: see README \"Grid search\")", a.config.display()))
    })?;
    let search = run(&a.model, &a.data, spec, &a.backend)?;
    let ranked = search.ranked();
    let metric = &search.plan().metric;
    eprintln!("rank  {metric:>12}  ±std     seconds  settings");
    for (i, r) in ranked.iter().enumerate() {
        let settings: Vec<String> = r.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let sd = r.std.get(metric).copied().unwrap_or(0.0);
        let score = r.score.map_or("-".into(), |s| format!("{s:.4}"));
        eprintln!("{:>4}  {score:>12}  {sd:<7.4}  {:>7.1}  {}", i + 1, r.seconds, settings.join(" "));
    }
    if let Some(best) = search.best_config() {
        let text = serde_json::to_string_pretty(&best).map_err(|e| Error::Settings(e.to_string()))?;
        std::fs::write(&a.out, text + "\n").map_err(|e| Error::Io(format!("cannot write {}: {e}", a.out.display())))?;
        eprintln!("best settings written to {} (train with: tabtune train --config {} …)", a.out.display(), a.out.display());
    }
    println!("{}", json!({ "metric": metric, "ranked": ranked, "best": search.best_config(), "prefix_passes": search.prefix_passes() }));
    Ok(())
}

/// Runs the search to its end: a line per fold (cv) or run (search), progress on stderr.
fn run(model: &std::path::Path, data: &DataArgs, spec: SearchSpec, backend: &str) -> Result<Search> {
    let device = files::device(backend)?;
    let model = files::load_model(model, &device)?.into_text()?;
    let data = files::load_data(&data.data, data.text_column.clone(), data.label_column.clone())?;
    let folds = spec.folds.is_some();
    let mut search = Search::new(model, &data, spec, &device)?;
    let plan = search.plan().clone();
    eprintln!("{} runs × {} folds = {} trainings, scored by {}", plan.runs.len(), plan.folds.max(1), plan.trainings, plan.metric);
    let mut pb: Option<ProgressBar> = None;
    loop {
        match block_on(search.advance())? {
            SearchEvent::Started { run, fold, info } => {
                let which = fold.map_or(format!("run {}", run + 1), |f| format!("run {} fold {}", run + 1, f + 1));
                pb = Some(bar(info.total_steps, &which));
            }
            SearchEvent::Step { loss: Some(loss), epoch, .. } => {
                if let Some(p) = &pb {
                    p.inc(1);
                    p.set_prefix(format!("epoch {epoch} loss {loss:.4}"));
                }
            }
            SearchEvent::Step { .. } => pb.iter().for_each(|p| p.inc(1)),
            SearchEvent::Fold { run, fold, scores } if folds => {
                pb.iter().for_each(|p| p.suspend(|| println!("{}", json!({ "run": run, "fold": fold, "scores": scores }))));
            }
            SearchEvent::Result { result } if !folds || plan.runs.len() > 1 => {
                pb.iter().for_each(|p| p.suspend(|| println!("{}", serde_json::to_string(&result).unwrap_or_default())));
            }
            SearchEvent::Done { .. } => break,
            _ => {}
        }
    }
    pb.iter().for_each(ProgressBar::finish_and_clear);
    Ok(search)
}
