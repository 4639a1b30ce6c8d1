// After a sound run, "Try it" in Sounds mode (../kinds/live.js draws it): live listening and one
// file's prediction. While Listen is on, every ~250 ms the microphone's last second goes to the
// worker, which takes its loudest second. The top class is announced (aria-live) only when it
// changes. The microphone is the Sounds panel's (mic.js).
import { livePrediction } from '../kinds/live.js';
import { decodeSound } from '../../api/sounds.js';
import { SOUND_ACCEPT } from './view.js';

const EVERY_MS = 250;
const WINDOW_S = 1;
// the core refuses a clip whose loudest sample is under −60 dBFS as silent (its SILENCE_PEAK):
// such a window holds no word, so it is not sent, and the page says it hears nothing
const SILENT = 1e-3;

/** tt(): the Tabtune; mic: mic.js's. Returns { box, enable(on), stop() }. */
export function soundsLive(tt, mic) {
  return livePrediction({
    device: mic,
    toggle: { text: 'Listen', class: 'listen' },
    box: 'sound-only',
    prefix: 'snd-live',
    intro: 'After training: the microphone (its last second, four times a second) or a sound file, through the fine-tuned model.',
    needs: 'Listening needs the microphone: see the Sounds panel’s message above.',
    listening: 'Listening: say one of the words.',
    input(note) {
      const samples = mic.last(WINDOW_S);
      let peak = 0;
      for (const v of samples ?? []) peak = Math.max(peak, Math.abs(v));
      if (samples && peak < SILENT) note('Quiet: say one of the words.');
      return samples && peak >= SILENT ? samples : null;
    },
    idle: EVERY_MS,
    predict: (samples) => tt().predict({ samples, sample_rate: mic.sampleRate }),
    every: EVERY_MS,
    over: 8,
    rate: (perSecond, ms) => `${perSecond.toFixed(1)} predictions per second (${Math.round(ms)} ms each)`,
    announce: (label) => `Heard: ${label}`,
    file: {
      accept: SOUND_ACCEPT,
      label: 'Predict a sound: drop one audio file here, or choose one',
      // decoded as addSounds decodes its files (api/sounds.js), then the same prediction
      async predict(file) {
        const { samples, channels, sample_rate } = await decodeSound(await file.arrayBuffer());
        return tt().predict({ samples, sample_rate, channels });
      },
    },
  });
}
