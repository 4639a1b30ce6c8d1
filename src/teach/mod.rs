//! The teaching view's computations: what a class watching a fine-tune sees. Per-step layer
//! activity (`activity`), the validation rows on a fixed 2-D map each epoch (`map`, `pca`),
//! what the last layer looks at from [CLS] (`attention`) and the rows the model gets wrong
//! (`mistakes`). All of it is off unless `RunConfig::teaching` asks for it (it reads the
//! device more often); `attention` and `mistakes` also work on a finished model.
//! Nothing here knows the trainer: `train/teach.rs` feeds these a run's rows
//! and weights (`Trainer::attention`, `mistakes`, `take_maps`).
pub mod activity;
pub mod attention;
pub(crate) mod map;
pub mod mistakes;
pub mod pca;

use serde::Serialize;

pub use activity::Activity;
pub use attention::{Attention, TokenWeight};
pub use map::rows_of;
pub use mistakes::Mistake;

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
    pub(crate) pca: Option<pca::Pca>,
    /// Frames not yet taken by `Trainer::take_maps`.
    pub(crate) frames: Vec<MapFrame>,
}
