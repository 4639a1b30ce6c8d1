//! The trainable top of any kind (the seam's side of `text::Classifier` and
//! `image::ImageClassifier`) and a batch as it reads it.
use burn::module::Module;
use burn::prelude::*;

use crate::audio::SpeechClassifier;
use crate::audio::weights::{push_classifier, top_tensors as speech_top_tensors};
use crate::dropout::Noise;
use crate::head::ParamGroup;
use crate::image::ImageClassifier;
use crate::image::weights::top_tensors;
use crate::tensors::NamedTensor;
use crate::text::Classifier;

/// What a run trains: a text `Classifier` or, for images, the upper blocks of a CNN and its head.
/// One module type, so the optimizer, early stopping and the step code serve both tasks.
#[derive(Module, Debug)]
pub enum Top {
    Text(Classifier),
    Image(ImageClassifier),
    Audio(SpeechClassifier),
}

/// A batch as the trainable top reads it: the text prefix's states [b, s, h] and mask [b, s],
/// or the image bottom's features [b, c, h, w].
pub enum Batch {
    Text(Tensor<3>, Tensor<2>),
    Image(Tensor<4>),
    /// A sound batch: the frozen part's features of every clip's windows [clips · windows, c,
    /// time, mel], and the windows per clip.
    Audio(Tensor<4>, usize),
}

impl Batch {
    /// Rows `start..start + rows` of the batch.
    pub fn rows(&self, start: usize, rows: usize) -> Batch {
        match self {
            Batch::Text(x, mask) => Batch::Text(x.clone().narrow(0, start, rows), mask.clone().narrow(0, start, rows)),
            Batch::Image(x) => Batch::Image(x.clone().narrow(0, start, rows)),
            Batch::Audio(x, w) => Batch::Audio(x.clone().narrow(0, start * w, rows * w), *w),
        }
    }

    /// The batch on the autodiff twin of its device.
    pub fn autodiff(self) -> Batch {
        match self {
            Batch::Text(x, mask) => Batch::Text(x.autodiff(), mask.autodiff()),
            Batch::Image(x) => Batch::Image(x.autodiff()),
            Batch::Audio(x, w) => Batch::Audio(x.autodiff(), w),
        }
    }
}

impl Top {
    /// Logits [b, outputs] of a batch of the top's own kind; `noise` when training (dropout),
    /// None for inference.
    pub fn forward(&self, batch: Batch, noise: Option<Noise>) -> Tensor<2> {
        match (self, batch) {
            (Top::Text(top), Batch::Text(x, mask)) => top.forward(x, mask, noise),
            (Top::Image(top), Batch::Image(x)) => top.forward(x, noise),
            (Top::Audio(top), Batch::Audio(x, windows)) => top.forward(x, windows, noise),
            // the trainer builds batches from its own base, so kinds always agree
            _ => unreachable!("a text batch for an image top, or the reverse"),
        }
    }

    /// The text classifier; None for an image run.
    pub fn text(&self) -> Option<&Classifier> {
        match self {
            Top::Text(top) => Some(top),
            Top::Image(_) | Top::Audio(_) => None,
        }
    }

    /// The trainable groups (see `Classifier::param_groups`); `first` numbers the lowest.
    pub fn param_groups(&self, first: usize, decay: f64) -> Vec<ParamGroup> {
        match self {
            Top::Text(top) => top.param_groups(first, decay),
            Top::Image(top) => top.param_groups(first, decay),
            Top::Audio(top) => top.param_groups(first, decay),
        }
    }

    /// The LR multiplier of every float parameter in traversal order.
    pub fn lr_scales(&self, decay: f64) -> Vec<f64> {
        self.param_groups(0, decay).iter().flat_map(|g| std::iter::repeat_n(g.lr_scale, g.tensors)).collect()
    }

    /// The head's outputs: classes (1 for regression).
    pub fn outputs(&self) -> usize {
        match self {
            Top::Text(top) => top.head.weight.dims()[1],
            Top::Image(top) => top.net.fc.weight.dims()[1],
            Top::Audio(top) => top.fc.weight.dims()[1],
        }
    }

    /// The trained tensors under the model file's names (HF's for text, PyTorch's for images),
    /// the lowest layer or block numbered `first` as in the whole model.
    pub fn tensors(&self, first: usize) -> Vec<(String, NamedTensor)> {
        match self {
            Top::Text(top) => top.tensors(first),
            Top::Image(top) => top_tensors(&top.net, first),
            Top::Audio(top) => {
                let mut out = speech_top_tensors(&top.net, first);
                push_classifier(&mut out, &top.fc);
                out
            }
        }
    }
}
