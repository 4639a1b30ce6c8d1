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

pub use activity::Activity;
pub use attention::{Attention, TokenWeight};
pub use map::{MapFrame, TeachState, TeachingRows, rows_of};
pub use mistakes::Mistake;
