//! An image run on the one trainer: the image model split at `layers` blocks from the top, the
//! frozen stem + lower blocks run once per image (`prepare`, as the text prefix) and their
//! feature maps cached like text rows — row = one image, `len` = its channels, each channel's
//! h·w values (CHW, so a batch is a reshape away) — in the run's `cache_dtype`.
use burn::module::Module;
use burn::prelude::*;

use super::items::{ItemRun, check_classes, item_targets, plan_cache, rows_fingerprint, split_items};
use super::split::{RowInputs, Split};
use super::trainer::Trainer;
use crate::error::{Error, Result};
use crate::head::fresh_head;
use crate::image::ImageClassifier;
use crate::image::data::{DecodedImage, ImageDataset};
use crate::kind::image::{ImageBase, check_continue, settle};
use crate::kind::{Base, Batch, Top};
use crate::prefix::{Cached, cached_rows, stack};
use crate::readback;
use crate::run::{CacheDtype, Init, RunConfig, check_image_step_memory};
use crate::task::Task;
use crate::image::config::HEAD_CHANNELS;
use crate::image::preprocess::{resize_bicubic, resized_dims};
use crate::image::{ImageModel, preprocess};

impl Trainer {
    /// An image classification run: checks the settings (text-only ones are refused by name),
    /// splits the images per class (seeded), scales each to `image_size` once, and splits the
    /// model at `layers` blocks from the top. BatchNorm keeps its running statistics.
    pub(super) fn image_run(model: ImageModel, data: &ImageDataset, mut cfg: RunConfig, device: &Device) -> Result<Trainer> {
        let blocks = model.net.blocks.len();
        settle(&model, &mut cfg)?;
        let labels = data.classes.clone();
        cfg.check_task(Task::Classification, &labels)?;
        check_classes("an image classifier", &labels)?;
        let keep_head = cfg.init == Init::Continue;
        if keep_head {
            check_continue(&model.config, &labels)?;
        }
        let mut notes = vec!["BatchNorm stays in eval mode: its running statistics are ImageNet's and do not train (γ and β of the trainable blocks do)".to_string()];
        // `sample` is refused for images by the settings' check
        let (train_ex, val_ex) = split_items(data.examples.iter().map(|e| e.label.as_str()), &cfg);
        let size = cfg.image_size;
        let split = |ex: &[(usize, String)]| -> Result<Split> {
            Ok(Split {
                texts: ex.iter().map(|&(i, _)| data.examples[i].name.clone()).collect(),
                inputs: RowInputs::Pixels(ex.iter().map(|&(i, _)| square_rgb(&data.examples[i].image, size)).collect()),
                targets: item_targets(ex, &labels)?,
                cache: Vec::new(),
            })
        };
        let (train, val) = (split(&train_ex)?, split(&val_ex)?);
        if train.is_empty() {
            return Err(Error::Settings("no images are left for training: lower val_split or add images".into()));
        }
        let data_fingerprint = rows_fingerprint(&train, &val, |s| s.pixels().iter().map(Vec::as_slice).collect());

        let ImageModel { config, net, fingerprint } = model;
        let (frozen, top) = net.split(cfg.layers);
        let frozen = frozen.valid();
        let shape = frozen.out_shape(size);
        let [c, h, w] = shape;
        let cache = plan_cache(std::iter::repeat_n(c, train.len() + val.len()), h * w, &cfg, "blocks", "a smaller image_size keeps it cached", &mut notes);
        // refused now, before the frozen pass, rather than trapping mid-step in a tab
        check_image_step_memory(&config.blocks()?, &cfg, data.examples.len(), train.len(), cache.fits)?;
        let mut net = top;
        if !keep_head {
            net.fc = fresh_head(HEAD_CHANNELS, labels.len(), cfg.seed, device);
        }
        let top = Top::Image(ImageClassifier { net, dropout: crate::dropout::Dropout::new(cfg.dropout) }.train());
        let base = Base::Image(ImageBase { config, fingerprint, frozen, shape });
        let run = ItemRun { base, top, train, val, labels, frozen_layers: blocks - cfg.layers, augmented_rows: 0, cache, notes, data_fingerprint, cfg };
        Ok(Trainer::assemble(run.parts(), device))
    }

    /// The frozen bottom's features of rows `rows` ((is_val, index)), one cached row per image.
    pub(super) async fn image_rows(&self, rows: &[(bool, usize)], dtype: CacheDtype) -> Result<Vec<Cached>> {
        let Base::Image(base) = &self.base else {
            return Err(Error::Settings("image rows of a text run".into()));
        };
        let size = self.cfg.image_size;
        let (mean, std) = (base.config.mean, base.config.std);
        let mut pixels = Vec::with_capacity(rows.len() * 3 * size * size);
        for &(v, i) in rows {
            let split = if v { &self.val } else { &self.train };
            pixels.extend(preprocess(&split.pixels()[i], size, size, size, size, mean, std));
        }
        let x = Tensor::<4>::from_data(TensorData::new(pixels, [rows.len(), 3, size, size]), &self.device);
        let all = readback::floats(base.frozen.forward(x)).await?;
        let [c, h, w] = base.shape;
        Ok(cached_rows(&all, c * h * w, c, dtype))
    }

    /// An image batch on `device`: the cached feature maps of rows `idx`, or computed now.
    pub(super) async fn image_input(&self, base: &ImageBase, val: bool, idx: &[usize], device: &Device) -> Result<Batch> {
        let [c, h, w] = base.shape;
        let split = if val { &self.val } else { &self.train };
        let (x, _) = if self.cache_ready() {
            stack(&idx.iter().map(|&i| &split.cache[i]).collect::<Vec<_>>(), h * w, device)
        } else {
            let rows: Vec<(bool, usize)> = idx.iter().map(|&i| (val, i)).collect();
            let fresh = self.image_rows(&rows, self.fresh_dtype()).await?;
            stack(&fresh.iter().collect::<Vec<_>>(), h * w, device)
        };
        Ok(Batch::Image(x.reshape([idx.len(), c, h, w])))
    }
}

/// RGB8 pixels scaled (bicubic, shorter side) and centre-cropped to `size`², as `preprocess`
/// does it, so `preprocess(square, size, size, size, size, …)` equals preprocessing the original.
pub fn square_rgb(img: &DecodedImage, size: usize) -> Vec<u8> {
    let (w, h) = (img.width, img.height);
    let (rw, rh) = resized_dims(w, h, size);
    let scaled = if (rw, rh) == (w, h) { img.rgb.clone() } else { resize_bicubic(&img.rgb, w, h, rw, rh) };
    let (left, top) = (rw.saturating_sub(size) / 2, rh.saturating_sub(size) / 2);
    let mut out = vec![0u8; size * size * 3];
    for y in 0..size.min(rh) {
        let from = ((top + y) * rw + left) * 3;
        let n = size.min(rw) * 3;
        out[y * size * 3..y * size * 3 + n].copy_from_slice(&scaled[from..from + n]);
    }
    out
}
