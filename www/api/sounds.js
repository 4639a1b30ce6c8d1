// Tabtune's sound calls (types in ../sounds.d.ts). Audio files are decoded here, on the page's
// thread, because decodeAudioData exists only there (the browser decodes off the main thread);
// folders and zips are gathered by the worker, and every sound becomes a clip there by the core's
// one rule (mono, 16 kHz, one second: sound_clip). Every call resolves with `data`, what the
// worker then holds: { clips, classes: [{ name, count }] }. Tabtune (../tabtune.js) extends this.
import { ImageCalls } from './images.js';
import { CALL } from './worker-client.js';

/** The rate files are decoded at when they do not say theirs (decodeAudioData resamples to its
 *  context's rate): 48 kHz, what most files and devices use, so most files are not resampled
 *  twice; the one rule then takes any rate to 16 kHz. */
const DECODE_RATE = 48000;

export class SoundCalls extends ImageCalls {
  /** Audio files and zips: File objects (a folder pick's webkitRelativePath is the path) or {
   *  path, file }. The class is each file's parent folder (or a zip's labels.csv), or
   *  options.label for all. Resolves { added: [{ id, name, label, peaks }], problems: [{ name,
   *  message }], notes, data }; a file that cannot be decoded or made a clip is a problem, the
   *  others are kept. on_progress({ done, total }) while decoding. */
  async addSounds(files, { label, on_progress } = {}) {
    const items = Array.from(files, (f) => (f instanceof Blob ? { name: f.webkitRelativePath || f.name, file: f } : { name: String(f.path), file: f.file }));
    const found = await this[CALL]({ type: 'soundsCollect', items, label });
    const sounds = [];
    for (const [i, f] of found.files.entries()) {
      try {
        sounds.push({ name: f.name, label: f.label, ...(await decodeSound(f.bytes)) });
      } catch (e) {
        sounds.push({ name: f.name, problem: `the browser could not decode it as audio (${e?.message || e}): save it again as WAV, MP3 or Ogg, or remove it` });
      }
      on_progress?.({ done: i + 1, total: found.files.length });
    }
    const r = await this[CALL]({ type: 'soundsAdd', sounds }, {}, sounds.filter((s) => s.samples).map((s) => s.samples.buffer));
    return { ...r, problems: [...found.problems, ...r.problems], notes: [...found.notes, ...r.notes] };
  }

  /** A microphone recording: mono `samples` at `sample_rate` into class `label` (made a clip: its
   *  loudest second). Resolves as addSounds. */
  addRecording(samples, sample_rate, label) {
    const copy = new Float32Array(samples);
    return this[CALL]({ type: 'soundsAdd', sounds: [{ name: `recording ${new Date().toISOString().slice(11, 23)}`, label, samples: copy, channels: 1, sample_rate }] }, {}, [copy.buffer]);
  }

  /** Removes clips by the ids addSounds / addRecording gave. */
  removeSounds(ids) { return this[CALL]({ type: 'soundsRemove', ids: Array.from(ids) }); }

  /** Renames sound class `from` (to an existing class: merges them). */
  renameSoundClass(from, to) { return this[CALL]({ type: 'soundsRenameClass', from, to }); }

  /** Removes every clip of sound class `label`; resolves { removed (ids), data }. */
  removeSoundClass(label) { return this[CALL]({ type: 'soundsRemoveClass', label }); }

  /** Removes every clip. */
  clearSounds() { return this[CALL]({ type: 'soundsClear' }); }
}

/** Whether `x` is a sound predict() takes: { samples: Float32Array, sample_rate, channels? } or
 *  an AudioBuffer. */
export const isSound = (x) => (x?.samples instanceof Float32Array && Number.isFinite(x.sample_rate)) || (globalThis.AudioBuffer && x instanceof AudioBuffer);

/** A sound as the worker takes it: [{ samples, sample_rate, channels }, what to transfer]. */
export function soundItem(x) {
  if (globalThis.AudioBuffer && x instanceof AudioBuffer) x = fromBuffer(x);
  const samples = new Float32Array(x.samples);
  return [{ samples, sample_rate: x.sample_rate, channels: x.channels ?? 1 }, [samples.buffer]];
}

/** An audio file's bytes decoded by the browser: { samples (interleaved), channels, sample_rate }
 *  at the file's own rate when its header says it (WAV), else at DECODE_RATE. */
export async function decodeSound(bytes) {
  const buf = bytes instanceof ArrayBuffer ? bytes : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rate = wavRate(new Uint8Array(buf)) ?? DECODE_RATE;
  const ctx = new OfflineAudioContext(1, 1, rate);
  return fromBuffer(await ctx.decodeAudioData(buf));
}

function fromBuffer(audio) {
  const channels = audio.numberOfChannels;
  const samples = new Float32Array(audio.length * channels);
  for (let c = 0; c < channels; c++) {
    const data = audio.getChannelData(c);
    for (let i = 0; i < audio.length; i++) samples[i * channels + c] = data[i];
  }
  return { samples, channels, sample_rate: audio.sampleRate };
}

/** A WAV file's sample rate from its fmt chunk (RIFF…WAVE), or null; only rates the browser's
 *  OfflineAudioContext takes (3 to 768 kHz), so a damaged header falls back to DECODE_RATE. */
function wavRate(b) {
  const tag = (at) => String.fromCharCode(...b.subarray(at, at + 4));
  if (b.length < 44 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return null;
  for (let at = 12; at + 16 <= b.length;) {
    const size = b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24);
    if (tag(at) === 'fmt ') {
      const rate = (b[at + 12] | (b[at + 13] << 8) | (b[at + 14] << 16) | (b[at + 15] << 24)) >>> 0;
      return rate >= 3000 && rate <= 768000 ? rate : null;
    }
    at += 8 + size + (size & 1);
  }
  return null;
}
