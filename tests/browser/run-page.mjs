// Shared by the runs*.test.mjs files (training runs through the public JS API): their fixtures
// and a page with helpers to start runs and keep what they report; the tiny random BERT
// (/fixtures/tiny/) throughout, so a run takes seconds even on a 2-core CPU.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, TABTUNE, gpuAdapter, makeFixtures, openPage, toyCsv } from './harness.mjs';

export const T = { timeout: 300_000 };


/** The harness's fixtures plus a second tiny BERT and the toy data sets these tests load. */
export function makeRunFixtures() {
  const fixtures = makeFixtures();
  // a second tiny BERT (seed 2): had a mid-run load of it slipped through, the base fingerprint would change
  execFileSync(join(dirname(TABTUNE), 'examples/tiny_model'), [join(fixtures, 'tiny2'), '2'], { cwd: ROOT });
  // 64 rows: with val_split 0.25, 48 train rows / batch 4 = 12 steps an epoch; with val_split 0, 16
  writeFileSync(join(fixtures, 'toy64.csv'), toyCsv(64, ['pos', 'neg']));
  writeFileSync(join(fixtures, 'toy3.csv'), toyCsv(30, ['pos', 'neg', 'meh']));
  // 16 rows / batch 4 = 4 steps an epoch: small enough for WebGPU on SwiftShader
  writeFileSync(join(fixtures, 'toy16.csv'), toyCsv(16, ['pos', 'neg']));
  return fixtures;
}

/** A page with two helpers: `fresh(backend, data, debug)` (a new Tabtune, i.e. a new worker and
 *  wasm instance, with the tiny BERT and `data` loaded) and `record(start, hooks)`, which runs
 *  `start(handlers)` (a train or resume) and keeps what it reported: { started (TrainInfo),
 *  steps, losses, epochs, checkpoints (bytes as Uint8Array), result | error, order }. `plain(x)`
 *  turns checkpoint bytes into arrays for the trip back to node. */
export async function openRunPage(origin) {
  const { browser, page } = await openPage(origin);
  await page.evaluate(() => {
    window.fresh = async (backend = 'cpu', data = '/fixtures/toy64.csv', debug = undefined) => {
      const { Tabtune } = await import('/tabtune.js');
      const tt = await Tabtune.create({ backend, debug });
      await tt.loadModel('/fixtures/tiny/');
      await tt.loadData(await (await fetch(data)).text(), { format: 'csv' });
      return tt;
    };
    window.order = [];
    window.record = async (name, start, hooks = {}) => {
      const r = { started: null, steps: [], losses: [], epochs: [], checkpoints: [] };
      const handlers = {
        on_start: (e) => { r.started = e.info; window.order.push(`${name} started`); hooks.on_start?.(e); },
        on_step: (s) => { r.steps.push(s.step); r.losses.push(s.loss); hooks.on_step?.(s); },
        on_epoch: (e) => { r.epochs.push(e); hooks.on_epoch?.(e); },
        on_checkpoint: (c) => { r.checkpoints.push(c); hooks.on_checkpoint?.(c); },
      };
      try { r.result = await start(handlers); } catch (e) { r.error = { message: e.message, state: e.state }; }
      window.order.push(`${name} ${r.error ? 'failed' : 'settled'}`);
      return r;
    };
    window.plain = (r) => ({ ...r, checkpoints: r.checkpoints.map((c) => ({ ...c, bytes: Array.from(c.bytes) })) });
    // a refusal's message and the run the worker said it holds, or 'resolved'
    window.outcome = (p) => p.then(() => 'resolved', (e) => ({ message: e.message, run_id: e.state?.run_id ?? null, state: e.state }));
  });
  return { browser, page };
}

/** A safetensors file's tensors (all f32 here), by name, and its metadata. */
export function readSafetensors(bytes) {
  const buf = Buffer.from(bytes);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const data = buf.subarray(8 + n);
  const tensors = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    assert.equal(t.dtype, 'F32', `${name} is ${t.dtype}`);
    const [a, b] = t.data_offsets;
    tensors[name] = { shape: t.shape, values: new Float32Array(data.buffer.slice(data.byteOffset + a, data.byteOffset + b)) };
  }
  return { meta: header.__metadata__, tensors };
}

export const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

/** Skips `t` (saying why) when the browser offers no WebGPU adapter at all. */
export async function needsWebGPU(t, page) {
  if (await gpuAdapter(page)) return true;
  const why = 'navigator.gpu.requestAdapter() gave null: this browser has no WebGPU adapter';
  console.log(`skipped: ${why}`);
  t.skip(why);
  return false;
}
