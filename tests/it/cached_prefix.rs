//! The trainer's path — frozen prefix run once, cached on the host, re-batched — must give the
//! same loss and gradients as one autodiff graph through the whole model: 1e-5 with an f32 cache;
//! with the f16 cache the trainer keeps by default, within f16's rounding (5e-3).

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use crate::common::*;
use futures_lite::future::block_on;
use tabtune::text::Classifier;
use tabtune::text::weights::{NamedTensor, head_tensors, layer_tensors};
use tabtune::prefix::{Prefix, stack};
use tabtune::run::CacheDtype;
use tabtune::text::tokenize::pad;

#[test]
fn cached_prefix_equals_full_model() {
    let device = Device::flex();
    let ad = device.clone().autodiff();
    let mut model = Files::minilm().without_dropout().load(&device);
    let texts = ["a gripping, beautifully acted story", "dull", "i would happily watch it again and again, twice", "no"];
    let enc = model.tokenizer.encode(&texts, 128).expect("encodes");
    let rows: Vec<&[u32]> = enc.iter().map(|e| &e.ids[..]).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(vec![1i64, 0, 1, 0], [4]), &ad);
    let top_layers = model.encoder.layers.split_off(4);
    let prefix = Prefix { embeddings: model.encoder.embeddings.clone(), layers: model.encoder.layers.clone() };
    let top = Classifier::new(top_layers, model.config.hidden_size, 2, 0.0, 7, &device).train();
    let ce = CrossEntropyLossConfig::new().init(&ad);

    // full: one autodiff graph from token ids, the prefix frozen
    let p = pad(&rows);
    let ids = Tensor::<2, Int>::from_data(TensorData::new(p.ids, [p.rows, p.len]), &ad);
    let mask = Tensor::<2>::from_data(TensorData::new(p.mask, [p.rows, p.len]), &ad);
    let frozen = prefix.clone().no_grad().train();
    let loss_full = ce.forward(top.forward(frozen.forward(ids, mask.clone()), mask, None), y.clone());
    let b = read(loss_full.clone().without_autodiff())[0];
    let gb = loss_full.backward();

    let mut report = Report::new();
    for (dtype, tol) in [(CacheDtype::F32, 1e-5), (CacheDtype::F16, 5e-3)] {
        // cached: the prefix runs without autodiff, rows come back to the host and are re-stacked
        let cached = block_on(prefix.clone().valid().cache(&rows, &device, dtype)).expect("prefix runs");
        let (x, mask) = stack(&cached.iter().collect::<Vec<_>>(), model.config.hidden_size, &ad);
        let loss_cached = ce.forward(top.forward(x, mask, None), y.clone());
        let a = read(loss_cached.clone().without_autodiff())[0];
        report.check(&format!("{dtype:?} loss"), (a - b).abs() as f64, tol);
        let ga = loss_cached.backward();
        let mut named = layer_tensors(4, &top.layers[0]);
        named.extend(layer_tensors(5, &top.layers[1]));
        named.extend(head_tensors(&top.head));
        for (name, t) in named {
            let (a, b) = match t {
                NamedTensor::LinearWeight(w) | NamedTensor::Matrix(w) => (w.grad(&ga).map(read), w.grad(&gb).map(read)),
                NamedTensor::Vector(v) => (v.grad(&ga).map(read), v.grad(&gb).map(read)),
                NamedTensor::Conv(_) => panic!("{name}: a text model has no convolutions"),
            };
            let (a, b) = (a.expect("cached grad"), b.expect("full grad"));
            report.check(&format!("{dtype:?} grad {name}"), max_abs_diff(&a, &b) as f64, tol);
        }
    }
    report.finish();
}

/// The prefix pool's path: a prefix rebuilt from its files (as a pool worker loads it) runs the
/// chunks, in any order, and its rows moved as bytes give the very cache the trainer's own pass
/// gives; a chunk that does not fit the run is refused.
#[test]
fn chunks_run_by_another_worker_give_the_same_cache() {
    use tabtune::data::{self, DataOptions};
    use tabtune::prefix::{from_files, rows_from_bytes, rows_to_bytes};
    use tabtune::{RunConfig, Trainer};
    let device = Device::flex();
    let mut csv = String::from("text,label\n");
    for i in 0..40 {
        csv += &format!("{} film number {i} {},{}\n", ["a fine", "an awful"][i % 2], "and more ".repeat(i % 5), ["pos", "neg"][i % 2]);
    }
    let data = data::load(csv.as_bytes(), &DataOptions::default()).expect("toy data");
    let cfg = RunConfig { layers: 1, max_len: 24, batch_size: 8, val_split: 0.25, ..RunConfig::default() };
    let model = Files::tiny(3).load(&device);
    let new = || Trainer::new(model.clone(), &data, cfg.clone(), &device).expect("trainer");

    let mut here = new();
    while block_on(here.prepare()).expect("prefix runs").is_some() {}
    let mut pooled = new();
    assert_eq!(pooled.prefix_chunks(), 2, "40 rows in chunks of 32");
    let (config, weights) = block_on(pooled.prefix_files()).expect("prefix files");
    let runner = from_files(&config, &weights, &device).expect("a pool worker loads the prefix");
    for j in (0..pooled.prefix_chunks()).rev() {
        let rows: Vec<Vec<u32>> = pooled.chunk_rows(j).iter().map(|r| r.to_vec()).collect();
        let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
        let bytes = rows_to_bytes(&block_on(runner.cache(&refs, &device, CacheDtype::F16)).expect("pool prefix runs"));
        let lens: Vec<usize> = rows.iter().map(Vec::len).collect();
        let back = rows_from_bytes(&bytes, &lens, model.config.hidden_size, CacheDtype::F16).expect("bytes back");
        assert!(!pooled.is_prepared());
        pooled.put_chunk(j, back).expect("the chunk fits");
    }
    assert!(pooled.is_prepared());
    assert_eq!(pooled.cache_digest(), here.cache_digest(), "the pool's cache differs from the trainer's own");

    // the same chunk twice, and another chunk's rows, are refused
    let rows: Vec<Vec<u32>> = pooled.chunk_rows(1).iter().map(|r| r.to_vec()).collect();
    let refs: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
    let again = block_on(runner.cache(&refs, &device, CacheDtype::F16)).expect("runs");
    assert!(pooled.put_chunk(1, again.clone()).is_err());
    let mut fresh = new();
    assert!(fresh.put_chunk(0, again).is_err(), "chunk 1's rows put as chunk 0");
    assert!(rows_from_bytes(&[0u8; 3], &[1], model.config.hidden_size, CacheDtype::F16).is_err());
}
