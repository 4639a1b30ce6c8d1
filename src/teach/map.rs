//! The embedding map: the validation rows' pooled embeddings projected on two PCA axes, one
//! frame per epoch, and what each dot stands for. A run fits the axes once and takes a frame
//! each epoch (`train/teach.rs`: `Trainer::take_maps`).
use super::pca::Pca;
use super::{MapFrame, TeachingRows};
use crate::task::Targets;

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
