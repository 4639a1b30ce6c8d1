//! The embedding map: the validation rows' pooled embeddings projected on two PCA axes, one
//! frame per epoch, and what each dot stands for. A run fits the axes once and takes a frame
//! each epoch (`train/teach.rs`: `Trainer::take_maps`).
use serde::Serialize;

use super::pca::Pca;
use crate::task::Targets;

/// The validation rows projected on the map's axes after `epoch` epochs (0: before training).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapFrame {
    pub epoch: usize,
    /// [x, y] per validation row, in validation order.
    pub points: Vec<[f32; 2]>,
}

/// What the map shows each dot as: the validation rows' texts and classes, sent once.
#[derive(Clone, Debug, Serialize)]
pub struct TeachingRows {
    pub texts: Vec<String>,
    /// The class index per row (multi-label: its first label, or null without any; regression:
    /// null — the dots are coloured by `values` instead).
    pub labels: Vec<Option<usize>>,
    /// Regression: the target value per row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f32>>,
    pub label_names: Vec<String>,
}

/// The trainer's teaching state.
#[derive(Default)]
pub struct TeachState {
    /// Fitted once, before the first step this trainer takes; later frames reuse it.
    pub(crate) pca: Option<Pca>,
    /// Frames not yet taken by `Trainer::take_maps`.
    pub(crate) frames: Vec<MapFrame>,
}

pub fn rows_of(texts: &[String], targets: &Targets, labels: &[String]) -> TeachingRows {
    let (labels_idx, values) = match targets {
        Targets::Classes(y) => (y.iter().map(|&c| Some(c)).collect(), None),
        Targets::Multi(y) => (y.iter().map(|r| r.iter().position(|&v| v > 0.5)).collect(), None),
        Targets::Values(v) => (vec![None; v.len()], Some(v.clone())),
    };
    TeachingRows { texts: texts.to_vec(), labels: labels_idx, values, label_names: labels.to_vec() }
}

/// The rows (pooled embeddings) on `pca`'s first two axes, as the frame after `epoch` epochs.
pub(crate) fn frame(pca: &Pca, rows: &[Vec<f32>], epoch: usize) -> MapFrame {
    let points = pca.project(rows).into_iter().map(|p| [p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0)]).collect();
    MapFrame { epoch, points }
}
