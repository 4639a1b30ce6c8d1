// Sounds mode of <tabtune-trainer>, beside the Sounds data panel (view.js), on ../kinds/side.js:
// the sound model (attribute `sound-model` names another base URL), a sound run's own settings
// (settings.js), the diagram of which blocks train, live listening / a file's prediction
// (live.js) and the download.
import { kindSide } from '../kinds/side.js';
import { drawBlocks } from '../settings.js';
import { soundsLive } from './live.js';
import { soundSettings } from './settings.js';

// the app's sound model, beside the page's modules (as the worker finds the image model)
const SOUND_MODEL = new URL('../../models/speech-embedding/', import.meta.url).href;

/** ctx: the element's { host, ui, tt, say, fail, ready, changed, store, train, applyState }
 *  (../kinds/side.js) and sounds: soundsView. */
export function soundSide(ctx) {
  const { ui, sounds, tt, store, changed } = ctx;
  const settings = soundSettings(changed);
  sounds.onSample = () => settings.sample();

  /** The speech network with its top `k` of `blocks` trained, into ui.layers and ui.params. */
  function drawSpeech(blocks, k, classes) {
    drawBlocks(ui, ['log-mel front end', 'stem conv'], blocks, k);
    ui.params.textContent = `${k} of ${blocks} blocks, the head conv and a new Linear head for ${classes} classes train; the log-mel front end, `
      + `the stem and the ${blocks - k} frozen blocks run once per clip (and per altered copy) and are cached.`;
  }

  const side = kindSide(ctx, {
    mode: 'sounds', only: 'sound-only', task: 'audio', model: 'Sound model', attr: 'sound-model',
    defaultName: 'speech_embedding (Google’s, as openWakeWord rebuilt it)',
    async load(url = SOUND_MODEL, options) {
      const base = await tt().loadModel(url, options);
      if (base.kind !== 'audio') throw new Error(`${url} holds a ${base.kind} model, not a sound model: check the element’s sound-model attribute`);
      return base;
    },
    loaded: (base) => settings.setBlocks(base.blocks),
    trained: (state) => state?.kinds?.audio?.model,
    live: soundsLive(tt, sounds.mic),
    words: { key: 'sound-model', model: 'sound model', items: 'clips' },
    download: {
      legend: 'Download the fine-tuned sound model',
      buttons: [['Sound model folder (.zip)', 'hf'], ['Sound model ONNX (.onnx)', 'onnx']],
      note: 'The zip holds tabtune-sound-model/ with config.json (your classes as labels), model.safetensors and the '
        + 'log-mel front end melspectrogram.onnx, and README.md, its model card: the folder the command line reads, e.g. tabtune predict --model tabtune-sound-model --input word.wav. '
        + 'The ONNX file takes log-mel windows (docs/onnx.md) and gives each class’s probability.',
    },
    blocks: 9, // speech_embedding's blocks, until the model says
    draw: drawSpeech,
    mount() {
      // the shared settings row and text augmentation hide in Sounds mode (.not-sound): a sound run has its own
      ui.settingsRow.classList.add('not-sound');
      ui.settingsRow.after(settings.row);
      ui.strategy.augmentWrap.classList.add('not-sound');
      store().get('sound-settings').then((saved) => { settings.restore(saved ?? {}); changed(); }).catch(() => {});
    },
  });

  return Object.assign(side, {
    /** The sound run's config from its own fields and the Advanced settings an image run takes
     *  (null when one is wrong); draws the diagram. */
    check(advanced, busy) {
      const basic = settings.read();
      const picked = side.gate(basic, advanced, busy, sounds.classes);
      if (!picked) return null;
      const { layers, epochs, lr, batch_size, val_split, seed, copies } = basic;
      // dropout 0.1 is the core's default too: said here, as the page's choice for sounds; label
      // smoothing 0.1 is the quality recipe's (tests/it/speech_train.rs): Advanced overrides both
      return { task: 'audio', layers, epochs, lr, batch_size, val_split, seed, dropout: 0.1, label_smoothing: 0.1, ...picked, ...(copies > 0 ? { augment: { copies } } : {}) };
    },
    /** The fields a refused setting's message is shown at (../train.js). */
    fields: () => settings.fields,
    /** A sound run starts from the page: its settings are kept for the next visit. */
    remember(config) { store().put('sound-settings', settings.values(config)).catch(() => {}); },
  });
}
