//! EfficientNet-Lite0 on burn's flex backend against PyTorch
//! (../shared/reference/efficientnet_lite0_reference.json, ../shared/bench/make_image_reference.py):
//! the forward on a decoded photo and on a synthetic input, one training step of the top blocks,
//! and the cached (frozen bottom run once) path against the full forward.

use burn::module::{Module, Param};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::{Linear, LinearConfig};
use burn::optim::GradientsParams;
use burn::prelude::*;
use crate::common::{Report, floats, grace_hopper, image_reference, lite0, max_abs_diff, read};
use serde_json::Value;
use tabtune::RunConfig;
use tabtune::optim::{Optimizer, Settings};
use tabtune::run::OptimizerKind;
use tabtune::tensors::NamedTensor;
use tabtune::image::weights::block_tensors;
use tabtune::image::{ImageModel, ImageTop};

fn image(v: Vec<f32>, b: usize, s: usize, device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(v, [b, 3, s, s]), device)
}

/// `file` (in models/samples) decoded by the `image` crate and preprocessed as the model's
/// config says (shorter side 256 with Pillow's bicubic, centre crop 224).
fn grace_hopper_input(model: &ImageModel, file: &str) -> Vec<f32> {
    let rgb = image::open(grace_hopper().with_file_name(file)).expect("sample image decodes").to_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    model.eval_input(rgb.as_raw(), w, h)
}

/// Logits (max-abs) and every block mean (max-abs) against one reference image.
fn check_forward(report: &mut Report, what: &str, model: &ImageModel, x: Tensor<4>, want: &Value, logits_tol: f64, means_tol: f64) -> Vec<f32> {
    let logits = read(model.net.forward(x.clone()));
    report.check(&format!("{what}: logits (max-abs)"), max_abs_diff(&logits, &floats(&want["logits"])) as f64, logits_tol);
    let means = model.net.block_means(x);
    let want_means = want["block_means"].as_array().expect("block_means");
    assert_eq!(means.len(), want_means.len(), "16 blocks");
    let worst = means
        .into_iter()
        .zip(want_means)
        .map(|(m, w)| max_abs_diff(&read(m), &floats(w)))
        .fold(0.0, f32::max);
    report.check(&format!("{what}: every block_means (max-abs)"), worst as f64, means_tol);
    logits
}

fn top5(logits: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&i, &j| logits[j].total_cmp(&logits[i]));
    order.truncate(5);
    order
}

fn reference_top5(want: &Value) -> Vec<usize> {
    want["top5"].as_array().expect("top5").iter().map(|p| p[0].as_u64().expect("class") as usize).collect()
}

/// The strict check: grace_hopper.jpg's pixels exactly as the reference decoded them
/// (Pillow → libjpeg-turbo; fetch-model stores them losslessly as grace_hopper.libjpeg.png),
/// then our resize (Pillow's bicubic, reproduced bit for bit), crop, normalisation and network.
#[test]
fn grace_hopper_matches_pytorch() {
    let device = Device::flex();
    let model = lite0(&device);
    let want = &image_reference()["images"][0];
    let input = grace_hopper_input(&model, "grace_hopper.libjpeg.png");
    let mut report = Report::new();
    // The reference gives only these two of its input: a resize off by one level in one pixel
    // moves the sum by ~0.017, so 1e-2 means every pixel agrees.
    let sum: f64 = input.iter().map(|v| *v as f64).sum();
    report.check("input sum (absolute, over 150528 values)", (sum - want["input_sum"].as_f64().expect("input_sum")).abs(), 1e-2);
    let corner: Vec<f32> = (0..3).flat_map(|y| input[y * 224..y * 224 + 3].to_vec()).collect();
    report.check("input corner 3x3 channel 0 (max-abs)", max_abs_diff(&corner, &floats(&want["input_corner_3x3_channel0"])) as f64, 1e-5);
    let logits = check_forward(&mut report, "grace_hopper", &model, image(input, 1, 224, &device), want, 1e-3, 1e-4);
    let (got, want_top) = (top5(&logits), reference_top5(want));
    println!("top-5 {got:?} (reference {want_top:?})");
    report.check("grace_hopper: top-5 order (0 = same)", (got != want_top) as u8 as f64, 0.0);
    report.finish();
}

/// The CLI's path: the JPEG decoded by the `image` crate (zune-jpeg), which rounds chroma
/// upsampling and colour conversion differently from libjpeg-turbo (here 11% of the values
/// differ, by up to 4 levels, brighter on average). Measured: input sum off by 213, logits by
/// 0.114 max-abs, classes 652 and 667 (0.237 / 0.230 in the reference) swap. The bounds say
/// that much and no more: the same five classes, the reference's top class within our top 2.
#[test]
fn grace_hopper_through_the_image_crate_decoder() {
    let device = Device::flex();
    let model = lite0(&device);
    let want = &image_reference()["images"][0];
    let input = grace_hopper_input(&model, "grace_hopper.jpg");
    let mut report = Report::new();
    let sum: f64 = input.iter().map(|v| *v as f64).sum();
    report.check("zune-jpeg decode: input sum (absolute)", (sum - want["input_sum"].as_f64().expect("input_sum")).abs(), 300.0);
    let logits = read(model.net.forward(image(input, 1, 224, &device)));
    report.check("zune-jpeg decode: logits (max-abs)", max_abs_diff(&logits, &floats(&want["logits"])) as f64, 0.2);
    let (mut got, mut want_top) = (top5(&logits), reference_top5(want));
    report.check("zune-jpeg decode: reference top-1 in our top-2 (0 = yes)", (!got[..2].contains(&want_top[0])) as u8 as f64, 0.0);
    got.sort();
    want_top.sort();
    report.check("zune-jpeg decode: same top-5 classes (0 = yes)", (got != want_top) as u8 as f64, 0.0);
    report.finish();
}

/// ch0 = sin(x/7)+cos(y/5), ch1 = sin((x+y)/9), ch2 = cos(x/3 − y/11); x = column, y = row.
fn synthetic() -> Vec<f32> {
    let mut v = vec![0f32; 3 * 64 * 64];
    for y in 0..64 {
        for x in 0..64 {
            let (xf, yf) = (x as f32, y as f32);
            v[y * 64 + x] = (xf / 7.0).sin() + (yf / 5.0).cos();
            v[64 * 64 + y * 64 + x] = ((xf + yf) / 9.0).sin();
            v[2 * 64 * 64 + y * 64 + x] = (xf / 3.0 - yf / 11.0).cos();
        }
    }
    v
}

#[test]
fn synthetic_input_matches_pytorch() {
    let device = Device::flex();
    let model = lite0(&device);
    let want = &image_reference()["images"][1];
    let mut report = Report::new();
    check_forward(&mut report, "synthetic 64x64", &model, image(synthetic(), 1, 64, &device), want, 1e-3, 1e-4);
    report.finish();
}

/// The trainable tensors of `top` (blocks 12..16, head conv + BN, the new head) under the
/// reference's names: BN running statistics are constants, not parameters.
fn trainable(top: &ImageTop, first: usize) -> Vec<(String, NamedTensor)> {
    let mut named: Vec<(String, NamedTensor)> = top.blocks.iter().enumerate().flat_map(|(j, b)| block_tensors(first + j, b)).collect();
    named.push(("_conv_head.weight".into(), NamedTensor::Conv(top.head.weight.val())));
    named.push(("_bn1.weight".into(), NamedTensor::Vector(top.head.gamma.val())));
    named.push(("_bn1.bias".into(), NamedTensor::Vector(top.head.beta.val())));
    named.push(("head.weight".into(), NamedTensor::LinearWeight(top.fc.weight.val())));
    named.push(("head.bias".into(), NamedTensor::Vector(top.fc.bias.as_ref().expect("bias").val())));
    named.retain(|(n, _)| !n.ends_with("running_mean") && !n.ends_with("running_var"));
    named
}

#[test]
fn train_step_matches_pytorch() {
    let device = Device::flex();
    let model = lite0(&device);
    let step = &image_reference()["train_step"];
    let (frozen, mut top) = model.net.split(4);
    let (b, classes, h) = (4, 3, 1280);
    let w = tabtune::text::weights::transpose(&floats(&step["head_init_weight"]), classes, h);
    let mut head: Linear = LinearConfig::new(h, classes).init(&device);
    head.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w, [h, classes]), &device));
    head.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(floats(&step["head_init_bias"]), [classes]), &device)));
    top.fc = head;
    let mut top = top.train();

    let features = frozen.forward(image(floats(&step["inputs"]), b, 64, &device));
    let labels: Vec<i64> = step["labels"].as_array().expect("labels").iter().map(|l| l.as_i64().expect("label")).collect();
    let ad = device.clone().autodiff();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [b]), &ad);
    let loss_of = |top: &ImageTop| CrossEntropyLossConfig::new().init(&ad).forward(top.forward(features.clone().autodiff()), y.clone());

    let mut report = Report::new();
    let loss = loss_of(&top);
    let got = read(loss.clone().without_autodiff())[0] as f64;
    let want = step["loss"].as_f64().expect("loss");
    report.check("loss (relative)", ((got - want) / want).abs(), 1e-4);

    let grads = loss.backward();
    let named = trainable(&top, 12);
    let norms = step["grad_norms"].as_object().expect("grad_norms");
    assert_eq!(named.len(), norms.len(), "one gradient per trainable PyTorch parameter");
    let mut worst: (f64, String) = (0.0, String::new());
    for (name, t) in &named {
        let g = match t {
            NamedTensor::Conv(w) => read(w.grad(&grads).unwrap_or_else(|| panic!("no gradient for {name}"))),
            NamedTensor::Vector(v) => read(v.grad(&grads).unwrap_or_else(|| panic!("no gradient for {name}"))),
            NamedTensor::LinearWeight(w) | NamedTensor::Matrix(w) => read(w.grad(&grads).unwrap_or_else(|| panic!("no gradient for {name}"))),
        };
        let norm = g.iter().map(|v| (*v as f64).powi(2)).sum::<f64>().sqrt();
        let want = norms[name.as_str()].as_f64().unwrap_or_else(|| panic!("reference has no {name}"));
        let rel = ((norm - want) / want).abs();
        if rel > worst.0 {
            worst = (rel, name.clone());
        }
        report.check(&format!("grad norm {name} (relative)"), rel, 1e-3);
    }
    println!("largest grad-norm error: {:.3e} ({})", worst.0, worst.1);

    let settings = RunConfig { optimizer: OptimizerKind::AdamW, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, ..RunConfig::default() };
    let mut optim = Optimizer::new(Settings::of(&settings), Vec::new());
    top = optim.step(1e-3, top.clone(), GradientsParams::from_grads(grads, &top), None).module;
    let after = read(loss_of(&top).without_autodiff())[0] as f64;
    let want = step["loss_after_one_adamw_step"].as_f64().expect("loss after");
    report.check("loss after one AdamW step (relative)", ((after - want) / want).abs(), 1e-3);
    report.finish();
}

#[test]
fn cached_path_equals_full_forward() {
    let device = Device::flex();
    let model = lite0(&device);
    let x = image(grace_hopper_input(&model, "grace_hopper.libjpeg.png"), 1, 224, &device);
    let full = read(model.net.forward(x.clone()));
    let mut report = Report::new();
    for k in [0, 2, 4, 16] {
        let (frozen, top) = model.net.clone().split(k);
        let features = frozen.forward(x.clone());
        let [_, c, fh, fw] = features.dims();
        assert_eq!([c, fh, fw], frozen.out_shape(224), "out_shape agrees with the features");
        report.check(&format!("top {k} blocks: cached == full logits (max-abs)"), max_abs_diff(&read(top.forward(features.clone())), &full) as f64, 1e-5);
        // the cache holds f16: the logits move by the rounding of the features (2^-11 relative);
        // measured 4e-4 to 4e-3 on this photo (logits up to ~10), bounded at 1e-2
        let half: Vec<f32> = read(features).iter().map(|v| half::f16::from_f32(*v).to_f32()).collect();
        let through = read(top.forward(Tensor::from_data(TensorData::new(half, [1, c, fh, fw]), &device)));
        report.check(&format!("top {k} blocks: f16 cache vs full logits (max-abs)"), max_abs_diff(&through, &full) as f64, 1e-2);
    }
    report.finish();
}

/// A weights file that does not fit: the error names each bad tensor.
#[test]
fn bad_weights_name_the_tensor() {
    let dir = crate::common::lite0_dir();
    let config = std::fs::read(dir.join("config.json")).expect("config");
    let bytes = std::fs::read(dir.join("model.safetensors")).expect("weights");
    let st = safetensors::SafeTensors::deserialize(&bytes).expect("safetensors");
    let mut named = Vec::new();
    for (name, view) in st.tensors() {
        let values: Vec<f32> = view.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        match name.as_str() {
            "_blocks.3._bn1.running_var" => {}
            "_fc.bias" => named.push((name, vec![values.len() - 1], values[1..].to_vec())),
            _ => named.push((name, view.shape().to_vec(), values)),
        }
    }
    named.push(("_blocks.16._bn0.weight".into(), vec![2], vec![0.0, 0.0]));
    let broken = tabtune::export::to_safetensors(named, Default::default()).expect("writes");
    let err = ImageModel::from_files(&config, &broken, &Device::flex()).err().expect("refused").to_string();
    for needle in ["missing tensor '_blocks.3._bn1.running_var'", "tensor '_fc.bias' has shape [999]", "unexpected tensor '_blocks.16._bn0.weight'"] {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    let not_safetensors = ImageModel::from_files(&config, b"not a safetensors file", &Device::flex()).err().expect("refused");
    assert!(not_safetensors.to_string().contains("not valid safetensors"), "{not_safetensors}");
}

/// `tabtune classify-image` on the photo: one JSON line with the top 5 as [index, label, prob].
#[test]
fn classify_image_prints_top5() {
    let model = crate::common::lite0_dir();
    let (ok, out, err) = crate::common::tabtune(&["classify-image", "--model", model.to_str().expect("path"), "--input", grace_hopper().to_str().expect("path")]);
    assert!(ok, "classify-image failed: {err}");
    let v: Value = serde_json::from_str(out.trim()).expect("one JSON line");
    let top5 = v["top5"].as_array().expect("top5");
    assert_eq!(top5.len(), 5);
    let classes: Vec<u64> = top5.iter().map(|e| e[0].as_u64().expect("index")).collect();
    assert!(classes[..2].contains(&652) && classes.contains(&400), "{out}");
    assert!(top5.iter().any(|e| e[1] == "military uniform"), "labels from config.json: {out}");
    let (ok, _, err) = crate::common::tabtune(&["classify-image", "--model", model.to_str().expect("path"), "--input", model.join("config.json").to_str().expect("path")]);
    assert!(!ok && err.contains("config.json: not an image"), "{err}");
}
