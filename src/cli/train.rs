//! `tabtune train`: progress bars with ETA on stderr, one JSON line per epoch on stdout, and
//! the fine-tuned model written as an HF-layout folder.
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use futures_lite::future::block_on;
use indicatif::{ProgressBar, ProgressStyle};
use tabtune::run::Init;
use tabtune::task::TaskChoice;
use tabtune::kind::Kind;
use tabtune::{Error, Result, RunConfig, Trainer, export};

use super::settings::SettingsArgs;
use super::{DataArgs, files};

const CHECKPOINT: &str = "checkpoint.safetensors";

#[derive(Args)]
pub struct TrainArgs {
    /// Model folder: a text model in the Hugging Face layout (config.json, model.safetensors,
    /// tokenizer.json), or an image model (models/efficientnet-lite0: its config.json names the
    /// architecture), which makes the run an image run.
    #[arg(long)]
    pub(super) model: PathBuf,
    #[command(flatten)]
    pub(super) data: DataArgs,
    /// Where to write the fine-tuned model (a folder; created if missing).
    #[arg(long)]
    pub(super) out: PathBuf,
    /// Keep the run's trained part in DIR/checkpoint.safetensors at every epoch end but the
    /// last; if DIR already holds one (same model, data and settings), the run resumes from it.
    #[arg(long, value_name = "DIR")]
    pub(super) checkpoint: Option<PathBuf>,
    /// Also write every step as a JSON line {"step","epoch","lr","loss"} to this file.
    #[arg(long)]
    pub(super) steps_out: Option<PathBuf>,
    /// cpu (flex, pure Rust) or gpu (wgpu).
    #[arg(long, default_value = "cpu")]
    pub(super) backend: String,
    #[command(flatten, next_help_heading = "Settings (RunConfig's keys; see README \"Settings\")")]
    settings: SettingsArgs,
}

pub(super) fn bar(len: usize, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template("{msg:>14} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {prefix}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    pb.set_style(style);
    pb.set_message(what.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

pub fn run(a: TrainArgs) -> Result<()> {
    let mut cfg = a.settings.run_config()?;
    let device = files::device(&a.backend)?;
    let model = files::load_model(&a.model, &device)?;
    if cfg.task == TaskChoice::Image && model.kind() != Kind::Image {
        return Err(Error::Settings(format!(
            "task image needs an image model, and {} is not one (its config.json names no architecture): use --model models/efficientnet-lite0",
            a.model.display()
        )));
    }
    if cfg.task == TaskChoice::Audio && model.kind() != Kind::Audio {
        return Err(Error::Settings(format!(
            "task audio needs a sound model, and {} is not one (its config.json's architecture is not speech_embedding): use --model models/speech-embedding",
            a.model.display()
        )));
    }
    // the trainer checks too; checking here refuses a bad setting before the data is read
    model.settle(&mut cfg)?;
    let data = super::data::labelled(model.kind(), &a.data, cfg.image_size)?;
    if cfg.init == Init::Pretrained && model.fine_tuned() {
        eprintln!("starting from the model's {} with a fresh head (--init continue keeps its head)", model.kind().units());
    }
    let mut trainer = match saved_checkpoint(&a, &cfg)? {
        Some((path, bytes)) => resumed(Trainer::resume(model, &data, &bytes, &device)?, &path),
        None => Trainer::new(model, &data, cfg, &device)?,
    };
    drive(&mut trainer, &a)?;
    // the card: what the run did, and the base's id and licence from the base folder's own card
    let base = files::readme(&a.model).map(|t| export::BaseFacts::from_readme(&t)).unwrap_or_default();
    let card = export::Card { base, run: trainer.facts() };
    let model = block_on(trainer.into_model())?;
    files::write_model(&a.out, &export::with_card(block_on(export::export(&model))?, Some(&card), export::Format::Hf))?;
    eprintln!("model written to {}", a.out.display());
    Ok(())
}

/// `--checkpoint DIR`'s saved run, when DIR holds one: (its path, its bytes). A run of other
/// settings is refused rather than resumed or overwritten.
fn saved_checkpoint(a: &TrainArgs, cfg: &RunConfig) -> Result<Option<(PathBuf, Vec<u8>)>> {
    let Some(path) = a.checkpoint.as_ref().map(|d| d.join(CHECKPOINT)).filter(|p| p.is_file()) else {
        return Ok(None);
    };
    let bytes = files::read(&path)?;
    if tabtune::checkpoint::info(&bytes)?.config != *cfg {
        return Err(tabtune::Error::Settings(format!(
            "{} is a checkpoint of a run with other settings: delete it (or choose another --checkpoint DIR) to start this one",
            path.display()
        )));
    }
    Ok(Some((path, bytes)))
}

/// Says where a resumed run picks up.
fn resumed(t: Trainer, path: &std::path::Path) -> Trainer {
    eprintln!("resuming from {} at step {} of {}", path.display(), t.steps_done(), t.info().total_steps);
    t
}

/// Prints what the run will do, runs the frozen part over every row (a progress bar), then
/// steps to the end: one JSON line per epoch on stdout, `--steps-out`, `--checkpoint`.
fn drive(trainer: &mut Trainer, a: &TrainArgs) -> Result<()> {
    let image = matches!(trainer.config().task, TaskChoice::Image | TaskChoice::Audio);
    let items = if trainer.config().task == TaskChoice::Audio { "clips" } else { "images" };
    let info = trainer.info().clone();
    for note in &info.notes {
        eprintln!("note: {note}");
    }
    let (rows, layers) = if image { (items, "blocks") } else { ("rows", "layers") };
    eprintln!(
        "train {} {rows}, validate {}; {} frozen + {} trainable {layers} ({} parameters); {} steps{}",
        info.train_rows,
        info.val_rows,
        info.frozen_layers,
        info.trainable_layers,
        info.trainable_params,
        info.total_steps,
        if image { String::new() } else { format!("; {} texts truncated", info.truncated) }
    );
    if info.pairs > 0 {
        eprintln!("contrastive: {} pairs of training rows an epoch (half of the same class), then a logistic-regression head on the layers' embeddings", info.pairs);
    }
    let groups: Vec<String> = info.param_groups.iter().map(|g| format!("{} {} params at lr × {}", g.name, g.params, g.lr_scale)).collect();
    eprintln!("{} with {} ({} schedule): {}", info.task.name(), info.optimizer, info.schedule, groups.join(", "));

    let pb = bar(info.train_rows + info.val_rows, if image { "caching blocks" } else { "caching prefix" });
    let started = std::time::Instant::now();
    while let Some((done, _)) = block_on(trainer.prepare())? {
        pb.set_position(done as u64);
    }
    pb.finish_and_clear();
    if info.cached {
        let (rows, s) = (info.train_rows + info.val_rows, started.elapsed().as_secs_f64());
        eprintln!("frozen {layers} ran over {rows} {what} in {s:.1} s ({:.0} {what}/s)", rows as f64 / s.max(1e-9), what = if image { items } else { "rows" });
    }

    let mut steps_out = match &a.steps_out {
        Some(p) => Some(std::fs::File::create(p).map_err(|e| tabtune::Error::Io(format!("cannot write {}: {e}", p.display())))?),
        None => None,
    };
    let pb = bar(info.total_steps, "training");
    let teaching = trainer.config().teaching;
    while !trainer.is_done() {
        let s = block_on(trainer.step())?;
        if teaching {
            let mut lines = Vec::new();
            if let Some(a) = &s.activity {
                lines.push(serde_json::json!({ "type": "activity", "step": s.step, "activity": a }));
            }
            // the epoch-0 frame comes with the first step's, the others at epoch ends
            for m in block_on(trainer.take_maps())? {
                lines.push(serde_json::json!({ "type": "map", "epoch": m.epoch, "points": m.points }));
            }
            pb.suspend(|| lines.iter().for_each(|l| println!("{l}")));
        }
        if let Some(f) = steps_out.as_mut() {
            use std::io::Write;
            writeln!(f, "{}", serde_json::to_string(&s).unwrap_or_default()).map_err(|e| tabtune::Error::Io(e.to_string()))?;
        }
        pb.inc(1);
        if let Some(loss) = s.loss {
            pb.set_prefix(format!("epoch {} loss {loss:.4}", s.epoch));
        }
        if let Some(e) = s.epoch_end {
            pb.suspend(|| println!("{}", serde_json::to_string(&e).unwrap_or_default()));
            // the last epoch's is left out: by then the model itself is written to --out
            if let (Some(dir), false) = (&a.checkpoint, trainer.is_done()) {
                files::write_file(dir, CHECKPOINT, &block_on(trainer.checkpoint(true))?)?;
            }
        }
    }
    pb.finish_and_clear();
    if let Some(e) = trainer.history().last().filter(|e| e.stopped_early) {
        eprintln!("stopped early after epoch {}: {} did not improve for {} epochs", e.epoch, cfg_monitor(trainer), trainer.config().patience);
    }
    if trainer.config().early_stopping.is_some() {
        eprintln!("the model written is epoch {}'s, the best by {}", trainer.kept_epoch(), cfg_monitor(trainer));
    }
    Ok(())
}

fn cfg_monitor(t: &Trainer) -> String {
    t.config().early_stopping.clone().unwrap_or_default()
}
