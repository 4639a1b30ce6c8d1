//! The model card: `README.md` in the Hugging Face model-card format, written into every model
//! folder a run exports (the HF folder, the sentence-transformers folder, the image and sound
//! folders, the CLI's `--out`), its front matter's facts also in the ONNX file's metadata.
//!
//! The front matter is one `key: value` line per key, each value written as JSON (which YAML
//! reads as it is): `base_model`, `library_name`, `pipeline_tag`, `license` (with
//! `license_name` / `license_link` for `other`), `tags`, `metrics`, `model-index` (the kept
//! epoch's validation scores) and `tabtune` (the base as read, `base`, and the run's facts: `train::RunFacts`). The body
//! (`body.rs`) says the same for people: the data, the settings, every epoch, the validation
//! scores per class, the date and how to load the model.
use serde_json::{Value, json};

use super::Format;
use crate::metrics::TaskMetrics;
use crate::train::RunFacts;

mod base;
mod body;

pub use base::{BaseFacts, front_matter};

/// The front matter's `tabtune` value: the base as tabtune read it, and the run.
#[derive(serde::Serialize, serde::Deserialize)]
struct Facts {
    base: BaseFacts,
    #[serde(flatten)]
    run: RunFacts,
}

/// A fine-tuned model's card: the base it came from and the run that made it.
#[derive(Clone, Debug)]
pub struct Card {
    pub base: BaseFacts,
    pub run: RunFacts,
}

impl Card {
    /// The front matter's fields, in order, for a folder in `format` (its `library_name`).
    pub fn fields(&self, format: Format) -> Vec<(&'static str, Value)> {
        let mut f = Vec::new();
        if let Some(id) = self.base.hub_id() {
            f.push(("base_model", json!(id)));
        }
        f.push(("library_name", json!(self.library(format))));
        f.push(("pipeline_tag", json!(self.pipeline_tag())));
        f.push(("license", json!(self.base.license.as_deref().unwrap_or("other"))));
        match (&self.base.license, &self.base.license_name) {
            (None, _) => f.push(("license_name", json!("unknown"))),
            (Some(l), Some(name)) if l == "other" => f.push(("license_name", json!(name))),
            _ => {}
        }
        if let Some(link) = self.base.license_link.as_ref().filter(|_| self.base.license.as_deref() == Some("other")) {
            f.push(("license_link", json!(link)));
        }
        f.push(("tags", json!(["tabtune", self.run.kind, self.run.task.name()])));
        let scores = self.scores();
        let mut ids: Vec<&str> = scores.iter().map(|s| s.0).collect();
        ids.dedup();
        f.push(("metrics", json!(ids)));
        if !scores.is_empty() {
            let metrics: Vec<Value> = scores.iter().map(|(kind, name, value)| json!({ "type": kind, "name": name, "value": value })).collect();
            f.push((
                "model-index",
                json!([{
                    "name": self.title(),
                    "results": [{
                        "task": { "type": self.pipeline_tag() },
                        "dataset": { "name": "the data the model was trained on (its validation split)", "type": "custom" },
                        "metrics": metrics,
                    }],
                }]),
            ));
        }
        // through text, so an f32 (a loss) keeps the short form the CLI printed it in
        let facts = Facts { base: self.base.clone(), run: self.run.clone() };
        let run = serde_json::to_string(&facts).ok().and_then(|t| serde_json::from_str(&t).ok());
        f.push(("tabtune", run.unwrap_or(Value::Null)));
        f
    }

    /// README.md for a folder in `format`: the front matter, then the card for people.
    pub fn readme(&self, format: Format) -> String {
        let mut out = String::from("---\n");
        for (key, value) in self.fields(format) {
            out.push_str(&format!("{key}: {}\n", serde_json::to_string(&value).unwrap_or_default()));
        }
        out.push_str("---\n\n");
        out.push_str(&body::body(self, format));
        out
    }

    /// The same facts as ONNX metadata: each front-matter key, its value as JSON text.
    pub fn onnx_metadata(&self) -> Vec<(String, String)> {
        self.fields(Format::Onnx).into_iter().map(|(k, v)| (k.to_string(), serde_json::to_string(&v).unwrap_or_default())).collect()
    }

    /// The card a folder's README.md holds, when tabtune wrote it (its `tabtune` key): so an
    /// exported folder exported again keeps its card.
    pub fn from_readme(text: &str) -> Option<Card> {
        let facts: Facts = front_matter(text).into_iter().find(|(k, _)| k == "tabtune").and_then(|(_, v)| serde_json::from_str(&v).ok())?;
        Some(Card { base: facts.base, run: facts.run })
    }

    /// "Text classifier fine-tuned from X".
    pub fn title(&self) -> String {
        let what = match self.run.kind.as_str() {
            "image" => "Image classifier",
            "audio" => "Sound classifier",
            _ => match self.run.task {
                crate::task::Task::Regression => "Text regressor",
                crate::task::Task::MultiLabel => "Multi-label text classifier",
                crate::task::Task::Classification => "Text classifier",
            },
        };
        match &self.base.id {
            Some(id) => format!("{what} fine-tuned from {id}"),
            None => format!("{what} fine-tuned with tabtune"),
        }
    }

    fn library(&self, format: Format) -> &'static str {
        match (format, self.run.kind.as_str()) {
            (Format::Onnx, _) => "onnx",
            (Format::SentenceTransformers, _) => "sentence-transformers",
            (Format::Hf, "text") => "transformers",
            (Format::Hf, _) => "tabtune",
        }
    }

    fn pipeline_tag(&self) -> &'static str {
        match self.run.kind.as_str() {
            "image" => "image-classification",
            "audio" => "audio-classification",
            _ => "text-classification",
        }
    }

    /// The kept epoch's validation scores as (HF metric type, name, value).
    pub fn scores(&self) -> Vec<(&'static str, &'static str, f64)> {
        match &self.run.validation {
            None => Vec::new(),
            Some(TaskMetrics::Classification(m)) => vec![("accuracy", "accuracy", m.acc), ("f1", "macro F1", m.macro_f1)],
            Some(TaskMetrics::MultiLabel(m)) => {
                vec![("accuracy", "subset accuracy", m.subset_acc), ("f1", "micro F1", m.micro_f1), ("f1", "macro F1", m.macro_f1)]
            }
            Some(TaskMetrics::Regression(m)) => {
                vec![("mse", "mean squared error", m.mse), ("mae", "mean absolute error", m.mae), ("r_squared", "R²", m.r2), ("pearsonr", "Pearson's r", m.pearson)]
            }
        }
    }
}

#[cfg(test)]
mod tests;
