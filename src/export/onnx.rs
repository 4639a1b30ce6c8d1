//! The fine-tuned classifier as one ONNX file: token ids and attention mask in, probabilities
//! out, with the whole encoder, the pooling it was trained with and the head inside the graph.
//!
//! Inputs `input_ids` and `attention_mask`: int64 [batch, sequence] (right-padded, mask 1 for a
//! token and 0 for padding; tokenize with the model's tokenizer.json, truncated at `max_len`
//! from the metadata). Output, [batch, classes]: `probabilities` (softmax over the classes; for
//! multi-label each label's sigmoid), or `value` for regression (the raw prediction).
//! Metadata (`metadata_props`): `labels` (JSON array, output column order), `task`, `max_len`,
//! `threshold` (multi-label), `pooling`. See docs/onnx.md.
//!
//! Image models (vision.rs): pixels in [0, 1] in, probabilities out.
mod bert;
mod graph;
pub mod proto;
pub mod vision;

use prost::Message;

use crate::error::{Error, Result};
use crate::infer::default_max_len;
use crate::model::weights::{NamedTensor, embeddings_tensors, head_tensors, layer_tensors, pooler_tensors};
use crate::model::{Model, Pooling};
use crate::readback;
use crate::task::Task;
use crate::kind::AnyModel;
use bert::{Bert, Output, Pool, Weights};
use proto::{DimensionValue, GraphProto, INT64, FLOAT, ModelProto, OperatorSetIdProto, StringStringEntryProto, value_info};

/// The default domain's opset: 17 brings LayerNormalization; onnxruntime (and -web) has run it
/// since 1.14.
pub const OPSET: i64 = 17;
/// The IR version that goes with opset 17 (onnx/docs/Versioning.md).
const IR_VERSION: i64 = 8;

/// ONNX model bytes for a model of any kind (a text model must have a head): the text graph
/// here and in bert.rs, the image graph in vision.rs.
pub async fn to_onnx(model: &AnyModel) -> Result<Vec<u8>> {
    let (graph, meta) = match model {
        AnyModel::Text(m) => text_graph(m).await?,
        AnyModel::Image(m) => vision::image_graph(m).await?,
    };
    Ok(encode(graph, meta))
}

/// A fine-tuned text classifier's graph and metadata.
async fn text_graph(model: &Model) -> Result<(GraphProto, Vec<StringStringEntryProto>)> {
    let labels = match (&model.head, model.labels()) {
        (Some(_), Some(labels)) => labels,
        _ => {
            return Err(Error::Settings(
                "ONNX export needs a fine-tuned model: this one has no classification head (train it first with \
                 tabtune train, then export the folder it writes)"
                    .into(),
            ));
        }
    };
    let task = model.task();
    let (pool, pooling) = match model.pooling {
        Pooling::Mean => (Pool::Mean, "mean"),
        Pooling::ClsPooler(_) => (Pool::ClsPooler, "cls"),
    };
    let (output, out_name) = match task {
        Task::Classification => (Output::Softmax, "probabilities"),
        Task::MultiLabel => (Output::Sigmoid, "probabilities"),
        Task::Regression => (Output::Identity, "value"),
    };
    let mut bert = Bert::new(weights(model).await?, &model.config);
    bert.build(pool, output, out_name)?;
    let batch_seq = [DimensionValue::DimParam("batch".into()), DimensionValue::DimParam("sequence".into())];
    let batch_out = [DimensionValue::DimParam("batch".into()), DimensionValue::DimValue(labels.len() as i64)];
    let graph = GraphProto {
        node: bert.g.nodes,
        name: "tabtune_classifier".into(),
        initializer: bert.g.initializers,
        doc_string: format!("BERT classifier ({pooling} pooling, {}) exported by tabtune", task.name()),
        input: vec![value_info("input_ids", INT64, &batch_seq), value_info("attention_mask", INT64, &batch_seq)],
        output: vec![value_info(out_name, FLOAT, &batch_out)],
    };
    let mut meta = vec![
        ("labels", serde_json::to_string(&labels).unwrap_or_default()),
        ("task", task.name().to_string()),
        ("max_len", default_max_len(model).to_string()),
        ("pooling", pooling.to_string()),
    ];
    if task == Task::MultiLabel {
        meta.push(("threshold", model.threshold().to_string()));
    }
    let meta = meta.into_iter().map(|(k, v)| StringStringEntryProto { key: k.into(), value: v }).collect();
    Ok((graph, meta))
}

/// The ModelProto around `graph` (opset 17, ir 8), encoded.
fn encode(graph: GraphProto, metadata_props: Vec<StringStringEntryProto>) -> Vec<u8> {
    let proto = ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        producer_name: "tabtune".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: String::new(),
        model_version: 1,
        doc_string: String::new(),
        graph: Some(graph),
        metadata_props,
    };
    proto.encode_to_vec()
}

/// Every weight under its HF name, Linear weights kept in burn's [in, out] layout.
async fn weights(model: &Model) -> Result<Weights> {
    let mut named = embeddings_tensors(&model.encoder.embeddings);
    for (i, layer) in model.encoder.layers.iter().enumerate() {
        named.extend(layer_tensors(i, layer));
    }
    if let Some(head) = &model.head {
        named.extend(head_tensors(head));
    }
    if let Pooling::ClsPooler(pooler) = &model.pooling {
        named.extend(pooler_tensors(pooler));
    }
    let mut out = Weights::new();
    for (name, t) in named {
        let (dims, values) = match t {
            NamedTensor::LinearWeight(m) | NamedTensor::Matrix(m) => (m.dims().to_vec(), readback::floats(m).await?),
            NamedTensor::Vector(v) => (v.dims().to_vec(), readback::floats(v).await?),
            NamedTensor::Conv(c) => (c.dims().to_vec(), readback::floats(c).await?),
        };
        out.insert(name, (dims, values));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vision_tests;
