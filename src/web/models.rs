//! Models in and out of the session, of any kind: a model folder's files loaded (its kind read
//! from config.json), a saved fine-tuned model (a finished checkpoint) applied to its base, and
//! the model that predicts exported in a format.
use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, js, kind_named};
use super::session::Session;
use super::state::Shared;
use crate::kind::{AnyModel, Kind};
use crate::export::{BaseFacts, Card};
use crate::{checkpoint, export};

#[wasm_bindgen]
impl Session {
    /// Loads a model from its folder's files: `config.json` (which says the kind),
    /// `model.safetensors` (a sound base may give its `embedding_model.onnx`) and the kind's
    /// third file (`model_files`): a text model's `tokenizer.json`, a sound model's
    /// `melspectrogram.onnx`. It becomes the base every
    /// run of its kind starts from; the data stays. Returns `AnyModel::describe`: { kind,
    /// fingerprint, layers, hidden_size, intermediate_size, max_position_embeddings, labels }
    /// (text) or { kind, fingerprint, blocks, image_size, classes (how many) } (image).
    ///
    /// `readme`: the folder's README.md, when it has one: its model card's id and licence go
    /// into the cards of the models fine-tuned from it.
    pub fn load_model(&self, config: &[u8], weights: &[u8], third: Option<Vec<u8>>, readme: Option<String>) -> Result<JsValue, JsValue> {
        let facts = readme.as_deref().map(BaseFacts::from_readme).unwrap_or_default();
        load(&self.state, config, weights, third.as_deref(), facts, "loading another model")
    }

    /// A fine-tuned model saved earlier (a finished checkpoint) applied to the model it was
    /// trained from: the loaded base model of the checkpoint's kind, or, for a run that
    /// continued a fine-tuned model, that model when the session holds it (applying a chain of
    /// finished runs in order rebuilds the last). Returns `state()`.
    pub fn load_trained(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("loading a saved model")?;
        let info = core(checkpoint::info(bytes))?;
        let kind = info.kind();
        let slot = s.slot(kind);
        let from = slot.run_start(&info.base).or_else(|_| slot.base())?;
        let model = core(checkpoint::apply(from, bytes, &s.device()?))?;
        let slot = s.slot_mut(kind);
        // a model saved before cards were written comes back without one
        slot.card = info.facts.map(|run| Card { base: slot.base_facts.clone(), run });
        slot.tuned = Some(model);
        js(&s.summary())
    }

    /// The model of `kind` ('text', the default, or 'image') that predicts, in `format`: 'hf'
    /// (the default: its folder, which `load_model` and the CLI read back), 'sentence-transformers'
    /// (text models) or 'onnx'. Returns { path: bytes }: a folder's files by their path in it
    /// (`1_Pooling/config.json`), or { "model.onnx" }.
    pub fn export(&self, format: Option<String>, kind: Option<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let kind = kind_named(kind.as_deref())?;
            let (model, card) = {
                let s = state.borrow();
                (s.model(kind)?, s.slot(kind).current_card().cloned())
            };
            exported(&model, format.as_deref(), card.as_ref()).await
        })
    }
}

/// `load_model`'s work; `busy` names it in the refusal while a run holds the session.
pub(super) fn load(state: &Shared, config: &[u8], weights: &[u8], third: Option<&[u8]>, facts: BaseFacts, busy: &str) -> Result<JsValue, JsValue> {
    let mut s = state.borrow_mut();
    s.idle(busy)?;
    let third_name = Kind::of_config(config).model_files().get(2).copied();
    let file = |name: &str| match name {
        "config.json" => Some(config),
        "model.safetensors" => Some(weights),
        _ if Some(name) == third_name => third,
        _ => None,
    };
    let model = core(AnyModel::load(file, &s.device()?))?;
    let info = model.describe();
    let slot = s.slot_mut(model.kind());
    slot.base = Some(model);
    slot.tuned = None;
    slot.card = None;
    slot.base_facts = facts;
    slot.started_from = None;
    js(&info)
}

/// The model's files in `format` (None: 'hf') as a JS object { path: Uint8Array }.
/// A fine-tuned model's card goes with it: README.md in a folder, metadata in ONNX.
pub(super) async fn exported(model: &AnyModel, format: Option<&str>, card: Option<&Card>) -> Result<JsValue, JsValue> {
    let format: export::Format = core(format.unwrap_or("hf").parse())?;
    let files: Vec<(String, Vec<u8>)> = match format {
        export::Format::Hf => owned(export::with_card(core(export::export(model).await)?, card, format)),
        export::Format::SentenceTransformers => owned(export::with_card(core(export::sentence_transformers(core(model.text())?).await)?, card, format)),
        export::Format::Onnx => vec![("model.onnx".to_string(), core(export::onnx::to_onnx_with_card(model, card).await)?)],
    };
    let out = Object::new();
    for (name, bytes) in files {
        Reflect::set(&out, &name.into(), &Uint8Array::from(bytes.as_slice()))?;
    }
    Ok(out.into())
}

fn owned(files: export::ExportedFiles) -> Vec<(String, Vec<u8>)> {
    files.all().into_iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect()
}

/// What a model folder of the kind `config.json` describes holds: { kind, files (config.json
/// first), weights (the names its weights may be under, the likelier first) }: the worker
/// downloads these.
#[wasm_bindgen]
pub fn model_files(config: &[u8]) -> Result<JsValue, JsValue> {
    let kind = Kind::of_config(config);
    js(&serde_json::json!({ "kind": kind.name(), "files": kind.model_files(), "weights": Kind::weights_files(config) }))
}
