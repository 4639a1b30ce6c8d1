//! Image inference: decoded images preprocessed as the model says, in batches of `BATCH`.
use burn::prelude::*;

use super::rows::{BATCH, read_rows};
use crate::image::data::{DecodedImage, ImageDataset};
use crate::error::{Error, Result};
use crate::task::Targets;
use crate::image::ImageModel;

/// Class logits of decoded images through an image model, `BATCH` at a time, each preprocessed
/// as the model says (a fine-tuned model: scaled and centre-cropped to the size it trained at).
pub async fn logits(model: &ImageModel, images: &[&DecodedImage], device: &Device) -> Result<Vec<Vec<f32>>> {
    let s = model.config.image_size;
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH) {
        let pixels: Vec<f32> = chunk.iter().flat_map(|img| model.eval_input(&img.rgb, img.width, img.height)).collect();
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [chunk.len(), 3, s, s]), device);
        out.extend(read_rows(model.net.forward(x)).await?);
    }
    Ok(out)
}

/// The images' classes in the model's label order (a class it does not know is refused).
pub(super) fn targets(data: &ImageDataset, labels: &[String]) -> Result<Targets> {
    class_targets(data.examples.iter().map(|e| (e.label.as_str(), e.name.as_str())), labels)
}

/// Examples' classes ((label, file name) each) in the model's label order; a class it does not
/// know is refused, naming the file. Images and clips alike.
pub(super) fn class_targets<'a>(examples: impl Iterator<Item = (&'a str, &'a str)>, labels: &[String]) -> Result<Targets> {
    let gold = examples
        .map(|(label, name)| {
            labels.iter().position(|l| l == label).ok_or_else(|| {
                let known = if labels.len() > 20 { format!("{} classes", labels.len()) } else { labels.join(", ") };
                Error::Settings(format!("class '{label}' ({name}) is not one the model knows ({known})"))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Targets::Classes(gold))
}
