//! AdamW against burn's (what the trainer used, itself checked against PyTorch; they differ only
//! in where eps meets the bias correction), every optimizer resuming from a saved state onto a
//! rebuilt module exactly, and refusing a state of another structure. Parity with torch.optim
//! over whole runs is `tests/it/trajectory.rs`.
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::prelude::*;
use futures_lite::future::block_on;

use super::*;
use crate::run::{OptimizerKind, RunConfig};
use crate::text::Classifier;
use crate::text::BertConfig;
use crate::text::random::{TINY_CONFIG, random_weights};

/// A varying schedule, so a wrong lr·wd or lr placement shows.
const LRS: [f64; 5] = [1e-3, 3e-3, 5e-4, 2e-3, 1.5e-3];
const TOL: f32 = 1e-6;

fn adamw() -> Optimizer {
    Optimizer::new(Settings::of(&RunConfig::default()), Vec::new())
}

fn of(kind: OptimizerKind, momentum: f64, nesterov: bool) -> Optimizer {
    let cfg = RunConfig { optimizer: kind, momentum, nesterov, ..RunConfig::default() };
    Optimizer::new(Settings::of(&cfg), Vec::new())
}

/// The trainable top as the trainer builds it: the tiny BERT's last layer + a 3-class head,
/// dropout 0, on flex autodiff. One LayerNorm is frozen, to check that params without a
/// gradient are left alone.
fn top() -> Classifier {
    let device = Device::flex();
    let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes()).unwrap();
    let weights = random_weights(&cfg, 7).unwrap();
    let (mut encoder, _, _) = crate::text::weights::load(&weights, &cfg, &device).unwrap();
    let mut top = Classifier::new(encoder.layers.split_off(1), cfg.hidden_size, 3, 0.0, 7, &device);
    top.layers[0].attn_norm = top.layers[0].attn_norm.clone().no_grad();
    top.train()
}

/// Gradients of a cross-entropy loss on a deterministic batch that changes with `step`.
fn grads(top: &Classifier, step: usize) -> GradientsParams {
    let ad = Device::flex().autodiff();
    let (b, s, h) = (2, 5, 32);
    let x: Vec<f32> = (0..b * s * h).map(|i| ((i * 37 + step * 11) % 17) as f32 / 17.0 - 0.5).collect();
    let x = Tensor::<3>::from_data(TensorData::new(x, [b, s, h]), &ad);
    let mask = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 1., 1., 1., 1., 1., 1., 1., 0., 0.], [b, s]), &ad);
    let y = Tensor::<1, Int>::from_data(TensorData::new(vec![(step % 3) as i64, 2], [b]), &ad);
    let loss = CrossEntropyLossConfig::new().init(&ad).forward(top.forward(x, mask, None), y);
    GradientsParams::from_grads(loss.backward(), top)
}

#[derive(Default)]
struct Ids(Vec<ParamId>);
impl ModuleVisitor for Ids {
    fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
        self.0.push(p.id);
    }
}
fn ids<M: Module>(m: &M) -> Vec<ParamId> {
    let mut v = Ids::default();
    m.visit(&mut v);
    v.0
}

/// `grads` registered under the ids of `to` (same structure as `from`), once per target.
fn rekey<M: Module>(grads: &GradientsParams, from: &M, to: &[&M]) -> Vec<GradientsParams> {
    let ids_from = ids(from);
    to.iter()
        .map(|m| {
            let mut out = GradientsParams::new();
            let mut mover = Mover { grads, out: &mut out, from: &ids_from, index: 0 };
            m.visit(&mut mover);
            out
        })
        .collect()
}

struct Mover<'a> {
    grads: &'a GradientsParams,
    out: &'a mut GradientsParams,
    from: &'a [ParamId],
    index: usize,
}
impl ModuleVisitor for Mover<'_> {
    fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(self.from[self.index]) {
            self.out.register::<D>(p.id, g);
        }
        self.index += 1;
    }
}

#[derive(Default)]
struct Values(Vec<Vec<f32>>);
impl ModuleVisitor for Values {
    fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
        self.0.push(p.val().into_data().convert::<f32>().try_to_vec::<f32>().unwrap());
    }
}
fn values<M: Module>(m: &M) -> Vec<Vec<f32>> {
    let mut v = Values::default();
    m.visit(&mut v);
    v.0
}

fn max_diff(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs())).fold(0.0, f32::max)
}

/// The same weights under fresh ParamIds, as a checkpoint load builds them.
struct Rebuild(Device);
impl ModuleMapper for Rebuild {
    fn map_float<const D: usize>(&mut self, p: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let frozen = !p.is_require_grad();
        let fresh = Param::from_tensor(Tensor::from_data(p.val().into_data(), &self.0));
        if frozen { fresh.set_require_grad(false) } else { fresh }
    }
}

#[test]
fn matches_burn_adamw_over_five_steps() {
    let start = top();
    let (mut ours, mut theirs) = (start.clone(), start.clone());
    let mut opt = adamw();
    let mut reference = AdamWConfig::new().with_epsilon(1e-8).with_weight_decay(0.01).init();
    for (step, lr) in LRS.into_iter().enumerate() {
        let g = grads(&ours, step);
        let mut two = rekey(&g, &ours, &[&ours, &theirs]).into_iter();
        ours = opt.step(lr, ours, two.next().unwrap(), None).module;
        theirs = reference.step(lr, theirs, two.next().unwrap());
        let err = max_diff(&values(&ours), &values(&theirs));
        println!("step {}: max |ours − burn| = {err:.3e}", step + 1);
        assert!(err <= TOL, "step {}: {err:.3e} > {TOL:.0e}", step + 1);
    }
    assert_eq!(opt.steps(), 5);
    // The frozen LayerNorm (weight then bias) kept its values; everything else moved.
    let (before, after) = (values(&start), values(&ours));
    let frozen: Vec<bool> = before.iter().zip(&after).map(|(b, a)| b == a).collect();
    assert_eq!(frozen.iter().filter(|f| **f).count(), 2, "exactly the frozen LayerNorm's two tensors are unchanged");
    let state = block_on(opt.state()).unwrap();
    let untouched: Vec<usize> = state.slots.iter().enumerate().filter(|(_, m)| m.t == 0).map(|(i, _)| i).collect();
    let same: Vec<usize> = frozen.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i).collect();
    assert_eq!(untouched, same, "frozen parameters have no moments");
}

#[test]
fn resumes_onto_a_rebuilt_module_exactly() {
    for (kind, momentum, nesterov) in [
        (OptimizerKind::AdamW, 0.0, false),
        (OptimizerKind::Adam, 0.0, false),
        (OptimizerKind::Sgd, 0.9, true),
        (OptimizerKind::RmsProp, 0.5, false),
    ] {
        println!("{kind:?} momentum {momentum}");
        resumes_exactly(|| of(kind, momentum, nesterov));
    }
}

fn resumes_exactly(make: impl Fn() -> Optimizer) {
    // Uninterrupted: 5 steps.
    let mut whole = top();
    let mut opt = make();
    let mut grads_seen = Vec::new();
    for (step, lr) in LRS.into_iter().enumerate() {
        let g = grads(&whole, step);
        grads_seen.push(values_of_grads(&g, &whole));
        whole = opt.step(lr, whole, g, None).module;
    }

    // Interrupted after 3: save, rebuild from the weights, restore, 2 more with the same grads.
    let mut first = top();
    let mut opt = make();
    for (step, lr) in LRS.into_iter().enumerate().take(3) {
        let g = grads(&first, step);
        first = opt.step(lr, first, g, None).module;
    }
    let state = block_on(opt.state()).unwrap();
    assert_eq!(state.t, 3);
    let mut second = first.clone().map(&mut Rebuild(Device::flex())).train();
    let (a, b) = (ids(&first), ids(&second));
    assert!(a.iter().all(|id| !b.contains(id)), "the rebuilt module has fresh ParamIds");
    let mut opt = make().with_state(state, &second).unwrap();
    for (step, lr) in LRS.into_iter().enumerate().skip(3) {
        let g = grads(&second, step);
        assert_eq!(values_of_grads(&g, &second), grads_seen[step], "step {}: same gradients", step + 1);
        second = opt.step(lr, second, g, None).module;
    }
    assert_eq!(opt.steps(), 5);
    let err = max_diff(&values(&whole), &values(&second));
    println!("resumed vs uninterrupted after 5 steps: max diff {err:.3e}");
    assert!(err <= TOL, "{err:.3e} > {TOL:.0e}");
}

/// The gradients in traversal order (empty where a parameter has none).
fn values_of_grads<M: Module>(g: &GradientsParams, m: &M) -> Vec<Vec<f32>> {
    struct V<'a>(&'a GradientsParams, Vec<Vec<f32>>);
    impl ModuleVisitor for V<'_> {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            let g = self.0.get::<D>(p.id);
            self.1.push(g.map(|g| g.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()).unwrap_or_default());
        }
    }
    let mut v = V(g, Vec::new());
    m.visit(&mut v);
    v.1
}

#[test]
fn refuses_a_state_of_another_structure() {
    let mut module = top();
    let mut opt = adamw();
    module = opt.step(1e-3, module.clone(), grads(&module, 0), None).module;
    let good = block_on(opt.state()).unwrap();
    assert!(adamw().with_state(good.clone(), &module).is_ok());

    let expect_err = |state: OptimState, what: &str| {
        let Err(e) = adamw().with_state(state, &module) else { panic!("{what}: accepted") };
        let msg = e.to_string();
        assert!(msg.contains("does not match this model"), "{what}: {msg}");
        println!("{what}: {msg}");
    };
    let mut fewer = good.clone();
    fewer.slots.pop();
    expect_err(fewer, "one parameter missing");

    let mut reshaped = good.clone();
    let last = reshaped.slots.last_mut().unwrap();
    last.shape = vec![4];
    last.buffers.iter_mut().for_each(|b| b.push(0.0));
    expect_err(reshaped, "wrong shape");

    let mut short = good.clone();
    short.slots[0].buffers[0].pop();
    expect_err(short, "too few values");

    // A head for 2 classes instead of 3.
    let device = Device::flex();
    let cfg = BertConfig::from_json(TINY_CONFIG.as_bytes()).unwrap();
    let (mut encoder, _, _) = crate::text::weights::load(&random_weights(&cfg, 7).unwrap(), &cfg, &device).unwrap();
    let other = Classifier::new(encoder.layers.split_off(1), cfg.hidden_size, 2, 0.0, 7, &device).train();
    assert!(adamw().with_state(good, &other).is_err());

    // Saved before any step: fits any module.
    let empty = block_on(adamw().state()).unwrap();
    assert!(adamw().with_state(empty, &other).is_ok());
}
