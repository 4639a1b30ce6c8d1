//! The text kind's side of the seam: a text run's frozen part, the fine-tuned model put back
//! together from it (or from a checkpoint's tensors), what its config.json says of the run, and
//! what `init: continue` needs of it. Everything else of the text kind is its folder `text/`.
use burn::module::Module;
use burn::prelude::*;

use crate::text::Classifier;
use crate::error::{Error, Result};
use crate::text::weights::load_top;
use crate::text::{BertConfig, Encoder, Model, Pooling};
use crate::prefix::Prefix;
use crate::run::{Init, ModelShape, PoolingKind, RunConfig};
use crate::task::Task;

/// A text run's frozen part (embeddings and the lower layers) and the model it came from.
pub(crate) struct TextBase {
    pub model: Model,
    pub prefix: Prefix,
}

impl TextBase {
    /// The fine-tuned model: the frozen layers and the trained ones back in one encoder, with
    /// the trained head and the pooling it trained with.
    pub fn with_top(self, top: Classifier) -> Model {
        let TextBase { mut model, prefix } = self;
        let mut layers = prefix.layers;
        layers.extend(top.layers);
        model.encoder = Encoder { embeddings: prefix.embeddings, layers };
        model.head = Some(top.head);
        model.pooling = top.pooler.map_or(Pooling::Mean, Pooling::ClsPooler);
        model
    }
}

/// A run's trainable top rebuilt from a checkpoint's tensors (`prefix`: "" or "best.").
pub(crate) fn saved_top(config: &BertConfig, bytes: &[u8], cfg: &RunConfig, first: usize, outputs: usize, prefix: &str, device: &Device) -> Result<Classifier> {
    let (layers, head, pooler) = load_top(bytes, config, first, outputs, cfg.pooling == PoolingKind::Cls, prefix, device)?;
    let top = Classifier::with_head(layers, head, cfg.dropout).with_pooler(pooler);
    Ok(match cfg.encoder_dropout {
        Some(p) => top.with_encoder_dropout(p),
        None => top,
    }
    .train())
}

/// The base model with a finished checkpoint's trained layers and head in place.
pub(crate) fn with_saved_top(mut base: Model, bytes: &[u8], cfg: &RunConfig, outputs: usize, device: &Device) -> Result<Model> {
    let n = base.config.num_hidden_layers;
    let first = n.checked_sub(cfg.layers).ok_or_else(|| Error::Settings(format!("the checkpoint trained {} layers, but the model has {n}", cfg.layers)))?;
    let (top, head, pooler) = load_top(bytes, &base.config, first, outputs, cfg.pooling == PoolingKind::Cls, "", device)?;
    let mut layers = std::mem::take(&mut base.encoder.layers);
    layers.truncate(first);
    layers.extend(top);
    base.encoder = Encoder { embeddings: base.encoder.embeddings, layers };
    base.head = Some(head);
    base.pooling = pooler.map_or(Pooling::Mean, Pooling::ClsPooler);
    Ok(base)
}

/// `layers: all` made the model's layers, then every setting checked against the model.
pub(crate) fn settle(config: &BertConfig, cfg: &mut RunConfig) -> Result<()> {
    cfg.resolve_layers(config.num_hidden_layers);
    cfg.check(ModelShape::Text(config))
}

/// What config.json says about a model trained here: its labels, task, pooling, max_len,
/// multi-label threshold and the epoch its weights are from.
pub(crate) fn mark(config: &mut BertConfig, labels: &[String], task: Task, cfg: &RunConfig, epoch: usize) {
    config.set_labels(labels);
    config.extra.insert("problem_type".into(), task.problem_type().into());
    config.extra.insert(
        "tabtune".into(),
        serde_json::json!({ "pooling": cfg.pooling.name(), "max_len": cfg.max_len, "task": task, "threshold": cfg.threshold, "epoch": epoch }),
    );
}

/// `pooling: cls`: the pooler the run starts from: the fine-tuned one (init continue), else
/// the model file's `pooler.dense` (BERT's pretrained pooler). None for `pooling: mean`.
pub(crate) fn pooler_for(model: &Model, cfg: &RunConfig) -> Result<Option<burn::nn::Linear>> {
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

/// `init: continue` needs a head trained here on the same classes and task, read the same way.
pub(crate) fn check_continue(model: &Model, labels: &[String], task: Task, pooling: PoolingKind) -> Result<()> {
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

/// What a text model is, for the page: `AnyModel::describe`.
pub(crate) fn describe(model: &Model) -> serde_json::Value {
    serde_json::json!({
        "kind": "text",
        "layers": model.config.num_hidden_layers,
        "hidden_size": model.config.hidden_size,
        "intermediate_size": model.config.intermediate_size,
        "max_position_embeddings": model.config.max_position_embeddings,
        "labels": model.labels(),
        "fingerprint": model.fingerprint,
    })
}
