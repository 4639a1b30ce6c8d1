// Images mode of <tabtune-trainer>, beside the Images data panel (view.js), on ../kinds/side.js:
// the image model (attribute `image-model` names another base URL), an image run's settings (its
// own Trainable blocks field, bounded by the model's blocks), the diagram of which blocks train,
// live / picture prediction (live.js) and the download.
import { imagesLive } from './live.js';
import { kindSide } from '../kinds/side.js';
import { drawImageLayers, fieldsFor } from '../settings.js';
import { el } from '../dom.js';

/** ctx: the element's { host, ui, tt, say, fail, ready, changed, store, train, applyState }
 *  (../kinds/side.js) and images: imagesView. */
export function imageSide(ctx) {
  const { ui, images, tt, store } = ctx;
  const bnNote = el('p', { class: 'note image-only', text: 'BatchNorm stays in eval mode: its running mean and variance are ImageNet’s and do not change '
    + '(a few images per class would give poor statistics); the trained blocks’ BatchNorm scale and shift (γ, β) do train.' });
  const side = kindSide(ctx, {
    mode: 'images', only: 'image-only', task: 'image', model: 'Image model', attr: 'image-model',
    defaultName: 'EfficientNet-Lite0 (ImageNet)',
    load: (url, options) => tt().loadImageModel(url, options),
    loaded(base) { ui.fields.blocks.max = ui.fields.blocks.input.max = base.blocks; },
    trained: (state) => state?.image?.model,
    live: imagesLive(tt, images.camera),
    words: { key: 'image-model', model: 'image model', items: 'images' },
    download: {
      legend: 'Download the fine-tuned image model',
      buttons: [['Model folder (.zip)', 'hf'], ['ONNX (.onnx)', 'onnx']],
      note: 'The zip holds tabtune-image-model/ with config.json (architecture, preprocessing, your classes as labels) and '
        + 'model.safetensors, and README.md, its model card (the data, the settings, every epoch, the scores per class): the folder the command line reads, e.g. tabtune predict --model tabtune-image-model --input photo.jpg. '
        + 'The ONNX file takes RGB pixels / 255, scaled and centre-cropped to the training size, and gives each class’s probability.',
    },
    blocks: 16, // EfficientNet-Lite0's MBConv blocks, until the model says
    draw: (blocks, k, classes) => drawImageLayers(ui, blocks, k, classes),
    // the text-only controls hide in the kinds' modes (the styles hide .text-only there)
    mount() {
      const a = ui.advanced.controls;
      for (const x of [ui.modelLine, ui.modelSource, ui.diagnostics.details, ui.init.parentElement, ui.strategy.wrap,
        ui.subset, ui.search.section, a.task.wrap, a.pooling.wrap, a.encoder_dropout.wrap, a.threshold.wrap, a.class_weights.wrap, a.layer_lr_decay.wrap,
        ui.resume, ui.resumeNote, ui.saveNote]) {
        x.classList.add('text-only');
      }
      ui.params.after(bnNote);
    },
  });

  return Object.assign(side, {
    /** The image run's config from the checked fields (Images mode's: Blocks is the core's
     *  `layers`) and Advanced settings (null when one is wrong); draws the diagram. */
    check(basic, advanced, busy) {
      const picked = side.gate(basic, advanced, busy, images.classes);
      if (!picked) return null;
      const { layers: k, epochs, lr, batch_size, val_split, seed } = basic;
      return { task: 'image', layers: k, epochs, lr, batch_size, val_split, seed, image_size: images.imageSize, ...picked };
    },
    /** The fields a refused setting's message is shown at (../train.js): the Blocks field as `layers`. */
    fields: () => fieldsFor(ui.fields, 'image'),
    /** An image run starts from the page: the Blocks field's own value is kept (the core's key is
     *  `layers` for both kinds, so Text mode's Layers keeps its own). */
    remember(config) { store().put('image-settings', { layers: config.layers }).catch(() => {}); },
  });
}
