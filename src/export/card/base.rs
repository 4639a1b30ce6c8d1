//! What a card says of the base model, read from the base folder's own README.md (a Hugging
//! Face model card; `scripts/fetch-model` writes one for each model it makes): its id and its
//! licence. Only the front matter's top-level scalars (and a list's first item) are read.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseFacts {
    /// Its Hugging Face id ("sentence-transformers/all-MiniLM-L6-v2"), or its name where it has
    /// none there ("efficientnet-lite0"); None: not known.
    pub id: Option<String>,
    /// Its licence as the Hub names licences ("apache-2.0", "mit", "other"); None: not known.
    pub license: Option<String>,
    /// For `other`: which licence, and where to read it.
    pub license_name: Option<String>,
    pub license_link: Option<String>,
}

impl BaseFacts {
    /// From a model folder's README.md: a card tabtune wrote names its base (the folder is a
    /// fine-tune of it: the same base then); another gives `model_id` (the folder is that model:
    /// tabtune's bases) or else `base_model`, `license`,
    /// `license_name`, `license_link`. A folder without a card gives nothing known.
    pub fn from_readme(text: &str) -> BaseFacts {
        BaseFacts::from_fields(&front_matter(text))
    }

    /// The id when it is a Hugging Face one ("owner/name"), which `base_model` may name.
    pub fn hub_id(&self) -> Option<&str> {
        self.id.as_deref().filter(|id| id.split('/').count() == 2)
    }

    pub(super) fn from_fields(fields: &[(String, String)]) -> BaseFacts {
        // a folder tabtune fine-tuned: the base its card names (a name with no Hub id included)
        let tabtune = fields.iter().find(|(k, _)| k == "tabtune").and_then(|(_, v)| serde_json::from_str::<serde_json::Value>(v).ok());
        if let Some(base) = tabtune.and_then(|t| serde_json::from_value(t["base"].clone()).ok()) {
            return base;
        }
        let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| scalar(v)).filter(|v| !v.is_empty());
        BaseFacts { id: get("model_id").or_else(|| get("base_model")), license: get("license"), license_name: get("license_name"), license_link: get("license_link") }
    }
}

/// The front matter's top-level `key: value` pairs, values as written (a block list `key:`
/// then `- item` lines gives its first item). Nothing when the text opens with no `---`.
pub fn front_matter(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Vec::new();
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.trim_end() == "---" {
            break;
        }
        if let Some(item) = line.trim_start().strip_prefix("- ").filter(|_| line.starts_with([' ', '-'])) {
            // the first item of a block list whose key had no value
            if let Some((_, v)) = fields.last_mut().filter(|(_, v)| v.is_empty()) {
                *v = item.trim().to_string();
            }
            continue;
        }
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

/// A YAML scalar as written: a JSON string, a single-quoted string, the first item of a flow
/// list, or the plain text.
fn scalar(value: &str) -> String {
    if let Ok(serde_json::Value::String(s)) = serde_json::from_str(value) {
        return s;
    }
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(value) {
        return items.first().and_then(|v| v.as_str()).unwrap_or_default().to_string();
    }
    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        return scalar(inner.split(',').next().unwrap_or_default().trim());
    }
    match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => value.split(" #").next().unwrap_or_default().trim().to_string(),
    }
}
