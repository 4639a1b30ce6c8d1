//! `melspectrogram.onnx` read node by node: the graph must be the op sequence below (the one
//! openWakeWord exported from torchlibrosa), and every number the front end uses is taken from
//! it (kernels, filterbank, floors, log constants, hop), so nothing can drift from the file.
use std::collections::{BTreeSet, HashMap};

use crate::error::{Error, Result};
use crate::onnx::proto::{NodeProto, TensorProto};
use crate::onnx::read::{self, Values};

const FILE: &str = "melspectrogram.onnx";

/// The numbers `mel_graph::read` takes out of the ONNX file.
#[derive(Clone)]
pub struct GraphConstants {
    /// [n_fft]: the DFT kernels' common window.
    pub window: Vec<f64>,
    /// [n_fft / 2 + 1, n_mels], row-major: the graph's `1.melW`.
    pub filters: Vec<f64>,
    pub n_fft: usize,
    pub hop: usize,
    pub n_mels: usize,
    /// The power floor before the log (1e-10).
    pub amin: f64,
    /// dB = ln(x) · `db_mul` / `db_div` − `db_ref` (10, ln 10 and 0 in the graph).
    pub db_mul: f64,
    pub db_div: f64,
    pub db_ref: f64,
    /// Features below the maximum by more than this many dB are raised to it (80).
    pub top_db: f64,
}

/// The graph's nodes, `Constant`s left out.
const OPS: [&str; 20] = [
    "Unsqueeze", "Conv", "Conv", "Unsqueeze", "Transpose", "Unsqueeze", "Transpose", "Pow", "Pow", "Add", "MatMul", "Clip", "Log", "Mul",
    "Div", "Sub", "ReduceMax", "Sub", "Cast", "Clip",
];

/// How far a DFT kernel may be from window·cos / −window·sin (they are f32: 5.6e-8 measured).
const KERNEL_TOLERANCE: f64 = 1e-6;

struct Graph {
    nodes: Vec<NodeProto>,
    inits: HashMap<String, TensorProto>,
    /// Constant node outputs → their tensors.
    constants: HashMap<String, TensorProto>,
    used: BTreeSet<String>,
}

fn bad(msg: String) -> Error {
    Error::Onnx(format!("{FILE}: {msg}"))
}

impl Graph {
    /// Input `i` of `node`'s value as a tensor (an initializer, marked used, or a Constant).
    fn input(&mut self, node: &NodeProto, i: usize) -> Result<TensorProto> {
        let name = node.input.get(i).ok_or_else(|| bad(format!("{} has no input {i}", node.op_type)))?;
        if let Some(t) = self.inits.get(name) {
            self.used.insert(name.clone());
            return Ok(t.clone());
        }
        self.constants.get(name).cloned().ok_or_else(|| bad(format!("{}'s input '{name}' is not a constant", node.op_type)))
    }

    fn scalar(&mut self, node: &NodeProto, i: usize) -> Result<f64> {
        let t = self.input(node, i)?;
        read::scalar(&t).map(f64::from).ok_or_else(|| bad(format!("{}'s input {i} is not one float", node.op_type)))
    }

    fn floats(&mut self, node: &NodeProto, i: usize) -> Result<(Vec<usize>, Vec<f64>)> {
        match read::values(&self.input(node, i)?).map_err(bad)? {
            (shape, Values::F32(v)) => Ok((shape, v.into_iter().map(f64::from).collect())),
            _ => Err(bad(format!("{}'s input {i} is not FLOAT", node.op_type))),
        }
    }

    /// The `i`-th node of type `op`.
    fn nth(&self, op: &str, i: usize) -> NodeProto {
        // OPS has been checked, so the node is there.
        self.nodes.iter().filter(|n| n.op_type == op).nth(i).cloned().unwrap_or_default()
    }
}

pub fn read(bytes: &[u8]) -> Result<GraphConstants> {
    let graph = read::graph(bytes, FILE)?;
    let constants = graph
        .node
        .iter()
        .filter(|n| n.op_type == "Constant")
        .filter_map(|n| Some((n.output.first()?.clone(), read::attr(n, "value")?.t.clone()?)))
        .collect();
    let inits = graph.initializer.iter().map(|t| (t.name.clone(), t.clone())).collect();
    let nodes: Vec<NodeProto> = graph.node.into_iter().filter(|n| n.op_type != "Constant").collect();
    let ops: Vec<&str> = nodes.iter().map(|n| n.op_type.as_str()).collect();
    if ops != OPS {
        return Err(bad(format!("the graph is {ops:?}, not the log-mel graph this reads ({OPS:?})")));
    }
    let mut g = Graph { nodes, inits, constants, used: BTreeSet::new() };

    let (conv_re, conv_im) = (g.nth("Conv", 0), g.nth("Conv", 1));
    let (shape, re) = g.floats(&conv_re, 1)?;
    let (_, im) = g.floats(&conv_im, 1)?;
    let [bins, 1, n_fft] = shape[..] else { return Err(bad(format!("DFT kernel of shape {shape:?}"))) };
    if bins != n_fft / 2 + 1 || im.len() != re.len() {
        return Err(bad(format!("DFT kernels of {bins} and {} bins for n_fft {n_fft}", im.len() / n_fft.max(1))));
    }
    let hop = match read::attr(&conv_re, "strides").map(|a| a.ints.as_slice()) {
        Some(&[s]) if s > 0 => s as usize,
        other => return Err(bad(format!("the STFT's strides are {other:?}"))),
    };
    // Row 0 of the real kernel is the window itself (cos 0 = 1); the rest must follow from it.
    let window = re[..n_fft].to_vec();
    check_dft(&window, &re, &im, bins)?;

    for pow in [g.nth("Pow", 0), g.nth("Pow", 1)] {
        if g.scalar(&pow, 1)? != 2.0 {
            return Err(bad("the power is not |X|²".into()));
        }
    }
    let (mel_shape, filters) = g.floats(&g.nth("MatMul", 0), 1)?;
    let n_mels = match mel_shape[..] {
        [b, m] if b == bins => m,
        _ => return Err(bad(format!("mel filterbank of shape {mel_shape:?} for {bins} bins"))),
    };
    let (clip_db, clip_out) = (g.nth("Clip", 0), g.nth("Clip", 1));
    let amin = g.scalar(&clip_db, 1)?;
    for clip in [&clip_db, &clip_out] {
        if g.scalar(clip, 2)? != f64::INFINITY {
            return Err(bad("a Clip has an upper bound".into()));
        }
    }
    let db_mul = g.scalar(&g.nth("Mul", 0), 1)?;
    let db_div = g.scalar(&g.nth("Div", 0), 1)?;
    let db_ref = g.scalar(&g.nth("Sub", 0), 1)?;
    let top_db = g.scalar(&g.nth("Sub", 1), 1)?;
    let reduce = g.nth("ReduceMax", 0);
    if read::attr(&reduce, "axes").is_some() {
        return Err(bad("ReduceMax over some axes only: the floor would not be the input's maximum".into()));
    }
    let unused: Vec<&String> = g.inits.keys().filter(|n| !g.used.contains(*n)).collect();
    if !unused.is_empty() {
        return Err(bad(format!("initializers this reader does not use: {unused:?}")));
    }
    Ok(GraphConstants { window, filters, n_fft, hop, n_mels, amin, db_mul, db_div, db_ref, top_db })
}

/// The Conv kernels are a DFT: re[k][n] = w[n]·cos(2πkn/N), im[k][n] = −w[n]·sin(2πkn/N),
/// which is what lets an FFT of the windowed frame replace them.
fn check_dft(window: &[f64], re: &[f64], im: &[f64], bins: usize) -> Result<()> {
    let n_fft = window.len();
    let mut worst = 0.0f64;
    for k in 0..bins {
        for (n, w) in window.iter().enumerate() {
            let angle = 2.0 * std::f64::consts::PI * ((k * n) % n_fft) as f64 / n_fft as f64;
            worst = worst.max((re[k * n_fft + n] - w * angle.cos()).abs()).max((im[k * n_fft + n] + w * angle.sin()).abs());
        }
    }
    if worst > KERNEL_TOLERANCE {
        return Err(bad(format!("the STFT kernels are not a windowed DFT (off by {worst:.2e})")));
    }
    Ok(())
}
