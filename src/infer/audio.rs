//! Sound inference: one-second clips (`audio::clip`) through a fine-tuned sound model, `BATCH`
//! clips at a time (each its windows, averaged, then the head).
use burn::prelude::*;

use super::rows::{BATCH, read_rows};
use crate::audio::SpeechModel;
use crate::audio::clip_mean;
use crate::audio::data::AudioDataset;
use crate::error::{Error, Result};
use crate::task::Targets;

/// Class logits of clips through a fine-tuned sound model (the base has no head: refused).
pub async fn logits(model: &SpeechModel, clips: &[&[f32]], device: &Device) -> Result<Vec<Vec<f32>>> {
    let head = model.head.as_ref().ok_or_else(|| Error::Settings("this sound model has no classification head yet: fine-tune it first (tabtune train --task audio)".into()))?;
    let mut out = Vec::with_capacity(clips.len());
    for chunk in clips.chunks(BATCH) {
        let (x, windows) = model.clips_windows(chunk, device);
        out.extend(read_rows(head.forward(clip_mean(model.net.forward(x), windows))).await?);
    }
    Ok(out)
}

/// The clips' classes in the model's label order (a class it does not know is refused).
pub(super) fn targets(data: &AudioDataset, labels: &[String]) -> Result<Targets> {
    super::image::class_targets(data.examples.iter().map(|e| (e.label.as_str(), e.name.as_str())), labels)
}
