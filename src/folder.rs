//! A model folder as bytes: what every export writes and `AnyModel::load` reads back.
use crate::error::{Error, Result};

/// A model folder's files: the three a model needs, then the others (path relative to the
/// folder, `/`-separated, e.g. `1_Pooling/config.json`).
pub struct ExportedFiles {
    pub config: Vec<u8>,
    pub weights: Vec<u8>,
    /// A text model's tokenizer.json (an image model has none).
    pub tokenizer: Option<Vec<u8>>,
    pub extra: Vec<(String, Vec<u8>)>,
}

impl ExportedFiles {
    /// Every file as (path, bytes), the model's own first.
    pub fn all(&self) -> Vec<(&str, &[u8])> {
        let main = [("config.json", Some(&self.config)), ("model.safetensors", Some(&self.weights)), ("tokenizer.json", self.tokenizer.as_ref())];
        let main = main.into_iter().filter_map(|(n, b)| b.map(|b| (n, b.as_slice())));
        main.chain(self.extra.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).collect()
    }
}

pub(crate) fn json(value: &serde_json::Value, what: &str) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| Error::Config(format!("could not write {what}: {e}")))
}
