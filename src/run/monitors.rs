//! The validation metrics early stopping can watch, and which exist for each task.
use crate::task::Task;

/// Validation metrics early stopping can watch, and whether lower is better.
pub const MONITORS: &[(&str, bool)] = &[
    ("val_loss", true),
    ("val_acc", false),
    ("val_macro_f1", false),
    ("val_micro_f1", false),
    ("val_subset_acc", false),
    ("val_mse", true),
    ("val_mae", true),
    ("val_r2", false),
    ("val_pearson", false),
];

/// The monitors that exist for a task.
pub fn monitors_for(task: Task) -> &'static [&'static str] {
    match task {
        Task::Classification => &["val_loss", "val_acc", "val_macro_f1"],
        Task::MultiLabel => &["val_loss", "val_micro_f1", "val_macro_f1", "val_subset_acc"],
        Task::Regression => &["val_loss", "val_mse", "val_mae", "val_r2", "val_pearson"],
    }
}
