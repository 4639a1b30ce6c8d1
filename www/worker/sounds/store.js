// The worker's sounds: every clip the page added (decoded files, microphone recordings), kept as
// the one-second 16 kHz clip the core's one rule made of it (sound_clip, the CLI's to_clip), with
// a waveform outline for the page's thumbnail. Files are gathered here (folders, zips: the image
// kind's collect.js, whose placing rules are the core's) but decoded by the page: decodeAudioData
// exists only there. The clip set is handed to the session when a run needs it.
import { image_class_order, sound_clip } from '../../pkg/tabtune.js';
import { collect } from '../images/collect.js';
import { rulesReady } from '../images/problems.js';
import { cleanLabel, removeClass, renameClass } from '../classes.js';

export const SOUND_REQUESTS = ['soundsCollect', 'soundsAdd', 'soundsRemove', 'soundsRenameClass', 'soundsRemoveClass', 'soundsClear'];
const CLIP = 16000;
// 64 KB a clip, copied once more into the wasm for a run: 5,000 clips (~83 minutes of words)
// take ~0.7 GB of a tab that has 4 GB of address space in all
export const MAX_CLIPS = 5000;
// columns of the waveform thumbnail: a min and a max each
const COLUMNS = 100;

const clips = new Map(); // id → { name, label, clip: Float32Array(16000) }
let nextId = 1;
let changed = true; // the session has not seen the current set

/** One sound request (type in SOUND_REQUESTS). */
export async function soundsCall(msg) {
  switch (msg.type) {
    // folders and zips → the files' bytes and classes, for the page to decode
    case 'soundsCollect': {
      await rulesReady();
      const label = msg.label == null ? null : cleanLabel(msg.label);
      const { files, problems, notes } = await collect(msg.items || [], label);
      const out = [];
      for (const f of files) out.push({ name: f.name, label: f.label, bytes: await f.bytes() });
      return { files: out, problems, notes };
    }
    case 'soundsAdd': return { ...add(msg.sounds || []), data: summary() };
    case 'soundsRemove': {
      for (const id of msg.ids || []) clips.delete(id);
      changed = true;
      return { data: summary() };
    }
    case 'soundsRenameClass': {
      renameClass(clips, msg.from, msg.to);
      changed = true;
      return { data: summary() };
    }
    case 'soundsRemoveClass': {
      const removed = removeClass(clips, msg.label, (id) => clips.delete(id));
      changed = true;
      return { removed, data: summary() };
    }
    case 'soundsClear': clips.clear(); changed = true; return { data: summary() };
    default: throw new Error(`unknown sound request '${msg.type}'`);
  }
}

// sounds: [{ name, label, samples (Float32Array, interleaved), channels, sample_rate } | { name,
// problem }] (a file the page could not decode). A sound the clip rule refuses is a problem of its
// own; the others are kept.
function add(sounds) {
  const total = clips.size + sounds.filter((s) => !s.problem).length;
  if (total > MAX_CLIPS) {
    throw new Error(`that would make ${total.toLocaleString('en')} clips; a tab keeps at most ${MAX_CLIPS.toLocaleString('en')} (~${Math.round(MAX_CLIPS * 0.14)} MB) so that training does not run out of memory. `
      + 'Add fewer (the clips you had are kept), or train on the whole folder with the command line: tabtune train --task audio --data FOLDER');
  }
  const added = [];
  const problems = [];
  for (const s of sounds) {
    if (s.problem) { problems.push({ name: s.name, message: s.problem }); continue; }
    let clip;
    try {
      clip = sound_clip(s.samples, s.channels || 1, Math.round(s.sample_rate));
    } catch (e) {
      problems.push({ name: s.name, message: e.message || String(e) });
      continue;
    }
    const label = cleanLabel(s.label);
    const id = nextId++;
    clips.set(id, { name: s.name, label, clip });
    added.push({ id, name: s.name, label, peaks: peaks(clip) });
  }
  if (added.length) changed = true;
  problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { added, problems, notes: [] };
}

/** The clip's outline: per column its lowest then its highest sample. */
export function peaks(clip) {
  const out = new Float32Array(2 * COLUMNS);
  const per = clip.length / COLUMNS;
  for (let c = 0; c < COLUMNS; c++) {
    let lo = 0, hi = 0;
    for (let i = Math.floor(c * per); i < Math.floor((c + 1) * per); i++) { lo = Math.min(lo, clip[i]); hi = Math.max(hi, clip[i]); }
    out[2 * c] = lo;
    out[2 * c + 1] = hi;
  }
  return out;
}

// classes in the order every run indexes them (the core's rule), with the worker's counts
function summary() {
  const classes = image_class_order([...new Set([...clips.values()].map((c) => c.label))]);
  const counts = new Map(classes.map((c) => [c, 0]));
  for (const c of clips.values()) counts.set(c.label, counts.get(c.label) + 1);
  return { clips: clips.size, classes: classes.map((name) => ({ name, count: counts.get(name) })) };
}

/** Hands the session the clip set if it changed since the last run. */
export function syncSounds(session) {
  if (!changed) return;
  const classes = image_class_order([...new Set([...clips.values()].map((c) => c.label))]);
  const index = new Map(classes.map((c, i) => [c, i]));
  const list = [...clips.values()];
  const samples = new Float32Array(CLIP * list.length);
  list.forEach((c, i) => samples.set(c.clip, i * CLIP));
  session.set_clips(classes, list.map((c) => c.name), new Uint32Array(list.map((c) => index.get(c.label))), samples);
  changed = false;
}
