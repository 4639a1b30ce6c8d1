// The browser engine through the public JS API (www/tabtune.js), in headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_WEBGPU_ARGS, ROOT, createTabtune, gpuAdapter, makeFixtures, openPage, screenshotPath, startServer, tabtune } from './harness.mjs';
import { softwareAdapter } from '../../www/worker/backend-choice.js';

let fixtures, server;
const T = { timeout: 900_000 };

before(async () => {
  fixtures = makeFixtures();
  // MiniLM with the encoder's dropout off, so a run in the tab and a native one draw no random
  // numbers and must give the same losses step by step
  const nodrop = join(fixtures, 'minilm-nodrop');
  mkdirSync(nodrop);
  const config = JSON.parse(readFileSync(join(ROOT, 'models/all-MiniLM-L6-v2/config.json'), 'utf8'));
  writeFileSync(join(nodrop, 'config.json'), JSON.stringify({ ...config, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 }));
  for (const f of ['model.safetensors', 'tokenizer.json']) symlinkSync(join(ROOT, 'models/all-MiniLM-L6-v2', f), join(nodrop, f));
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** Trains in the page with window.tt; returns { result, losses (per step, as they arrived) }. */
async function train(page, config) {
  return page.evaluate(async (config) => {
    const losses = [];
    const result = await window.tt.train(config, { on_step: (s) => losses.push(s.loss) });
    return { result, losses };
  }, config);
}

async function loadFixture(page, model, data) {
  await page.evaluate(async ([model, data]) => {
    await window.tt.loadModel(model);
    await window.tt.loadData(await (await fetch(data)).text(), { format: data.endsWith('.tsv') ? 'tsv' : 'csv' });
  }, [model, data]);
}

test('WebGPU is found and used when asked for; auto says what it chose and why', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    const webgpu = await createTabtune(page, 'webgpu');
    assert.equal(webgpu.kind, 'webgpu');
    // SwiftShader on a GPU-less machine; a real GPU elsewhere
    const software = softwareAdapter(await gpuAdapter(page));
    // the __wasm_call_ctors fix: after many calls into the wasm its constructors ran once
    const runs = await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await window.tt.loadData('text,label\na,x\nb,y\n');
      await window.tt.predict(['x']).catch(() => null);
      return (await window.tt.diagnostics()).ctor_runs;
    });
    assert.equal(runs, 1);
    const auto = await createTabtune(page, 'auto');
    if (software) {
      assert.equal(auto.kind, 'cpu', `${webgpu.adapter} is software (${software})`);
      assert.match(auto.reason, /software/);
    } else {
      assert.equal(auto.kind, 'webgpu', `${webgpu.adapter} is a hardware adapter`);
      assert.equal(auto.adapter, webgpu.adapter);
    }
  } finally { await browser.close(); }
});

test('the tiny BERT trains to the native losses: the CPU backend (the SIMD build) to 1e-5, WebGPU to 1e-3', T, async () => {
  const out = mkdtempSync(join(tmpdir(), 'tabtune-native-'));
  const config = { layers: 1, epochs: 1, batch_size: 8, max_len: 16, val_split: 0, seed: 0, dropout: 0, lr: 1e-3 };
  tabtune(['train', '--model', join(fixtures, 'tiny'), '--data', join(fixtures, 'toy.csv'), '--out', join(out, 'm'),
    '--layers', '1', '--epochs', '1', '--batch-size', '8', '--max-len', '16', '--val-split', '0', '--seed', '0',
    '--dropout', '0', '--lr', '1e-3', '--steps-out', join(out, 'steps.jsonl')]);
  const native = readFileSync(join(out, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
  assert.equal(native.length, 4, '32 rows / batch 8 = 4 steps');
  for (const backend of ['webgpu', 'cpu']) {
    const { browser, page } = await openPage(server.origin);
    try {
      assert.equal((await createTabtune(page, backend)).kind, backend);
      await loadFixture(page, '/fixtures/tiny/', '/fixtures/toy.csv');
      const { losses } = await train(page, config);
      console.log(`${backend} losses ${losses.join(', ')}; native ${native.join(', ')}`);
      assert.equal(losses.length, native.length);
      // flex in wasm (simd128) and natively (AVX) sum in other orders: ~1e-7 apart, not bit-equal
      const tol = backend === 'cpu' ? 1e-5 : 1e-3;
      losses.forEach((l, i) => assert.ok(Math.abs(l - native[i]) <= tol, `${backend} step ${i + 1}: ${l} vs native ${native[i]}`));
    } finally { await browser.close(); }
  }
});

test('MiniLM fine-tunes in the worker while the page stays responsive; its export scores the same natively', T, async () => {
  const requests = [];
  const { browser, page } = await openPage(server.origin, { requests });
  try {
    const backend = await createTabtune(page, 'auto');
    await loadFixture(page, '/models/all-MiniLM-L6-v2/', '/fixtures/sst2-64.tsv');
    const r = await page.evaluate(async () => {
      let last = performance.now(), worst = 0, running = true;
      const frame = () => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; if (running) requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
      const steps = [], epochs = [];
      const result = await window.tt.train({ layers: 1, epochs: 3, lr: 3e-4, batch_size: 8, max_len: 32, val_split: 0.25, seed: 0 },
        { on_step: (s) => steps.push({ loss: s.loss, at: performance.now() }), on_epoch: (e) => epochs.push(e) });
      running = false;
      const predictions = await window.tt.predict(['a wonderful, moving film', 'dull and lifeless']);
      const evaluated = await window.tt.evaluate(await (await fetch('/fixtures/sst2-64.tsv')).text(), { format: 'tsv' });
      window.exported = await window.tt.exportModel();
      return { result, steps, epochs, worst, predictions, evaluated, files: Object.keys(window.exported) };
    });
    console.log(`backend ${backend.kind}: ${r.steps.length} steps in ${r.result.seconds.toFixed(1)} s; worst frame gap ${r.worst.toFixed(0)} ms`);
    assert.equal(r.steps.length, r.result.info.total_steps);
    assert.ok(r.steps[0].at < r.steps.at(-1).at, 'losses arrive while training');
    assert.equal(r.epochs.length, 3);
    assert.ok(r.epochs[2].train_loss < r.steps[0].loss, `last epoch's loss ${r.epochs[2].train_loss} below the first step's ${r.steps[0].loss}`);
    assert.equal(typeof r.epochs[2].val_acc, 'number');
    assert.ok(r.worst < 200, `a frame waited ${r.worst.toFixed(0)} ms`);
    for (const p of r.predictions) {
      const sum = Object.values(p.probs).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5 && p.label in p.probs, JSON.stringify(p));
    }
    // the exported files leave the page as downloads, as a user would save them
    const dir = mkdtempSync(join(tmpdir(), 'tabtune-export-'));
    assert.deepEqual(r.files.sort(), ['README.md', 'config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const name of r.files) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate((name) => {
        const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(window.exported[name]), download: name });
        document.body.append(a);
        a.click();
      }, name)]);
      await download.saveAs(join(dir, name));
    }
    const native = JSON.parse(tabtune(['eval', '--model', dir, '--data', join(fixtures, 'sst2-64.tsv')]));
    assert.ok(Math.abs(native.acc - r.evaluated.acc) <= 1e-3, `native acc ${native.acc} vs browser ${r.evaluated.acc}`);
    assert.ok(Math.abs(native.macro_f1 - r.evaluated.macro_f1) <= 1e-3);
    const outside = requests.filter((u) => !u.startsWith(server.origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(outside, [], 'no request leaves 127.0.0.1');
    await page.screenshot({ path: screenshotPath('engine-minilm') });
  } finally { await browser.close(); }
});

test('MiniLM fine-tunes on WebGPU to the native losses, step by step (a small run: SwiftShader is slow)', T, async () => {
  const out = mkdtempSync(join(tmpdir(), 'tabtune-native-'));
  tabtune(['train', '--model', join(fixtures, 'minilm-nodrop'), '--data', join(fixtures, 'sst2-16.tsv'), '--out', join(out, 'm'),
    '--layers', '1', '--epochs', '2', '--lr', '5e-4', '--batch-size', '4', '--max-len', '24', '--val-split', '0.25', '--seed', '0',
    '--dropout', '0', '--steps-out', join(out, 'steps.jsonl')]);
  const native = readFileSync(join(out, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
  const { browser, page } = await openPage(server.origin);
  try {
    assert.equal((await createTabtune(page, 'webgpu')).kind, 'webgpu');
    await loadFixture(page, '/fixtures/minilm-nodrop/', '/fixtures/sst2-16.tsv');
    const r = await page.evaluate(async () => {
      const steps = [], epochs = [];
      const result = await window.tt.train({ layers: 1, epochs: 2, lr: 5e-4, batch_size: 4, max_len: 24, val_split: 0.25, seed: 0, dropout: 0 },
        { on_step: (s) => steps.push(s.loss), on_epoch: (e) => epochs.push(e) });
      const [p] = await window.tt.predict(['a wonderful, moving film']);
      return { result, steps, epochs, p };
    });
    console.log(`webgpu MiniLM losses ${r.steps.map((l) => l.toFixed(5)).join(', ')} in ${r.result.seconds.toFixed(0)} s; native ${native.map((l) => l.toFixed(5)).join(', ')}`);
    assert.equal(r.steps.length, 6, '12 rows / batch 4 × 2 epochs');
    assert.equal(native.length, 6);
    // silent garbage from a shader would pass "the loss fell"; it cannot pass this
    r.steps.forEach((l, i) => assert.ok(Math.abs(l - native[i]) <= 1e-3, `step ${i + 1}: WebGPU ${l} vs native ${native[i]}`));
    assert.equal(typeof r.epochs[1].val_acc, 'number');
    assert.ok(Math.abs(Object.values(r.p.probs).reduce((a, b) => a + b, 0) - 1) < 1e-5);
  } finally { await browser.close(); }
});

test('cancel settles train within a second, and a second train works', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    await loadFixture(page, '/models/all-MiniLM-L6-v2/', '/fixtures/sst2-64.tsv');
    const r = await page.evaluate(async () => {
      let cancelledAt = 0;
      const run = window.tt.train({ layers: 1, epochs: 20, batch_size: 4, max_len: 24, val_split: 0 },
        { on_step: (s) => { if (s.step === 2 && !cancelledAt) { cancelledAt = performance.now(); window.tt.cancel(); } } });
      const first = await run;
      const settle = performance.now() - cancelledAt;
      const second = await window.tt.train({ layers: 1, epochs: 1, batch_size: 16, max_len: 24, val_split: 0 });
      return { first, settle, second };
    });
    assert.equal(r.first.cancelled, true);
    assert.ok(r.settle < 1000, `settled ${r.settle.toFixed(0)} ms after cancel`);
    assert.equal(r.second.cancelled, false);
    assert.equal(r.second.epochs.length, 1);
  } finally { await browser.close(); }
});

test('without WebGPU, auto falls back to the CPU, says so, and trains', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    const backend = await createTabtune(page, 'auto');
    assert.equal(backend.kind, 'cpu');
    assert.match(backend.reason, /no WebGPU/);
    await loadFixture(page, '/fixtures/tiny/', '/fixtures/toy.csv');
    const { result } = await train(page, { layers: 1, epochs: 1, batch_size: 8, max_len: 16, val_split: 0 });
    assert.equal(result.epochs.length, 1);
    await assert.rejects(page.evaluate(async () => { const { Tabtune } = await import('/tabtune.js'); await Tabtune.create({ backend: 'webgpu' }); }), /WebGPU is not available/);
  } finally { await browser.close(); }
});

test('bad input rejects with a message naming the problem, and the session still works', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    await page.evaluate(() => window.tt.loadModel('/fixtures/tiny/'));
    const errors = await page.evaluate(async () => {
      const attempt = (p) => p.then(() => 'resolved', (e) => e.message);
      const binary = new Uint8Array(256).map((_, i) => (i * 37) % 256);
      return {
        empty: await attempt(window.tt.loadData('')),
        noLabel: await attempt(window.tt.loadData('text\nhello\nworld\n')),
        oneClass: await attempt(window.tt.loadData('text,label\na,x\nb,x\nc,x\n')),
        binary: await attempt(window.tt.loadData(binary)),
        depth: await (async () => { await window.tt.loadData(await (await fetch('/fixtures/toy.csv')).text()); return attempt(window.tt.train({ layers: 9 })); })(),
        badModel: await attempt(window.tt.loadModel('/fixtures/no-such-model/')),
      };
    });
    assert.match(errors.empty, /empty/);
    assert.match(errors.noLabel, /label column/);
    assert.match(errors.oneClass, /only one class/);
    assert.match(errors.binary, /not UTF-8/);
    assert.match(errors.depth, /layers = 9 but the model has 2 encoder layers/);
    assert.match(errors.badModel, /HTTP 404/);
    const still = await page.evaluate(async () => {
      await window.tt.loadData(await (await fetch('/fixtures/toy.csv')).text());
      await window.tt.train({ layers: 1, epochs: 1, batch_size: 8, max_len: 16 });
      return (await window.tt.predict(['a great film']))[0].label;
    });
    assert.ok(['pos', 'neg'].includes(still));
  } finally { await browser.close(); }
});
