// Images mode of <tabtune-trainer>, beside the Images data panel (view.js): the image model
// (loaded on the first switch; attribute `image-model` names another base URL), an image run's
// settings (its own Trainable blocks field, bounded by the model's blocks), the diagram of which
// blocks train, and after a run live / picture prediction (live.js) and the download. The element
// keeps one Train section (../train.js) for both modes; this module says what differs. What it enables
// follows the worker's state.
import { downloadImageModel, downloadText } from '../export.js';
import { imagesLive } from './live.js';
import { imageRuns } from './runs.js';
import { drawImageLayers } from '../settings.js';
import { el } from '../dom.js';

// The settings an image run takes from the Advanced panel; the others are text-only (the core
// refuses pooling, encoder dropout, …, for images) and hidden in Images mode.
const IMAGE_KEYS = ['optimizer', 'momentum', 'nesterov', 'betas', 'eps', 'alpha', 'weight_decay', 'schedule', 'warmup',
  'step_every', 'gamma', 'l1', 'clip_norm', 'dropout', 'label_smoothing', 'early_stopping', 'patience'];
const BLOCKS = 16; // EfficientNet-Lite0's MBConv blocks, until the model says

/** host: the element (its attributes); ui: its controls; images: imagesView; tt(): the Tabtune;
 *  say(text) / fail(e, where) report; ready(): the "Ready. Backend …" line; changed() rechecks
 *  the settings; store(): the element's store; train(run) resumes a run record; applyState(state). */
export function imageSide({ host, ui, images, tt, say, fail, ready, changed, store, train, applyState }) {
  let base = null; // loadImageModel's answer: { blocks, image_size, classes, fingerprint }
  let loading = null;
  let mode = 'text';
  let root = null;

  const line = el('p', { class: 'image-only', text: 'Image model: loading…' });
  const bnNote = el('p', { class: 'note image-only', text: 'BatchNorm stays in eval mode: its running mean and variance are ImageNet’s and do not change '
    + '(a few images per class would give poor statistics); the trained blocks’ BatchNorm scale and shift (γ, β) do train.' });
  const live = imagesLive(tt, images.camera);
  const runs = imageRuns({ store, tt, train, applyState, fail });
  const downloadError = el('p', { class: 'field-error', 'aria-live': 'polite' });
  const button = (text, format) => el('button', { type: 'button', text, onclick: () => {
    downloadError.textContent = '';
    downloadImageModel(tt(), format).catch((e) => fail(e, downloadError));
  } });
  // one fieldset: disabling it turns both buttons off
  const download = el('fieldset', { class: 'row', disabled: true }, el('legend', { text: 'Download the fine-tuned image model' }),
    button('Model folder (.zip)', 'hf'), button('ONNX (.onnx)', 'onnx'));
  const home = el('div', { class: 'image-only' }, download, downloadError, runs.forget,
    el('p', { class: 'note', text: 'The zip holds tabtune-image-model/ with config.json (architecture, preprocessing, your classes as labels) and '
      + 'model.safetensors: the folder the command line reads, e.g. tabtune predict --model tabtune-image-model --input photo.jpg. '
      + 'The ONNX file takes RGB pixels / 255, scaled and centre-cropped to the training size, and gives each class’s probability.' }));

  async function load() {
    const attr = host.getAttribute('image-model');
    const url = attr ? new URL(attr, document.baseURI).href : undefined;
    try {
      base = await tt().loadImageModel(url, { on_progress: (p) => say(downloadText(p)) });
      line.textContent = `Image model: ${url ?? 'EfficientNet-Lite0 (ImageNet)'}, ${base.blocks} blocks.`;
      ui.fields.blocks.max = ui.fields.blocks.input.max = base.blocks;
      await runs.restore(base);
      say(ready());
      changed();
    } catch (e) {
      loading = null; // the next switch tries again
      line.textContent = 'Image model: not loaded.';
      fail(e);
    }
  }

  return {
    /** Marks the text-only controls and puts the image parts beside them; `r` is the UI's root. */
    mount(r) {
      root = r;
      root.classList.add('tt-root'); // the styles hide .text-only in Images mode and .image-only otherwise
      const a = ui.advanced.controls;
      for (const x of [ui.modelLine, ui.modelSource, ui.diagnostics.details, ui.init.parentElement, ui.strategy.wrap,
        ui.subset, ui.search.section, a.task.wrap, a.pooling.wrap, a.encoder_dropout.wrap, a.threshold.wrap, a.class_weights.wrap, a.layer_lr_decay.wrap]) {
        x.classList.add('text-only');
      }
      ui.modelLine.after(line);
      ui.params.after(bnNote);
      ui.tryText.after(live.box);
      ui.homeText.after(home);
      runs.resume.classList.add('image-only');
      runs.note.classList.add('image-only');
      ui.resume.after(runs.resume);
      ui.resumeNote.after(runs.note);
      for (const x of [ui.resume, ui.resumeNote, ui.saveNote]) x.classList.add('text-only');
    },
    /** Follows the Text / Images switch; loads the image model on the first switch to Images. */
    setMode(m) {
      if (m === mode) return;
      mode = m;
      const on = m === 'images';
      root.classList.toggle('images-mode', on);
      if (!on) live.stop();
      if (on && tt()) this.load();
    },
    /** The image model, loaded once (again after a failure). */
    load() { return (loading ??= load()); },
    /** The engine was replaced: it holds no image model. */
    reset() { base = null; loading = null; live.enable(false); download.disabled = true; },
    /** The image run's config from the checked fields (Images mode's: Blocks is the core's
     *  `layers`) and Advanced settings (null when one is wrong); draws the diagram. Train needs
     *  it, the image model and two classes with images, and not `busy` (a run or search going,
     *  no engine). */
    check(basic, advanced, busy) {
      ui.search.run.disabled = true; // search and cross-validation are text-only (hidden here)
      if (basic) drawImageLayers(ui, base?.blocks ?? BLOCKS, basic.layers, Math.max(2, images.classes));
      if (!basic || !advanced) { ui.train.disabled = true; return null; }
      ui.train.disabled = busy || !base || images.classes < 2;
      const picked = Object.fromEntries(Object.entries(advanced).filter(([k]) => IMAGE_KEYS.includes(k)));
      const { layers: k, epochs, lr, batch_size, val_split, seed } = basic;
      return { task: 'image', layers: k, epochs, lr, batch_size, val_split, seed, image_size: images.imageSize, ...picked };
    },
    /** Live prediction and the download follow the worker's fine-tuned image model. */
    applyState(state) {
      const model = state?.image?.model;
      live.enable(Boolean(model));
      download.disabled = !model;
    },
    /** A run starts (text or images): live stops and nothing predicts until it ends. */
    runStarted() { live.enable(false); download.disabled = true; runs.started(); },
    /** An image run's checkpoint (kept, or saved when finished) and its end (resume offered). */
    checkpoint: (c, run) => runs.checkpoint(c, { ...run, base: { url: host.getAttribute('image-model'), fingerprint: base?.fingerprint } }),
    ended: () => runs.ended(),
    get mode() { return mode; },
  };
}
