//! What a run derives from its settings and data before it starts.
use crate::data::Example;
use crate::error::{Error, Result};
use crate::model::{Model, Pooling, fingerprint};
use crate::run::{ClassWeights, Init, PoolingKind, RunConfig};
use crate::task::{Targets, Task};

/// `"balanced"`: n / (classes · count) on the training rows, as scikit-learn; explicit: by
/// label, 1 for labels not named; none: all 1.
pub(super) fn class_weights(cfg: &RunConfig, labels: &[String], targets: &Targets) -> Vec<f32> {
    let Targets::Classes(y) = targets else { return Vec::new() };
    match &cfg.class_weights {
        None => vec![1.0; labels.len()],
        Some(ClassWeights::Explicit(w)) => labels.iter().map(|l| w.get(l).copied().unwrap_or(1.0) as f32).collect(),
        Some(ClassWeights::Named(_)) => {
            let mut count = vec![0usize; labels.len()];
            y.iter().for_each(|&c| count[c] += 1);
            let n = y.len() as f32;
            // a class absent from the training rows never weighs in: any finite value will do
            count.iter().map(|&c| if c == 0 { 1.0 } else { n / (labels.len() as f32 * c as f32) }).collect()
        }
    }
}

/// `pooling: cls`: the pooler the run starts from: the fine-tuned one (init continue), else
/// the model file's `pooler.dense` (BERT's pretrained pooler). None for `pooling: mean`.
pub(super) fn pooler_for(model: &Model, cfg: &RunConfig) -> Result<Option<burn::nn::Linear>> {
    if cfg.pooling != PoolingKind::Cls {
        return Ok(None);
    }
    match (&model.pooling, cfg.init) {
        (Pooling::ClsPooler(p), Init::Continue) => Ok(Some(p.clone())),
        _ => model.pooler.clone().map(Some).ok_or_else(|| {
            Error::Settings("pooling cls starts from the model's pooler.dense weights (BERT's [CLS] pooler), but this model has none: use pooling mean".into())
        }),
    }
}

/// `init: continue` needs a head trained here on the same classes and task.
pub(super) fn check_continue(model: &Model, labels: &[String], task: Task, pooling: PoolingKind) -> Result<()> {
    let bad = |m: String| Err(Error::Settings(m));
    let Some(have) = model.labels() else {
        return bad("init = continue needs a fine-tuned model, but this one has no classification head yet: train it with init = pretrained first".into());
    };
    let has = if matches!(model.pooling, Pooling::Mean) { PoolingKind::Mean } else { PoolingKind::Cls };
    if has != pooling {
        return bad(format!(
            "init = continue needs the pooling the head was trained with: this model pools with {}, the run with {}: set pooling {}",
            has.name(), pooling.name(), has.name()
        ));
    }
    if model.task() != task {
        return bad(format!(
            "init = continue needs the same task, but the model was trained for {} and this run is {}: use init = pretrained",
            model.task().name(),
            task.name()
        ));
    }
    if have != labels {
        return bad(format!(
            "init = continue needs the same classes, but the model knows {} and the data has {}: use init = pretrained to train a new head",
            have.join(", "),
            labels.join(", ")
        ));
    }
    Ok(())
}

pub(super) fn data_fingerprint(train: &[Example], val: &[Example]) -> String {
    let mut bytes = Vec::new();
    for (tag, part) in [(b'T', train), (b'V', val)] {
        for e in part {
            bytes.push(tag);
            bytes.extend_from_slice(e.text.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(e.label.as_bytes());
            bytes.push(0);
        }
    }
    fingerprint(&[&bytes])
}
