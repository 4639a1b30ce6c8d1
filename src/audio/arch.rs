//! speech_embedding's fixed architecture as a table: each conv's ONNX initializer names, shape
//! and padding, and where the max-pools are. `weights.rs` loads and writes by it, `graph.rs`
//! checks the ONNX graph against it, `net.rs` documents it.
use super::net::BLOCKS;

/// Stem channels out.
pub const STEM: usize = 24;

/// Per block: channels in, channels out, the max-pool after it.
pub const BLOCK_TABLE: [(usize, usize, Option<[usize; 2]>); BLOCKS] = [
    (24, 24, Some([2, 2])),
    (24, 48, None),
    (48, 48, Some([1, 2])),
    (48, 72, None),
    (72, 72, Some([2, 2])),
    (72, 96, None),
    (96, 96, Some([1, 2])),
    (96, 96, None),
    (96, 96, Some([2, 2])),
];

/// The ONNX graph's constants that are not weights: the activation floor (value −0.4, shape
/// [1, 1, 1, 1]) and the input / output reshapes.
pub const FLOOR_NAME: &str = "const_fold_opt__287";
pub const INPUT_SHAPE_NAME: &str = "new_shape__262";
pub const OUTPUT_SHAPE_NAME: &str = "new_shape__273";

/// One convolution: `index` is its n in TensorFlow's `model/conv2d_{n}` (0 = the stem).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvSpec {
    pub index: usize,
    pub c_in: usize,
    pub c_out: usize,
    /// [time, mel].
    pub kernel: [usize; 2],
    pub pad_mel: usize,
    /// BN folded into a bias, then LeakyReLU + floor: every conv but the head.
    pub bias_and_activation: bool,
}

impl ConvSpec {
    pub fn weight_name(&self) -> String {
        if self.bias_and_activation { format!("{}/Conv2D_weights_fused_bn", self.scope()) } else { format!("{}/Conv2D/ReadVariableOp:0", self.scope()) }
    }

    pub fn bias_name(&self) -> String {
        format!("{}/Conv2D_bias_fused_bn", self.scope())
    }

    fn scope(&self) -> String {
        if self.index == 0 { "model/conv2d".into() } else { format!("model/conv2d_{}", self.index) }
    }

    pub fn shape(&self) -> [usize; 4] {
        [self.c_out, self.c_in, self.kernel[0], self.kernel[1]]
    }
}

pub fn stem() -> ConvSpec {
    ConvSpec { index: 0, c_in: 1, c_out: STEM, kernel: [3, 3], pad_mel: 1, bias_and_activation: true }
}

/// Block `j`'s 1×3 conv (`conv2d_{2j+1}`, c_in → c_out) and 3×1 conv (`conv2d_{2j+2}`).
pub fn block(j: usize) -> (ConvSpec, ConvSpec) {
    let (c_in, c_out, _) = BLOCK_TABLE[j];
    let wide = ConvSpec { index: 2 * j + 1, c_in, c_out, kernel: [1, 3], pad_mel: 1, bias_and_activation: true };
    let tall = ConvSpec { index: 2 * j + 2, c_in: c_out, c_out, kernel: [3, 1], pad_mel: 0, bias_and_activation: true };
    (wide, tall)
}

pub fn head() -> ConvSpec {
    let c = BLOCK_TABLE[BLOCKS - 1].1;
    ConvSpec { index: 2 * BLOCKS + 1, c_in: c, c_out: c, kernel: [3, 1], pad_mel: 0, bias_and_activation: false }
}
