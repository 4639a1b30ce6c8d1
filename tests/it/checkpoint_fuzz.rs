//! Damaged checkpoints (a saved run's bytes from IndexedDB, a file on disk): reading, applying
//! and resuming one gives a value or an error with a message, never a panic (a panic in the tab
//! is a trap that ends the worker). The inputs are a real tiny run's checkpoints with bytes
//! changed anywhere, cut short, or with their run information rewritten to values no run writes
//! (layers past the model, steps past the end, labels and optimizer slots that do not fit).
use std::sync::OnceLock;

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use proptest::prelude::*;
use safetensors::SafeTensors;
use tabtune::data::Dataset;
use tabtune::run::CacheDtype;
use tabtune::{Model, RunConfig, Trainer, checkpoint};

struct Saved {
    base: Model,
    data: Dataset,
    /// A run stopped at step 3 (with its optimizer state) and the same run finished.
    stopped: Vec<u8>,
    finished: Vec<u8>,
}

fn saved() -> &'static Saved {
    static SAVED: OnceLock<Saved> = OnceLock::new();
    SAVED.get_or_init(|| {
        let _turn = serial();
        let device = Device::flex();
        let base = Files::tiny(4).load(&device);
        let data = toy(40);
        let cfg = RunConfig { layers: 1, epochs: 2, batch_size: 8, max_len: 16, val_split: 0.25, cache_dtype: CacheDtype::F32, early_stopping: Some("val_loss".into()), ..Default::default() };
        let mut t = Trainer::new(base.clone(), &data, cfg, &device).expect("trainer");
        drive(&mut t, Some(3));
        let stopped = block_on(t.checkpoint(true)).expect("checkpoint");
        drive(&mut t, None);
        let finished = block_on(t.checkpoint(false)).expect("checkpoint");
        Saved { base, data, stopped, finished }
    })
}

/// Every way the page and the CLI read a checkpoint; each must answer without a panic.
fn read_every_way(bytes: &[u8]) {
    let s = saved();
    let _turn = serial();
    let device = Device::flex();
    let _ = checkpoint::info(bytes);
    let _ = checkpoint::apply(s.base.clone(), bytes, &device);
    if let Ok(mut t) = Trainer::resume(s.base.clone(), &s.data, bytes, &device) {
        // a resumed run steps on (or says why not)
        while block_on(t.prepare()).is_ok_and(|p| p.is_some()) {}
        if !t.is_done() {
            let _ = block_on(t.step());
        }
    }
}

/// The checkpoint with its run information (JSON in the safetensors metadata) changed by `edit`.
fn rewritten(bytes: &[u8], edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let st = SafeTensors::deserialize(bytes).expect("a checkpoint");
    let (_, meta) = SafeTensors::read_metadata(bytes).expect("metadata");
    let mut metadata = meta.metadata().clone().expect("run information");
    let key = metadata.keys().next().expect("one key").clone();
    let mut info: serde_json::Value = serde_json::from_str(&metadata[&key]).expect("json");
    edit(&mut info);
    metadata.insert(key, info.to_string());
    safetensors::serialize(st.tensors(), Some(metadata)).expect("serializes")
}

/// Values no run writes, for the numbers a reader does arithmetic with.
fn odd_number() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..8, 8u64..100, Just(u32::MAX as u64), Just(u64::MAX)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_checkpoint_with_changed_bytes_never_panics(finished in any::<bool>(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let s = saved();
        let mut bytes = if finished { s.finished.clone() } else { s.stopped.clone() };
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        read_every_way(&bytes);
    }

    #[test]
    fn a_checkpoint_cut_short_never_panics(finished in any::<bool>(), keep in any::<prop::sample::Index>()) {
        let s = saved();
        let bytes = if finished { &s.finished } else { &s.stopped };
        read_every_way(&bytes[..keep.index(bytes.len())]);
    }

    #[test]
    fn run_information_no_run_writes_never_panics(
        finished in any::<bool>(),
        field in prop::sample::select(vec!["layers", "step", "total_steps", "epoch_steps", "optim_steps", "bad_epochs", "epochs_cfg", "labels", "slots", "best", "batch_size", "max_len"]),
        n in odd_number(),
    ) {
        let s = saved();
        let bytes = rewritten(if finished { &s.finished } else { &s.stopped }, |info| match field {
            "layers" | "epochs_cfg" | "batch_size" | "max_len" => {
                let key = if field == "epochs_cfg" { "epochs" } else { field };
                info["config"][key] = n.into();
            }
            "labels" => info["labels"] = serde_json::json!((0..n.min(5)).map(|i| format!("c{i}")).collect::<Vec<_>>()),
            "slots" => info["slots"] = serde_json::json!([[[n.min(1 << 20), 3], n]]),
            "best" => info["best"] = serde_json::json!([n, 0.5]),
            _ => info[field] = n.into(),
        });
        read_every_way(&bytes);
    }
}
