//! Replaying a reference run (`trajectory`): its batch order and head initialisation, and the
//! weights to compare at the end.
use burn::module::Param;
use burn::prelude::*;

use super::trainer::Trainer;
use crate::kind::Top;
use crate::error::{Error, Result};
use crate::readback;

impl Trainer {
    /// The training rows' texts, in the order `replay` indexes them.
    pub fn train_texts(&self) -> &[String] {
        &self.train.texts
    }

    /// The validation rows' texts.
    pub fn val_texts(&self) -> &[String] {
        &self.val.texts
    }

    /// Replaces the fresh head's weights ([outputs][hidden], as PyTorch stores them) before the
    /// first step: to start where a reference run started.
    pub(crate) fn set_head(&mut self, weight: &[Vec<f32>], bias: &[f32]) -> Result<()> {
        let Some(Top::Text(top)) = self.top.as_mut() else {
            return Err(Error::Settings("set_head replaces a text classifier's head".into()));
        };
        let [hidden, outputs] = top.head.weight.dims();
        if self.step > 0 || weight.len() != outputs || bias.len() != outputs || weight.iter().any(|r| r.len() != hidden) {
            return Err(Error::Settings(format!("set_head needs {outputs} rows of {hidden} weights and {outputs} biases, before the first step")));
        }
        let device = top.head.weight.device();
        let w: Vec<f32> = (0..hidden).flat_map(|i| weight.iter().map(move |row| row[i])).collect();
        top.head.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w, [hidden, outputs]), &device));
        top.head.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(bias.to_vec(), [outputs]), &device)));
        Ok(())
    }

    /// The head's weights as PyTorch stores them ([outputs][hidden]) and its bias.
    pub async fn head(&self) -> Result<(Vec<Vec<f32>>, Vec<f32>)> {
        let top = self.text_top()?;
        let [hidden, outputs] = top.head.weight.dims();
        let w = readback::floats(top.head.weight.val()).await?;
        let weight = (0..outputs).map(|o| (0..hidden).map(|i| w[i * outputs + o]).collect()).collect();
        let bias = match &top.head.bias {
            Some(b) => readback::floats(b.val()).await?,
            None => vec![0.0; outputs],
        };
        Ok((weight, bias))
    }

    /// The trainable encoder layers as they are now.
    pub fn top_layers(&self) -> Result<&[crate::text::bert::Layer]> {
        Ok(&self.text_top()?.layers)
    }

    /// Steps through these batches (train row indices) instead of the seeded order: to replay a
    /// reference run (`trajectory`). Their count must be the run's total steps.
    pub fn replay(&mut self, batches: Vec<Vec<usize>>) -> Result<()> {
        let n = self.train.len();
        if batches.len() != self.info.total_steps || batches.iter().flatten().any(|&i| i >= n) {
            return Err(Error::Settings(format!("replay needs {} batches of row indices below {n}", self.info.total_steps)));
        }
        self.replay = Some(batches);
        Ok(())
    }
}
