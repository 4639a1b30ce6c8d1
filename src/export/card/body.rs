//! The card's text for people: what the model is, its data, its settings, every epoch, the
//! validation scores per class, and how to load it (the README's snippets).
use std::fmt::Write;

use super::Card;
use crate::export::Format;
use crate::metrics::TaskMetrics;
use crate::run::PoolingKind;

pub(super) fn body(card: &Card, format: Format) -> String {
    let mut out = String::new();
    let r = &card.run;
    let base = match (card.base.hub_id(), &card.base.id) {
        (Some(id), _) => format!("[{id}](https://huggingface.co/{id})"),
        (None, Some(name)) => name.clone(),
        (None, None) => "a model loaded from files (its folder had no model card naming it)".into(),
    };
    let _ = writeln!(out, "# {}\n", card.title());
    let kept = match r.frozen {
        0 => "nothing stayed as pretrained".to_string(),
        n => format!("the {n} below stayed as pretrained"),
    };
    let _ = writeln!(
        out,
        "Fine-tuned with tabtune on {} (UTC) from {base}: the top {} of its {} {} and a new head ({} parameters) were trained \
         on {} {}; {kept}.\n",
        r.date, r.trainable, r.frozen + r.trainable, r.units, r.trainable_params, r.train_rows, r.data.unit
    );
    let _ = writeln!(out, "Licence: {}\n", licence(card));

    let d = &r.data;
    let _ = writeln!(out, "## Data\n");
    let _ = writeln!(out, "{} {} read, {} used: {} to train, {} to validate (a seeded split of each class).\n", d.read, d.unit, d.used, r.train_rows, r.val_rows);
    if !d.classes.is_empty() {
        let _ = writeln!(out, "| class | {} |\n|---|---:|", d.unit);
        for (class, n) in &d.classes {
            let _ = writeln!(out, "| {} | {n} |", cell(class));
        }
        out.push('\n');
    }
    match d.dropped.is_empty() {
        true => out.push_str("Nothing was left out.\n\n"),
        false => out.push_str(&list("Left out:", &d.dropped)),
    }
    if !d.notes.is_empty() {
        out.push_str(&list("Read as:", &d.notes));
    }

    let _ = writeln!(out, "## Settings\n\n| setting | value |\n|---|---|");
    if let Ok(serde_json::Value::Object(settings)) = serde_json::to_value(&r.settings) {
        for (key, value) in settings.iter().filter(|(_, v)| !v.is_null()) {
            let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            let _ = writeln!(out, "| {key} | {} |", cell(&value));
        }
    }
    out.push('\n');

    out.push_str(&epochs(card));
    out.push_str(&validation(card));
    out.push_str(&usage(card, format));
    out.push_str(
        "## Limits\n\nThe scores above are on a validation split of the same data the model was trained on: they say how it does on \
         examples like those, not on data of another source, time or population. Check it on your own held-out data before relying on it.\n",
    );
    out
}

fn licence(card: &Card) -> String {
    let b = &card.base;
    match (b.license.as_deref(), &b.license_name, &b.license_link) {
        (None, ..) => "the base model's licence is not known to tabtune (its folder had no model card): check it before sharing this model.".into(),
        (Some("other"), name, link) => {
            let name = name.as_deref().unwrap_or("see the base model");
            match link {
                Some(link) => format!("the base model's: {name} ({link})."),
                None => format!("the base model's: {name}."),
            }
        }
        (Some(l), ..) => format!("the base model's, {l}."),
    }
}

/// Every epoch's training loss and validation scores, and which epoch the weights are.
fn epochs(card: &Card) -> String {
    let r = &card.run;
    let mut keys: Vec<&String> = r.epochs.iter().flat_map(|e| e.val_scores.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = String::from("## Training\n\n| epoch | train loss |");
    for k in &keys {
        let _ = write!(out, " {k} |");
    }
    out.push_str(&format!("\n|---:|---:|{}\n", "---:|".repeat(keys.len())));
    for e in &r.epochs {
        let _ = write!(out, "| {} | {:.4} |", e.epoch, e.train_loss);
        for k in &keys {
            match e.val_scores.get(*k) {
                Some(v) => {
                    let _ = write!(out, " {v:.4} |");
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    let why = match &r.settings.early_stopping {
        Some(monitor) => format!(", the best by {monitor} (early stopping)"),
        None => String::new(),
    };
    let _ = writeln!(out, "\nThe model has epoch {}'s weights{why}.\n", r.kept_epoch);
    out
}

/// The kept epoch's validation scores, overall and per class.
fn validation(card: &Card) -> String {
    let Some(m) = &card.run.validation else {
        return "## Validation\n\nNone: the run kept no validation split (`val_split` 0), so there are no scores to report.\n\n".into();
    };
    let mut out = format!("## Validation (epoch {})\n\n", card.run.kept_epoch);
    for (_, name, value) in card.scores() {
        let _ = writeln!(out, "- {name}: {value:.4}");
    }
    out.push('\n');
    let per = match m {
        TaskMetrics::Classification(m) => &m.per_class,
        TaskMetrics::MultiLabel(m) => &m.per_label,
        TaskMetrics::Regression(_) => return out,
    };
    out.push_str("| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
    for c in per {
        let _ = writeln!(out, "| {} | {:.4} | {:.4} | {:.4} | {} |", cell(&c.label), c.precision, c.recall, c.f1, c.support);
    }
    out.push('\n');
    out
}

/// How to load the folder: the README's snippets for its kind and format.
fn usage(card: &Card, format: Format) -> String {
    let r = &card.run;
    let code = match (r.kind.as_str(), format) {
        ("image", _) => "```sh\ntabtune predict --model . --input photo.jpg            # JSONL {\"input\",\"label\",\"probs\"}\n\
             tabtune export --model . --format onnx --out image.onnx   # onnxruntime: see tabtune's docs/onnx.md\n```\n"
            .to_string(),
        ("audio", _) => "```sh\ntabtune predict --model . --input clips/                 # one JSON line per one-second clip\n\
             tabtune export --model . --format onnx --out sound.onnx   # onnxruntime: see tabtune's docs/onnx.md\n```\n"
            .to_string(),
        (_, Format::SentenceTransformers) => "```python\nfrom sentence_transformers import SentenceTransformer\n\
             SentenceTransformer(\".\").encode([\"a fine film\"])   # == tabtune embed\n```\n"
            .to_string(),
        _ if r.settings.pooling == PoolingKind::Cls => "```python\nfrom transformers import pipeline\n\
             pipeline(\"text-classification\", model=\".\", top_k=None)([\"a fine film\"], truncation=True)   # == tabtune predict\n```\n"
            .to_string(),
        _ => "```python\nfrom transformers import AutoModel\nfrom safetensors.torch import load_file\n\
             enc = AutoModel.from_pretrained(\".\")         # the fine-tuned encoder\n\
             head = load_file(\"model.safetensors\")          # classifier.weight, classifier.bias\n\
             # logits = mean_pool(enc(**tok(texts)).last_hidden_state) @ head[\"classifier.weight\"].T + head[\"classifier.bias\"]\n```\n\n\
             ```sh\ntabtune predict --model . --input texts.txt   # JSONL {\"text\",\"label\",\"probs\"}\n```\n"
            .to_string(),
    };
    format!("## How to use\n\nFrom this folder:\n\n{code}\n")
}

fn list(title: &str, items: &[String]) -> String {
    let mut out = format!("{title}\n\n");
    for item in items {
        let _ = writeln!(out, "- {}", item.replace('\n', " "));
    }
    out.push('\n');
    out
}

/// A table cell: a `|` or a line break in a class name would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
