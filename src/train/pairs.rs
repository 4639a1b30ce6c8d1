//! The contrastive strategy's two halves inside the trainer: a step on a batch of pairs (the
//! layers only: the head takes no gradient), and fitting the head to what the layers now embed.
use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::*;

use super::trainer::Trainer;
use crate::kind::Top;
use crate::contrastive::{batch_rows, pair_loss};
use crate::dropout::Noise;
use crate::error::{Error, Result};
use crate::infer;
use crate::logreg;
use crate::step::StepOutput;
use crate::teach::activity::Probe;
use crate::task::Targets;

impl Trainer {
    /// One step on pairs `idx`: each row the batch needs goes through the layers once.
    pub(super) async fn pair_step(&mut self, idx: &[usize], lr: f64, noise: Noise) -> Result<StepOutput> {
        let pairs: Vec<_> = idx.iter().map(|&i| self.pairs[i]).collect();
        let (rows, a, b) = batch_rows(&pairs);
        let target: Vec<f32> = pairs.iter().map(|p| p.target).collect();
        let ad = self.device.clone().autodiff();
        let (x, mask) = self.batch(false, &rows, &ad).await?;
        let Some(Top::Text(top)) = self.top.take() else {
            return Err(Error::Device("a previous step failed".into()));
        };
        let mut loss = pair_loss(top.pooled(x, mask, Some(noise)), &a, &b, &target);
        if let Some(p) = self.objective.penalty(&top) {
            loss = loss + p;
        }
        let grads = GradientsParams::from_grads(loss.backward(), &top);
        let probe = self.cfg.teaching.then(|| Probe::before(&top, &grads));
        let stepped = self.optim.step(lr, top, grads, self.cfg.clip_norm);
        self.top = Some(Top::Text(stepped.module));
        Ok(StepOutput { loss: loss.without_autodiff(), grad_norm: stepped.grad_norm, probe })
    }

    /// Contrastive runs: whether the head was fitted after the last step (a model taken before
    /// would predict with a head that does not match its layers).
    pub fn head_is_current(&self) -> bool {
        self.pairs.is_empty() || self.head_fitted == Some(self.step)
    }

    /// Fits the head (logistic regression, as scikit-learn's C=1) on the training rows'
    /// mean-pooled embeddings through the layers as they are now. Nothing for standard runs.
    pub async fn fit_head(&mut self) -> Result<()> {
        if self.head_is_current() {
            return Ok(());
        }
        let Targets::Classes(y) = &self.train.targets else { return Ok(()) };
        let top = self.text_top()?.valid();
        let n = self.train.len();
        let h = self.text()?.0.config.hidden_size;
        let mut x = Vec::with_capacity(n * h);
        for chunk in (0..n).collect::<Vec<_>>().chunks(infer::BATCH) {
            let (states, mask) = self.batch(false, chunk, &self.device).await?;
            x.extend(crate::readback::floats(top.pooled(states, mask, None)).await?);
        }
        let c = self.info.labels.len();
        let fitted = logreg::fit(&x, h, y, c, 1.0 / n as f64);
        let Some(Top::Text(top)) = self.top.take() else {
            return Err(Error::Device("a previous step failed".into()));
        };
        let mut head = top.head;
        head.weight = head.weight.map(|w| {
            let grad = w.is_require_grad();
            Tensor::from_data(TensorData::new(fitted.weight, [h, c]), &w.device()).set_require_grad(grad)
        });
        head.bias = head.bias.map(|p| {
            p.map(|b| {
                let grad = b.is_require_grad();
                Tensor::from_data(TensorData::new(fitted.bias, [c]), &b.device()).set_require_grad(grad)
            })
        });
        self.top = Some(Top::Text(crate::text::Classifier { head, ..top }));
        self.head_fitted = Some(self.step);
        Ok(())
    }
}
