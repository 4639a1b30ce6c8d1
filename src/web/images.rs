//! The image side of a `Session`: the image base model (EfficientNet-Lite0 from its two files),
//! the model an image run trained, the page's images (from the worker's image store, already
//! square at the run's size) and predicting one frame at a time for the live webcam view.
use js_sys::{Object, Promise, Reflect, Uint8Array};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{core, fail, js};
use super::session::{Session, State, run_start};
use crate::data::images::{DecodedImage, ImageDataset, ImageExample};
use crate::run::{Init, RunConfig};
use crate::train::image_model_files;
use crate::vision::ImageModel;
use crate::{Trainer, checkpoint, export, infer};

#[derive(Default)]
pub(super) struct ImageSide {
    /// The model as loaded (ImageNet's): every `init: pretrained` image run starts from it.
    pub base: Option<ImageModel>,
    /// What the last image run trained.
    pub tuned: Option<ImageModel>,
    /// What the last image run started from (its checkpoints name it).
    pub started_from: Option<ImageModel>,
    pub data: Option<ImageDataset>,
}

impl ImageSide {
    /// What the page may show: never what it assumed.
    pub fn summary(&self) -> serde_json::Value {
        json!({
            "base": self.base.as_ref().map(|b| json!({ "fingerprint": b.fingerprint, "blocks": b.net.blocks.len() })),
            "model": self.tuned.as_ref().map(|m| json!({ "labels": m.config.labels, "fingerprint": m.fingerprint, "image_size": m.config.image_size })),
            "images": self.data.as_ref().map_or(0, |d| d.examples.len()),
        })
    }

    fn tuned(&self) -> Result<&ImageModel, JsValue> {
        self.tuned.as_ref().ok_or_else(|| match &self.base {
            Some(_) => fail("no fine-tuned image model yet: train one first"),
            None => fail("no image model loaded: switch to Images (or call loadImageModel) first"),
        })
    }
}

/// An image run on the loaded image model and the page's images.
pub(super) fn start_images(s: &mut State, cfg: RunConfig) -> Result<Trainer, JsValue> {
    let side = &s.images;
    let data = side.data.as_ref().ok_or_else(|| fail("no images yet: add a folder, files, a zip or webcam frames to two classes or more"))?;
    let model = match (cfg.init, &side.tuned) {
        (Init::Continue, Some(tuned)) => tuned.clone(),
        _ => side.base.clone().ok_or_else(|| fail("no image model loaded: switch to Images (or call loadImageModel) first"))?,
    };
    let trainer = core(Trainer::for_images(model.clone(), data, cfg, &s.device()?))?;
    s.images.started_from = Some(model);
    Ok(trainer)
}

/// An image run continued from its checkpoint, on the image model it started from (the loaded
/// one, the fine-tuned one, or what the last run started from) and the same images.
pub(super) fn resume_images(s: &mut State, bytes: &[u8]) -> Result<Trainer, JsValue> {
    let info = core(checkpoint::info(bytes))?;
    let side = &s.images;
    let data = side.data.as_ref().ok_or_else(|| fail("no images yet: add the images the run trained on, then resume"))?;
    let model = run_start([&side.base, &side.tuned, &side.started_from], |m| &m.fingerprint, &info.base, "image model")?;
    let trainer = core(Trainer::resume_images(model.clone(), data, bytes, &s.device()?))?;
    s.images.started_from = Some(model);
    Ok(trainer)
}

/// A finished image run's checkpoint applied to the loaded image model: the fine-tuned model.
pub(super) fn load_trained_image(s: &mut State, bytes: &[u8]) -> Result<(), JsValue> {
    let base = s.images.base.clone().ok_or_else(|| fail("no image model loaded: switch to Images (or call loadImageModel) first"))?;
    s.images.tuned = Some(core(checkpoint::apply_image(base, bytes, &s.device()?))?);
    Ok(())
}

#[wasm_bindgen]
impl Session {
    /// Loads an image model from `config.json` and `model.safetensors`; it becomes the base every
    /// image run starts from. Returns { blocks, image_size, labels (how many), fingerprint }.
    pub fn load_image_model(&self, config: &[u8], weights: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("loading another image model")?;
        let model = core(ImageModel::from_files(config, weights, &s.device()?))?;
        let info = json!({
            "blocks": model.net.blocks.len(),
            "image_size": model.config.image_size,
            "classes": model.config.labels.len(),
            "fingerprint": model.fingerprint,
        });
        s.images = ImageSide { base: Some(model), data: s.images.data.take(), ..ImageSide::default() };
        js(&info)
    }

    /// The page's images: `labels[i]` indexes `classes`, image i is `rgb`'s i-th `size`² RGB8
    /// square. Replaces the previous set. Returns { images, classes: { name: count } }.
    pub fn set_images(&self, classes: Vec<String>, names: Vec<String>, labels: Vec<u32>, size: u32, rgb: &[u8]) -> Result<JsValue, JsValue> {
        let mut s = self.state.borrow_mut();
        s.idle("changing the images")?;
        let size = size as usize;
        let one = size * size * 3;
        if names.len() != labels.len() || rgb.len() != one * labels.len() {
            return Err(fail(format!(
                "set_images: {} names, {} labels and {} bytes do not describe the same images of {size}×{size} pixels",
                names.len(),
                labels.len(),
                rgb.len()
            )));
        }
        let mut examples = Vec::with_capacity(labels.len());
        for ((name, &label), pixels) in names.into_iter().zip(&labels).zip(rgb.chunks_exact(one.max(1))) {
            let label = classes.get(label as usize).ok_or_else(|| fail(format!("set_images: label {label} of '{name}' is not one of the {} classes", classes.len())))?;
            examples.push(ImageExample { name, label: label.clone(), image: DecodedImage { width: size, height: size, rgb: pixels.to_vec() } });
        }
        // only classes that have images, in the page's order
        let used: Vec<String> = classes.into_iter().filter(|c| examples.iter().any(|e| &e.label == c)).collect();
        let data = ImageDataset { examples, classes: used, problems: Vec::new(), notes: Vec::new() };
        let counts: serde_json::Map<_, _> = data.class_counts().into_iter().map(|(c, n)| (c, json!(n))).collect();
        let info = json!({ "images": data.examples.len(), "classes": counts });
        s.images.data = Some(data);
        js(&info)
    }

    /// The fine-tuned image model's prediction for one image (RGB8, `width`×`height`), scaled
    /// and cropped as it trained: { label, probs: { class: p } }.
    pub fn predict_image(&self, rgb: Vec<u8>, width: u32, height: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = {
                let s = state.borrow();
                s.idle("predicting")?;
                (s.images.tuned()?.clone(), s.device()?)
            };
            let (w, h) = (width as usize, height as usize);
            if w == 0 || h == 0 || rgb.len() != w * h * 3 {
                return Err(fail(format!("predict_image: {} bytes are not a {w}×{h} RGB image", rgb.len())));
            }
            let image = DecodedImage { width: w, height: h, rgb };
            let preds = core(infer::predict_images(&model, &[&image], &device).await)?;
            let p = preds.first().ok_or_else(|| fail("predict_image: no prediction came back"))?;
            js(&p.to_json(&model.config.labels))
        })
    }

    /// The fine-tuned image model in `format`: 'hf' (the default) → its folder, { "config.json",
    /// "model.safetensors" }, which the CLI (`predict --model DIR`) and `load_image_model` read
    /// back; 'onnx' → { "model.onnx" } (pixels in, probabilities out: docs/onnx.md).
    pub fn export_image(&self, format: Option<String>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let model = {
                let s = state.borrow();
                s.idle("exporting")?;
                s.images.tuned()?.clone()
            };
            let files = match format.as_deref().unwrap_or("hf") {
                "hf" => {
                    let (config, weights) = core(image_model_files(&model).await)?;
                    vec![("config.json", config), ("model.safetensors", weights)]
                }
                "onnx" => vec![("model.onnx", core(export::onnx::image_to_onnx(&model).await)?)],
                other => return Err(fail(format!("an image model exports as 'hf' (its folder) or 'onnx', not '{other}'"))),
            };
            let out = Object::new();
            for (name, bytes) in files {
                Reflect::set(&out, &name.into(), &Uint8Array::from(bytes.as_slice()))?;
            }
            Ok(out.into())
        })
    }
}
