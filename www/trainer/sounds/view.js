// The Sounds data panel (../kinds/panel.js builds it): a folder of class folders, a zip of them,
// audio files per class, or the microphone. Files are decoded by the browser and made one-second
// clips by the core's rule in the worker (tt.addSounds). What is the sounds' own: the
// microphone's level meter, a recording made a clip, and thumbnails that are waveforms.
import { classFolderPanel } from '../kinds/panel.js';
import { microphone } from './mic.js';
import { soundJournal } from './journal.js';
import { waveform } from './waveform.js';
import { SOUNDS_CSS } from './styles.js';

/** The audio files the pickers take (live.js's too). */
export const SOUND_ACCEPT = 'audio/*,.wav,.mp3,.ogg,.oga,.opus,.webm,.flac,.m4a,.aac';

// what the class cards say and draw for sounds (../kinds/classes.js)
const SOUND_CARDS = {
  prefix: 'snd', one: 'clip', many: 'clips', items: 'Clips', add: 'Add sounds', grid: 'thumbs waves', accept: SOUND_ACCEPT,
  thumb: ({ name, peaks }) => ({ node: waveform(peaks, name) }),
};

/** tt(): the Tabtune; onChange() after each change of the clips; sampleUrl(): the element's
 *  sounds-data attribute. mount(textData) puts the panel after the Data section's text controls;
 *  show(on) follows the Train on switch. */
export function soundsView(tt, onChange, sampleUrl = () => null) {
  let onSample = null;
  const panel = classFolderPanel(tt, onChange, sampleUrl, {
    sampleLoaded: () => onSample?.(),
    set: 'sounds', one: 'sound', device: 'microphone', css: SOUNDS_CSS, cards: SOUND_CARDS,
    count: (data) => data.clips,
    detail: () => '',
    calls: { add: 'addSounds', remove: 'removeSounds', rename: 'renameSoundClass', removeClass: 'removeSoundClass', clear: 'clearSounds' },
    journal: soundJournal(), // journal.js
    texts: {
      folder: 'Choose a folder of class folders', folderName: 'Choose a folder of sound class folders',
      files: 'or a zip or audio files', filesName: 'Choose a zip or audio files',
      drop: 'Drop a folder holding one folder per class (the folder name is the class: a word, a sound), or a zip of such folders. WAV, MP3, Ogg, WebM and FLAC; each clip becomes one second.',
    },
    capture({ change, say }) {
      // one press of a Hold-to-record button (mic.js): the worker makes it a clip, or says why not
      async function record(samples, rate, label) {
        const seconds = (samples.length / rate).toFixed(1);
        say(`Adding the ${seconds} s recorded into ${label}…`);
        // the journal keeps its own copy: the engine may take over (transfer) what it is given
        const r = await change('addRecording', [samples, rate, label], [samples.slice(), rate, label]).catch(() => null);
        if (!r) return;
        if (r.added.length) say(`Recorded ${seconds} s into ${label}.`);
        else say(`That recording was not added: ${r.problems.map((p) => p.message).join('; ') || 'the engine kept nothing'}.`, true);
      }
      const mic = microphone(record, say);
      return { device: mic, controls: [mic.toggle, mic.level] };
    },
  });

  return {
    mount: panel.mount,
    /** Sounds mode shown or left: leaving it turns the microphone off. */
    show: panel.show,
    /** f() runs when the sample sounds have loaded (the settings pick its shorter recipe). */
    set onSample(f) { onSample = f; },
    /** Classes that hold clips, as the worker last reported. */
    get classes() { return panel.classes; },
    mic: panel.device,
    stopMic: () => panel.device.stop(),
    /** A new engine (the worker failed, the device was lost): the clips it held, given again.
     *  Resolves true when there were clips to restore. */
    restore: panel.restore,
  };
}
