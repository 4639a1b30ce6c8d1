//! What every run over whole items (images, clips) does alike: two classes or more, the seeded
//! per-class split by index, the frozen part's cache sized against its budget, each split's rows
//! fingerprinted, and the `Parts` of a classification run with one cached row per item.
use super::setup::Parts;
use super::split::Split;
use crate::data::{self, Example};
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;
use crate::kind::{Base, Top};
use crate::prefix::cache_bytes;
use crate::run::RunConfig;
use crate::task::{Targets, Task};

/// Refuses fewer than two classes; `noun` names the classifier ("an image classifier").
pub(super) fn check_classes(noun: &str, labels: &[String]) -> Result<()> {
    if labels.len() < 2 {
        return Err(Error::Settings(format!("{noun} needs two classes or more, and the data has {}", labels.len())));
    }
    Ok(())
}

/// The text path's seeded, per-class split on the items' indices: (train, validation), each
/// item's index and its class label.
pub(super) fn split_items<'a>(labels: impl Iterator<Item = &'a str>, cfg: &RunConfig) -> (Vec<(usize, String)>, Vec<(usize, String)>) {
    let rows: Vec<Example> = labels.enumerate().map(|(i, l)| Example { text: i.to_string(), label: l.to_string() }).collect();
    let (train, val) = data::stratified_split(&rows, cfg.val_split, cfg.seed);
    let indexed = |ex: Vec<Example>| ex.into_iter().map(|e| (e.text.parse::<usize>().unwrap_or_default(), e.label)).collect();
    (indexed(train), indexed(val))
}

/// The classification targets of indexed items (`split_items`'s halves).
pub(super) fn item_targets(items: &[(usize, String)], labels: &[String]) -> Result<Targets> {
    let rows: Vec<Example> = items.iter().map(|(i, l)| Example { text: i.to_string(), label: l.clone() }).collect();
    Ok(data::targets(&rows, Task::Classification, labels)?)
}

/// The frozen part's cache: its size and whether it fits `cfg.cache_budget_mb`.
pub(super) struct CachePlan {
    pub mb: f64,
    pub fits: bool,
}

/// Sizes the cache of rows of `lens` vectors of `width` values each (text: tokens × hidden;
/// images: channels × h·w; clips: windows · channels × time·mel). Over the budget, a note says
/// the frozen `part` runs again for every batch, and `advice` what keeps it cached.
pub(super) fn plan_cache(lens: impl Iterator<Item = usize>, width: usize, cfg: &RunConfig, part: &str, advice: &str, notes: &mut Vec<String>) -> CachePlan {
    let bytes = cache_bytes(lens, width, cfg.cache_dtype);
    let mb = bytes as f64 / 1e6;
    let fits = bytes <= cfg.cache_budget_mb as u64 * 1_000_000;
    if !fits {
        notes.push(format!(
            "the frozen {part}' cache would need {mb:.0} MB, over the {} MB budget, so they run again for every batch (slower); {advice}",
            cfg.cache_budget_mb
        ));
    }
    CachePlan { mb, fits }
}

/// What an item run's constructor prepared; `parts` fills in the rest.
pub(super) struct ItemRun {
    pub base: Base,
    pub top: Top,
    pub train: Split,
    pub val: Split,
    pub labels: Vec<String>,
    pub frozen_layers: usize,
    pub augmented_rows: usize,
    pub cache: CachePlan,
    pub notes: Vec<String>,
    pub data_fingerprint: String,
    pub cfg: RunConfig,
}

impl ItemRun {
    /// A classification run's parts: no pairs, nothing truncated, and, when cached, every
    /// training item then every validation item through the frozen part.
    pub(super) fn parts(self) -> Parts {
        let ItemRun { base, top, train, val, labels, frozen_layers, augmented_rows, cache, notes, data_fingerprint, cfg } = self;
        let (t, v) = (train.len(), val.len());
        let pending = if cache.fits { (0..t).map(|i| (false, i)).chain((0..v).map(|i| (true, i))).collect() } else { Vec::new() };
        Parts {
            base,
            top,
            rows: t + v,
            train,
            val,
            task: Task::Classification,
            labels,
            pairs: Vec::new(),
            pending,
            frozen_layers,
            augmented_rows,
            truncated: 0,
            cache_mb: cache.mb,
            cached: cache.fits,
            notes,
            data_fingerprint,
            cfg,
        }
    }
}

/// Identifies an image or sound run's rows: each split's classes, then every row's name and
/// input bytes (`inputs`), train and validation apart.
pub(super) fn rows_fingerprint(train: &Split, val: &Split, inputs: impl Fn(&Split) -> Vec<&[u8]>) -> String {
    let classes = |s: &Split| -> Vec<u8> {
        match &s.targets {
            Targets::Classes(y) => y.iter().flat_map(|&c| (c as u32).to_le_bytes()).collect(),
            _ => Vec::new(),
        }
    };
    let (ct, cv) = (classes(train), classes(val));
    let (it, iv) = (inputs(train), inputs(val));
    let mut parts: Vec<&[u8]> = vec![b"T", &ct, b"V", &cv];
    for (split, rows) in [(train, &it), (val, &iv)] {
        for (name, row) in split.texts.iter().zip(rows.iter()) {
            parts.extend([name.as_bytes(), *row]);
        }
    }
    fingerprint(&parts)
}
