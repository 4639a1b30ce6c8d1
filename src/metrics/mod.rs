//! How good a model is on labelled rows: per-class precision / recall / F1, accuracy, macro-F1
//! and the confusion matrix (`classes.rs`), and each task's metrics (`tasks.rs`).
mod classes;
mod tasks;
pub use classes::{ClassMetrics, Metrics};
pub use tasks::{MultiLabelMetrics, RegressionMetrics, TaskMetrics, multi_label, regression};
