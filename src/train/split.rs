//! A run's rows on one side of the split (training or validation): what people see of each,
//! its input of the run's one kind, its target, and the frozen part's cached output.
use crate::prefix::Cached;
use crate::task::Targets;

pub(crate) struct Split {
    /// Each row as people see it: the text, or the image's or clip's file name.
    pub texts: Vec<String>,
    /// What the frozen part reads, of the run's one kind.
    pub inputs: RowInputs,
    pub targets: Targets,
    pub cache: Vec<Cached>,
}

/// A split's inputs: each text's token ids, or each image scaled and centre-cropped to
/// `image_size`², RGB8.
pub(crate) enum RowInputs {
    Tokens(Vec<Vec<u32>>),
    Pixels(Vec<Vec<u8>>),
    /// Each clip's one second at 16 kHz (`audio::clip`).
    Clips(Vec<Vec<f32>>),
}

impl Split {
    /// Rows in the split (text or image).
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each row's length as batches pad it: its tokens; an image row never pads (1).
    pub fn lengths(&self) -> Vec<usize> {
        match &self.inputs {
            RowInputs::Tokens(t) => t.iter().map(Vec::len).collect(),
            RowInputs::Pixels(_) | RowInputs::Clips(_) => vec![1; self.len()],
        }
    }

    /// A text split's token ids (none for images).
    pub fn tokens(&self) -> &[Vec<u32>] {
        match &self.inputs {
            RowInputs::Tokens(t) => t,
            RowInputs::Pixels(_) | RowInputs::Clips(_) => &[],
        }
    }

    /// An image split's pixels (none for text).
    pub fn pixels(&self) -> &[Vec<u8>] {
        match &self.inputs {
            RowInputs::Pixels(p) => p,
            RowInputs::Tokens(_) | RowInputs::Clips(_) => &[],
        }
    }

    /// A sound split's clips (none for text and images).
    pub fn clips(&self) -> &[Vec<f32>] {
        match &self.inputs {
            RowInputs::Clips(c) => c,
            RowInputs::Tokens(_) | RowInputs::Pixels(_) => &[],
        }
    }
}
