//! Text → token ids with the model's own `tokenizer.json` (HF `tokenizers`), truncated at
//! `max_len`, then padded per batch to the longest row (dynamic padding).
use std::sync::{Arc, Mutex};

use burn::prelude::*;
use tokenizers::{PostProcessor, Tokenizer, TruncationParams};

use crate::error::{Error, Result};

/// Cheap to clone (a model is cloned per prediction): the parts are shared.
#[derive(Clone)]
pub struct TextTokenizer {
    inner: Arc<Tokenizer>,
    json: Arc<[u8]>,
    /// The tokenizer set to truncate at the last max_len used, so a call does not clone one.
    truncating: Arc<Mutex<Option<(usize, Arc<Tokenizer>)>>>,
}

/// Token ids of one text, with [CLS]/[SEP]; `truncated` when the text did not fit.
#[derive(Clone, Debug)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub truncated: bool,
}

/// One text's tokens with where each came from: byte offsets (start, end) into the text.
#[derive(Clone, Debug)]
pub struct Spans {
    pub ids: Vec<u32>,
    pub tokens: Vec<String>,
    pub offsets: Vec<(usize, usize)>,
}

/// A right-padded batch: ids and mask are row-major [rows, len].
#[derive(Clone, Debug)]
pub struct Padded {
    pub ids: Vec<i64>,
    pub mask: Vec<f32>,
    pub rows: usize,
    pub len: usize,
}

impl TextTokenizer {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        // tokenizers 0.23 panics ("Helper", decoders/mod.rs) on a JSON syntax error just after
        // the "decoder" value, so the syntax is checked here first; valid JSON reaches it safely.
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| {
            Error::Tokenizer(format!("not valid JSON ({e}); use the model's own tokenizer.json, downloaded again"))
        })?;
        let mut inner = Tokenizer::from_bytes(bytes).map_err(|e| {
            Error::Tokenizer(format!("not a Hugging Face tokenizer file ({e}); use the model's own tokenizer.json"))
        })?;
        // We pad ourselves per batch; a padding rule inside the file would pad to a fixed length.
        inner.with_padding(None);
        Ok(Self { inner: Arc::new(inner), json: bytes.into(), truncating: Arc::default() })
    }

    /// tokenizer.json for an exported model: this one truncating at `max_len` as tabtune does
    /// (right side, longest first) and padding nothing, so a library that reads the file (the
    /// `tokenizers` package, transformers with `truncation=True`, onnxruntime users) cuts long
    /// texts where `predict` does. The base model's own file pads to a fixed 128.
    pub fn exported_json(&self, max_len: usize) -> Result<Vec<u8>> {
        let mut tok: serde_json::Value = serde_json::from_slice(&self.json).map_err(|e| Error::Tokenizer(format!("tokenizer.json is not JSON: {e}")))?;
        let default = TruncationParams { max_length: max_len, ..Default::default() };
        tok["truncation"] = serde_json::to_value(&default).map_err(|e| Error::Tokenizer(format!("could not write tokenizer.json: {e}")))?;
        tok["padding"] = serde_json::Value::Null;
        serde_json::to_vec(&tok).map_err(|e| Error::Tokenizer(format!("could not write tokenizer.json: {e}")))
    }

    /// The special tokens its post-processor puts around one text ([CLS] … [SEP]: 2).
    pub fn special_tokens(&self) -> usize {
        self.inner.get_post_processor().map_or(0, |p| p.added_tokens(false))
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// The original `tokenizer.json`, for export.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    pub fn encode(&self, texts: &[&str], max_len: usize) -> Result<Vec<Encoded>> {
        let tok = self.truncating(max_len)?;
        texts
            .iter()
            .map(|t| {
                let enc = tok
                    .encode(*t, true)
                    .map_err(|e| Error::Tokenizer(format!("could not tokenize {:?}: {e}", preview(t))))?;
                Ok(Encoded { truncated: !enc.get_overflowing().is_empty(), ids: enc.get_ids().to_vec() })
            })
            .collect()
    }

    /// One text's ids (truncated at `max_len`), token strings and byte offsets into `text`
    /// (special tokens such as [CLS] span nothing: (0, 0)), for the teaching view's highlight.
    pub fn encode_with_offsets(&self, text: &str, max_len: usize) -> Result<Spans> {
        let enc = self
            .truncating(max_len)?
            .encode(text, true)
            .map_err(|e| Error::Tokenizer(format!("could not tokenize {:?}: {e}", preview(text))))?;
        Ok(Spans { ids: enc.get_ids().to_vec(), tokens: enc.get_tokens().to_vec(), offsets: enc.get_offsets().to_vec() })
    }

    /// The tokenizer truncating at `max_len`: made once per max_len, not per call.
    fn truncating(&self, max_len: usize) -> Result<Arc<Tokenizer>> {
        let mut slot = self.truncating.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, tok)) = slot.as_ref().filter(|(len, _)| *len == max_len) {
            return Ok(tok.clone());
        }
        let mut tok = (*self.inner).clone();
        // tokenizers subtracts the special-token count from max_length unchecked: below it a
        // debug build panics and a release build silently stops truncating. (`run::check_max_len`
        // already keeps users above this; the guard is for every other caller.)
        let special = tok.get_post_processor().map_or(0, |p| p.added_tokens(false));
        if max_len <= special {
            return Err(Error::Settings(format!(
                "max_len {max_len} leaves no room for text next to the tokenizer's {special} special tokens: use at least {}",
                special + 1
            )));
        }
        let params = TruncationParams { max_length: max_len, ..Default::default() };
        tok.with_truncation(Some(params))
            .map_err(|e| Error::Settings(format!("max_len {max_len} cannot be used: {e}")))?;
        let tok = Arc::new(tok);
        *slot = Some((max_len, tok.clone()));
        Ok(tok)
    }
}

impl Padded {
    /// ids [rows, len] and mask [rows, len] on `device`.
    pub fn tensors(self, device: &Device) -> (Tensor<2, Int>, Tensor<2>) {
        let shape = [self.rows, self.len];
        (
            Tensor::from_data(TensorData::new(self.ids, shape), device),
            Tensor::from_data(TensorData::new(self.mask, shape), device),
        )
    }
}

pub fn pad(rows: &[&[u32]]) -> Padded {
    let len = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut ids = vec![0i64; rows.len() * len];
    let mut mask = vec![0f32; rows.len() * len];
    for (i, r) in rows.iter().enumerate() {
        for (j, &id) in r.iter().enumerate() {
            ids[i * len + j] = id as i64;
            mask[i * len + j] = 1.0;
        }
    }
    Padded { ids, mask, rows: rows.len(), len }
}

fn preview(t: &str) -> String {
    t.chars().take(40).collect()
}
