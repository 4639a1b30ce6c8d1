//! The trainer's path — frozen prefix run once, cached on the host, re-batched — must give the
//! same loss and gradients as one autodiff graph through the whole model: 1e-5 with an f32 cache;
//! with the f16 cache the trainer keeps by default, within f16's rounding (5e-3).
mod common;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;
use common::*;
use futures_lite::future::block_on;
use tabtune::classifier::Classifier;
use tabtune::model::weights::{NamedTensor, head_tensors, layer_tensors};
use tabtune::prefix::{Prefix, stack};
use tabtune::run::CacheDtype;
use tabtune::tokenize::pad;

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
    let loss_full = ce.forward(top.forward(frozen.forward(ids, mask.clone()), mask), y.clone());
    let b = read(loss_full.clone().without_autodiff())[0];
    let gb = loss_full.backward();

    let mut report = Report::new();
    for (dtype, tol) in [(CacheDtype::F32, 1e-5), (CacheDtype::F16, 5e-3)] {
        // cached: the prefix runs without autodiff, rows come back to the host and are re-stacked
        let cached = block_on(prefix.clone().valid().cache(&rows, &device, dtype)).expect("prefix runs");
        let (x, mask) = stack(&cached.iter().collect::<Vec<_>>(), model.config.hidden_size, &ad);
        let loss_cached = ce.forward(top.forward(x, mask), y.clone());
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
            };
            let (a, b) = (a.expect("cached grad"), b.expect("full grad"));
            report.check(&format!("{dtype:?} grad {name}"), max_abs_diff(&a, &b) as f64, tol);
        }
    }
    report.finish();
}
