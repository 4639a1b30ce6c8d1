// Sounds through the JS API on the CPU backend: the spoken words' zip and a clip in every format
// the browser decodes (WAV, Ogg, FLAC, MP3, and WebM/Opus recorded in the page), refusals named
// per file, a run, and the tab's predictions of held-out voices equal to the CLI's on the
// downloaded folder; then the quality run of
// tests/it/speech_train.rs in the tab, held to the same bound.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, createTabtune, makeFixtures, openPage, startServer, tabtune } from './harness.mjs';

let server;
const T = { timeout: 900_000 };
const WORDS = '/models/samples/spoken-words';
// tests/it/speech_train.rs's quality run, and its bound
const QUALITY = { layers: 9, epochs: 8, lr: 1e-3, dropout: 0.1, label_smoothing: 0.1, val_split: 0, seed: 0 };
const QUALITY_BOUND = 0.9;

before(async () => { server = await startServer(makeFixtures()); });
after(() => server?.stop());

/** The held-out voices' files: [{ url, label }], by class then name. */
function heldOut() {
  const dir = join(ROOT, 'models/samples/spoken-words/test');
  return readdirSync(dir).sort().flatMap((label) => readdirSync(join(dir, label)).sort().map((f) => ({ url: `${WORDS}/test/${label}/${f}`, label, path: join(dir, label, f) })));
}

/** A mono 16-bit WAV of `samples` (−1..1) at `rate`. */
function wav(samples, rate) {
  const b = Buffer.alloc(44 + 2 * samples.length);
  b.write('RIFF', 0); b.writeUInt32LE(36 + 2 * samples.length, 4); b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(2 * rate, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(2 * samples.length, 40);
  samples.forEach((v, i) => b.writeInt16LE(Math.round(v * 32767), 44 + 2 * i));
  return b;
}

test('sounds: a zip of class folders and every format the browser decodes; bad files named; the tab predicts held-out voices as the CLI does from the download', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    const silent = [...wav(new Array(16000).fill(0), 16000)];
    const files = heldOut().filter((_, i) => i % 24 === 0); // a voice per word
    const r = await page.evaluate(async ([WORDS, silent, files]) => {
      const tt = window.tt;
      const { decodeSound } = await import('/api/sounds.js');
      const get = async (url) => new File([await (await fetch(url)).blob()], url.split('/').pop());
      const model = await tt.loadModel(`${WORDS}/../../speech-embedding/`);
      const zip = await tt.addSounds([await get(`${WORDS}/train.zip`)]);
      // WebM (Opus) as a browser records one: the WAV played through a MediaRecorder, in real time
      const webm = await (async () => {
        const ctx = new AudioContext({ sampleRate: 48000 });
        await ctx.resume();
        const src = ctx.createBufferSource();
        src.buffer = await ctx.decodeAudioData(await (await fetch(`${WORDS}/formats/yes.wav`)).arrayBuffer());
        const dest = ctx.createMediaStreamDestination();
        src.connect(dest);
        const rec = new MediaRecorder(dest.stream, { mimeType: 'audio/webm;codecs=opus' });
        const chunks = [];
        rec.ondataavailable = (e) => chunks.push(e.data);
        const stopped = new Promise((resolve) => { rec.onstop = resolve; });
        rec.start();
        src.start();
        await new Promise((resolve) => setTimeout(resolve, 1300));
        rec.stop();
        await stopped;
        await ctx.close();
        return new File(chunks, 'yes.webm', { type: 'audio/webm' });
      })();
      const formats = await tt.addSounds([...await Promise.all(['wav', 'ogg', 'flac', 'mp3'].map((x) => get(`${WORDS}/formats/yes.${x}`))), webm,
        new File(['not audio'], 'notes.wav'), new File([new Uint8Array(silent)], 'quiet.wav')], { label: 'yes' });
      const back = await tt.removeSounds(formats.added.map((a) => a.id));
      await tt.train({ task: 'audio', layers: 2, epochs: 2, lr: 1e-3, batch_size: 16, val_split: 0.2, seed: 0, augment: { copies: 1 } });
      const sounds = await Promise.all(files.map(async (f) => decodeSound(new Uint8Array(await (await fetch(f.url)).arrayBuffer()))));
      const preds = await tt.predict(sounds);
      const one = await tt.predict(sounds[0]);
      const folder = await tt.exportModel({ kind: 'audio' });
      const bytes = {};
      for (const [name, blob] of Object.entries(folder)) bytes[name] = [...new Uint8Array(await blob.arrayBuffer())];
      return { model, zip: zip.data, notes: zip.notes, formats: { added: formats.added.map((a) => [a.name, a.peaks.length]), problems: formats.problems }, back: back.data, preds, one, bytes };
    }, [WORDS, silent, files]);
    assert.equal(r.model.kind, 'audio');
    assert.equal(r.zip.clips, 680);
    assert.deepEqual(r.zip.classes.map((c) => [c.name, c.count]), ['down', 'go', 'left', 'no', 'right', 'stop', 'up', 'yes'].map((w) => [w, 85]));
    assert.deepEqual(r.formats.added, ['yes.wav', 'yes.ogg', 'yes.flac', 'yes.mp3', 'yes.webm'].map((n) => [n, 200]), 'each format decoded, with a 100-column outline');
    assert.deepEqual(r.formats.problems.map((p) => p.name), ['notes.wav', 'quiet.wav']);
    assert.match(r.formats.problems[0].message, /could not decode it as audio/);
    assert.match(r.formats.problems[1].message, /the clip is silent/);
    assert.equal(r.back.clips, 680, 'removeSounds takes them out again');
    assert.equal(r.one.label, r.preds[0].label);
    assert.ok(r.one.ms > 0);

    // the folder's model card names the base and its licence as the base folder's card does
    const card = Buffer.from(r.bytes['README.md']).toString();
    assert.match(card, /^base_model: "google\/speech_embedding"$/m);
    assert.match(card, /^license: "other"$/m);
    assert.match(card, /^pipeline_tag: "audio-classification"$/m);

    // the downloaded folder, run natively on the same files: the same probabilities
    const dir = mkdtempSync(join(tmpdir(), 'tabtune-sound-'));
    for (const [name, bytes] of Object.entries(r.bytes)) writeFileSync(join(dir, name), Buffer.from(bytes));
    let worst = 0;
    files.forEach((f, i) => {
      const [native] = tabtune(['predict', '--model', dir, '--input', f.path]).trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(native.label, r.preds[i].label, f.url);
      for (const [label, p] of Object.entries(native.probs)) worst = Math.max(worst, Math.abs(p - r.preds[i].probs[label]));
    });
    console.log(`# ${files.length} held-out clips: tab vs CLI on the downloaded folder, max |Δp| ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-4, `tab and CLI differ by ${worst}`);
  } finally { await browser.close(); }
});

test('in the tab, the spoken words of voices held out of training: the quality run of tests/it/speech_train.rs, held to the same bound', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    // the page's default engine: the CPU backend here, WebGPU where a real GPU is found
    await createTabtune(page, 'auto');
    const files = heldOut();
    const r = await page.evaluate(async ([WORDS, files, recipe]) => {
      const tt = window.tt;
      const { decodeSound } = await import('/api/sounds.js');
      await tt.loadModel(`${WORDS}/../../speech-embedding/`);
      await tt.addSounds([new File([await (await fetch(`${WORDS}/train.zip`)).blob()], 'train.zip')]);
      const t0 = performance.now();
      await tt.train({ task: 'audio', ...recipe });
      const seconds = (performance.now() - t0) / 1000;
      const sounds = await Promise.all(files.map(async (f) => decodeSound(new Uint8Array(await (await fetch(f.url)).arrayBuffer()))));
      const preds = await tt.predict(sounds);
      return { labels: preds.map((p) => p.label), seconds, backend: tt.backend.kind };
    }, [WORDS, files.map(({ url }) => ({ url })), QUALITY]);
    const right = r.labels.filter((l, i) => l === files[i].label).length;
    const acc = right / files.length;
    console.log(`# held-out voices in the tab (${r.backend}): ${right} of ${files.length} = ${acc.toFixed(3)}; the run took ${r.seconds.toFixed(0)} s`);
    assert.equal(files.length, 192);
    assert.ok(acc >= QUALITY_BOUND, `held-out voices in the tab: ${acc.toFixed(3)} < ${QUALITY_BOUND}`);
  } finally { await browser.close(); }
});
