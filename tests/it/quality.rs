//! Recipe R on SST-2: 1,000 stratified rows of ../shared/data/sst2/train.tsv (seed 0), top-2
//! layers, AdamW lr 1e-4 wd 0.01, 10% warm-up + linear decay, batch 32, max_len 128,
//! dropout 0.1, 3 epochs; scored on dev.tsv. PyTorch reaches 0.786; we must reach 0.77.

use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::kind::{AnyModel, DataRef};
use tabtune::data::{self, DataOptions, stratified_sample};
use tabtune::{RunConfig, Trainer, infer};

#[test]
fn recipe_r_reaches_077_on_sst2_dev() {
    let _turn = serial();
    let device = Device::flex();
    let read_tsv = |name: &str| {
        let bytes = std::fs::read(shared().join("data/sst2").join(name)).expect("shared SST-2 data");
        data::load(&bytes, &DataOptions { format: Some(data::Format::Tsv), ..Default::default() }).expect("SST-2 parses")
    };
    let mut train = read_tsv("train.tsv");
    let dev = read_tsv("dev.tsv");
    train.examples = stratified_sample(&train.examples, 1000, 0);
    assert_eq!(train.examples.len(), 1000);

    let cfg = RunConfig { layers: 2, epochs: 3, lr: 1e-4, batch_size: 32, max_len: 128, val_split: 0.0, seed: 0, ..Default::default() };
    let started = std::time::Instant::now();
    let mut trainer = Trainer::new(Files::minilm().load(&device), &train, cfg, &device).expect("trainer");
    while block_on(trainer.prepare()).expect("prefix").is_some() {}
    let mut first_loss = None;
    while !trainer.is_done() {
        let s = block_on(trainer.step()).expect("step");
        first_loss = first_loss.or(s.loss);
        if let Some(e) = s.epoch_end {
            println!("{}", serde_json::to_string(&e).expect("json"));
        }
    }
    let model = block_on(trainer.into_model()).and_then(AnyModel::into_text).expect("model");
    let m = match block_on(infer::evaluate(&AnyModel::Text(model.clone()), DataRef::Text(&dev), Some(128), &device)).expect("evaluates") {
        tabtune::metrics::TaskMetrics::Classification(m) => m,
        other => panic!("SST-2 is a classification task, got {other:?}"),
    };
    println!("SST-2 dev: acc {:.4} macro-F1 {:.4} (n {}) in {:.0} s; PyTorch anchor 0.7856", m.acc, m.macro_f1, m.n, started.elapsed().as_secs_f64());
    assert_eq!(m.n, 872);
    assert!(m.acc >= 0.77, "accuracy {:.4} is below 0.77", m.acc);
}
