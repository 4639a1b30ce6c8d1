// Runs on WebGPU through the public JS API: the self-check before the first real step (and its
// fallback to the CPU backend), a CPU run untouched by the abandoned GPU device, a GPU device
// lost mid-run whose last checkpoint resumes on the CPU, and one lost while a run is paused. Each skips (saying why) where the
// browser has no WebGPU adapter. run-page.mjs has the fixtures and the page's helpers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { T, makeRunFixtures, needsWebGPU, openRunPage } from './run-page.mjs';

let server;
before(async () => { server = await startServer(makeRunFixtures()); });
after(() => server?.stop());

test('the WebGPU self-check passes on a working adapter and falls back to the CPU when it fails', T, async (t) => {
  const { browser, page } = await openRunPage(server.origin);
  try {
    if (!(await needsWebGPU(t, page))) return;
    const r = await page.evaluate(async () => {
      const { Tabtune } = await import('/tabtune.js');
      const good = await Tabtune.create({ backend: 'webgpu' });
      good.dispose();
      const bad = await Tabtune.create({ backend: 'webgpu', debug: { corrupt_self_check: true } });
      bad.dispose();
      return { good: good.backend, bad: bad.backend };
    });
    console.log(`self-check: ${JSON.stringify(r.good.self_check)}; corrupted: ${r.bad.reason}`);
    assert.equal(r.good.kind, 'webgpu');
    assert.equal(r.good.self_check.passed, true);
    assert.ok(Number(r.good.self_check.max_diff) <= 1e-3, `max_diff ${r.good.self_check.max_diff}`);
    assert.equal(r.bad.kind, 'cpu');
    assert.match(r.bad.reason, /differently/);
    assert.equal(r.bad.self_check.passed, false);
  } finally { await browser.close(); }
});

test('after a failed self-check the CPU run is not touched by the abandoned GPU device', T, async (t) => {
  const { browser, page } = await openRunPage(server.origin);
  try {
    if (!(await needsWebGPU(t, page))) return;
    const r = await page.evaluate(async () => {
      const tt = await window.fresh('webgpu', '/fixtures/toy64.csv', { corrupt_self_check: true });
      let lost = null, hook = null;
      tt.on_device_lost = (e) => { lost = e; };
      const config = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0, seed: 0, lr: 1e-3 };
      // the hook destroys whatever GPU device the worker made: on a CPU session there is none in use
      const run = await window.record('cpu', (on) => tt.train(config, on), {
        on_step: (s) => { if (s.step === 2) hook = tt.debugLoseDevice(); },
      });
      return { backend: tt.backend.kind, lost, hook: await hook, run: window.plain(run) };
    });
    console.log(`fallback ${r.backend}: debugLoseDevice → ${r.hook}; device-lost ${JSON.stringify(r.lost)}; `
      + `run ${r.run.error ? `failed: ${r.run.error.message}` : `cancelled ${r.run.result.cancelled}, ${r.run.steps.length} steps`}`);
    assert.equal(r.backend, 'cpu');
    assert.equal(r.run.error, undefined, r.run.error?.message);
    assert.equal(r.run.result.cancelled, false, 'the CPU run was cancelled by a GPU device it does not use');
    assert.equal(r.run.result.epochs.length, 2);
    assert.equal(r.lost, null, 'on_device_lost fired on a CPU session');
    assert.equal(r.hook, false, 'debugLoseDevice says false when not on WebGPU');
  } finally { await browser.close(); }
});

test('a GPU device lost mid-run: the run fails, and its last checkpoint resumes on the CPU to the end', T, async (t) => {
  const { browser, page } = await openRunPage(server.origin);
  try {
    if (!(await needsWebGPU(t, page))) return;
    const r = await page.evaluate(async () => {
      // 16 rows / batch 4 = 4 steps an epoch, 3 epochs: a dozen steps, enough on SwiftShader
      const config = { layers: 1, epochs: 3, batch_size: 4, max_len: 16, val_split: 0, seed: 4, lr: 1e-3 };
      const tt = await window.fresh('webgpu', '/fixtures/toy16.csv');
      const lost = [];
      let sawLoss;
      const lossSeen = new Promise((resolve) => { sawLoss = resolve; });
      tt.on_device_lost = (e) => { lost.push(e); sawLoss(); };
      let hook = null;
      const seen = { steps: [], losses: [], epochs: [], checkpoints: [] };
      const hang = new Promise((resolve) => setTimeout(() => resolve({ ...seen, error: { message: 'train did not settle in 120 s after the device loss' } }), 120_000));
      const gpu = await Promise.race([hang, window.record('gpu', (on) => tt.train(config, on), {
        on_step: (s) => { seen.steps.push(s.step); seen.losses.push(s.loss); },
        on_checkpoint: (c) => { seen.checkpoints.push(c); hook ??= tt.debugLoseDevice(); },
      })]);
      // the failing step's error may arrive before the device's `lost` promise settles
      await Promise.race([lossSeen, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      const kind = tt.backend.kind;
      tt.dispose();
      const cpu = await window.fresh('cpu', '/fixtures/toy16.csv');
      const bytes = gpu.checkpoints?.at(-1)?.bytes;
      const resumed = bytes ? await window.record('resumed', (on) => cpu.resume(bytes, on)) : null;
      return { kind, lost, hook: await hook, gpu: window.plain(gpu), resumed: resumed && window.plain(resumed) };
    });
    const { gpu, resumed } = r;
    console.log(`webgpu run: ${gpu.steps.length} steps, checkpoints at ${gpu.checkpoints.map((c) => c.step).join(', ')}; `
      + `device lost ${JSON.stringify(r.lost)}; ${gpu.error ? `failed: ${gpu.error.message}` : `resolved, cancelled ${gpu.result.cancelled}`}`);
    assert.equal(r.kind, 'webgpu');
    assert.equal(r.hook, true, 'debugLoseDevice destroyed a device');
    assert.equal(r.lost.length, 1, 'on_device_lost fired once');
    assert.ok(gpu.error, `train resolved after the device was lost: ${JSON.stringify(gpu.result && { cancelled: gpu.result.cancelled })}`);
    const spe = 4;
    const ckpt = gpu.checkpoints.at(-1);
    assert.equal(ckpt.finished, false);
    assert.equal(ckpt.step % spe, 0, `the last checkpoint (step ${ckpt.step}) is an epoch end's, delivered before the loss`);
    assert.ok(resumed, 'no checkpoint to resume');
    assert.equal(resumed.error, undefined, resumed.error?.message);
    console.log(`resumed on the CPU from step ${resumed.result.info.step}: losses ${resumed.losses.map((l) => l.toFixed(4)).join(', ')}`);
    assert.equal(resumed.result.info.step, ckpt.step);
    assert.equal(resumed.result.cancelled, false);
    assert.equal(resumed.result.epochs.length, 3, 'the epochs cover the whole run');
    assert.deepEqual(resumed.result.epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.equal(resumed.steps.length, 3 * spe - ckpt.step);
    assert.ok(resumed.losses.every(Number.isFinite));
  } finally { await browser.close(); }
});

test('a GPU device lost while a run is paused ends the run (it does not wait forever)', T, async (t) => {
  const { browser, page } = await openRunPage(server.origin);
  try {
    if (!(await needsWebGPU(t, page))) return;
    const r = await page.evaluate(async () => {
      const config = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0, seed: 4, lr: 1e-3 };
      const tt = await window.fresh('webgpu', '/fixtures/toy16.csv');
      let hook = null;
      const hang = new Promise((resolve) => setTimeout(() => resolve({ error: { message: 'train did not settle in 60 s after the device loss' }, hung: true }), 60_000));
      // step mode: paused once the frozen layers are cached; the device goes while it waits
      const run = await Promise.race([hang, window.record('paused', (on) => tt.train(config, {
        ...on, paused: true, on_paused: () => { hook ??= tt.debugLoseDevice(); },
      }))]);
      const kind = tt.backend.kind;
      tt.dispose();
      return { kind, hook: await hook, run: window.plain(run) };
    });
    console.log(`paused webgpu run, device lost: ${r.run.hung ? 'hung' : r.run.error ? `failed: ${r.run.error.message}` : 'resolved'}`);
    assert.equal(r.kind, 'webgpu');
    assert.equal(r.hook, true, 'debugLoseDevice destroyed a device');
    assert.notEqual(r.run.hung, true, r.run.error?.message);
    assert.match(r.run.error?.message ?? '', /GPU device was lost/);
  } finally { await browser.close(); }
});
