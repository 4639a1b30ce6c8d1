// A sound run's own settings, shown in the Settings section in Sounds mode instead of the shared
// row: its defaults are not a text run's (one-second clips train best with every block, more
// epochs and a larger learning rate: tests/it/speech_train.rs's recipe), so they are fields of
// their own, with their own saved values ('sound-settings'), as Images mode has its own Trainable blocks. The
// bounds are the shared fields' (layout.js SETTINGS); the core checks every value again.
import { el, field } from '../dom.js';
import { SETTINGS } from '../layout.js';
import { checkFields } from '../settings.js';

// the recipe that reached 0.9 on held-out voices (README "Sounds"), and the sample's shorter one:
// 2 of its 544 training clips' epochs take ~40 s on two cores (validation accuracy 0.96 there)
const DEFAULT_EPOCHS = 8;
const SAMPLE_EPOCHS = 2;

// the core's key, label, default, help; min / max / whole come from SETTINGS where it has the key
const FIELDS = [
  ['layers', 'Trainable blocks', 9, 'blocks of the speech model trained, from the top (0: the head conv and the new head only)', [0, 9, true]],
  ['epochs', 'Epochs', DEFAULT_EPOCHS],
  ['lr', 'Learning rate', 0.001],
  ['batch_size', 'Batch size', 32],
  ['val_split', 'Validation share', 0.2],
  // off by default: a copy costs as much training as a clip; with a few recordings a class, 2–4 help
  ['copies', 'Altered copies per clip', 0, 'each training clip again, moved in the second, faster or slower, louder or quieter, or under noise (0: none; the core takes 0 to 20)', [0, 20, true]],
  ['seed', 'Seed', 0],
];
const bounds = (key) => {
  const s = SETTINGS.find(([name]) => name === key);
  return s && [s[3], s[4], s[5]];
};

/** changed(): the settings were edited. { row, fields (by the core's key; `augment` names the
 *  copies field, for the core's messages), read(), setBlocks(n), values(config), restore(saved) } */
export function soundSettings(changed) {
  const fields = {};
  const wraps = FIELDS.map(([key, label, def, help, own]) => {
    const [min, max, int] = own ?? bounds(key);
    // named apart from the shared fields (input[name=epochs] is theirs)
    const input = el('input', { type: 'number', name: `sound_${key}`, value: def, min, max, step: int ? 1 : 'any', oninput: changed });
    const { wrap, error } = field(label, input, { help });
    fields[key] = { input, error, min, max, int, label, name: `sound_${key}`, key };
    return wrap;
  });
  const note = el('p', { class: 'note', hidden: true, text: `The sample sounds train for ${SAMPLE_EPOCHS} epochs, under a minute on a two-core laptop (validation accuracy about 0.96); your own clips get ${DEFAULT_EPOCHS}, the recipe that reached 0.9 on voices held out of training.` });
  const row = el('div', { class: 'fields sound-only' }, ...wraps, note);
  return {
    row,
    fields: { ...fields, augment: fields.copies },
    /** The checked values (each problem shown at its field), or null. */
    read: () => checkFields(fields),
    /** The sample sounds loaded: they train for SAMPLE_EPOCHS (under a minute on two cores),
     *  unless the epochs were already changed from the default; the note says so. */
    sample() {
      if (Number(fields.epochs.input.value) !== DEFAULT_EPOCHS) return;
      fields.epochs.input.value = SAMPLE_EPOCHS;
      note.hidden = false;
      changed();
    },
    /** The sound model's blocks: the Trainable blocks field's bound. */
    setBlocks(n) { fields.layers.max = n; fields.layers.input.max = n; },
    /** What is kept of a run's config to fill the fields again. */
    values: (config) => Object.fromEntries(FIELDS.map(([key]) => [key, key === 'copies' ? config.augment?.copies ?? 0 : config[key]])),
    /** Saved values (values()'s) back into the fields. */
    restore(saved = {}) {
      for (const [key, f] of Object.entries(fields)) if (saved[key] !== undefined) f.input.value = saved[key];
    },
  };
}
