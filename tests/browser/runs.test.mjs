// Training runs through the public JS API (www/tabtune.js): one run at a time, "cancel, then train
// at once", loads refused mid-run, `init: pretrained | continue`, resume from a checkpoint, the
// WebGPU self-check and a lost GPU device. Everything runs the tiny random BERT (/fixtures/tiny/),
// so a run takes seconds even on a 2-core CPU; exact comparisons run on the CPU backend.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, TABTUNE, gpuAdapter, makeFixtures, openPage, startServer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };

/** `n` distinct rows cycling through `labels` (a duplicate text would be dropped by loadData). */
function toyCsv(n, labels) {
  const words = { pos: ['great', 'wonderful', 'lovely', 'superb'], neg: ['awful', 'terrible', 'boring', 'dull'], meh: ['okay', 'fine', 'average', 'plain'] };
  let csv = 'text,label\n';
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length];
    csv += `a ${words[label][i % 4]} film number ${i},${label}\n`;
  }
  return csv;
}

before(async () => {
  fixtures = makeFixtures();
  // a second tiny BERT (seed 2): had a mid-run load of it slipped through, the base fingerprint would change
  execFileSync(join(dirname(TABTUNE), 'examples/tiny_model'), [join(fixtures, 'tiny2'), '2'], { cwd: ROOT });
  // 64 rows: with val_split 0.25, 48 train rows / batch 4 = 12 steps an epoch; with val_split 0, 16
  writeFileSync(join(fixtures, 'toy64.csv'), toyCsv(64, ['pos', 'neg']));
  writeFileSync(join(fixtures, 'toy3.csv'), toyCsv(30, ['pos', 'neg', 'meh']));
  // 16 rows / batch 4 = 4 steps an epoch: small enough for WebGPU on SwiftShader
  writeFileSync(join(fixtures, 'toy16.csv'), toyCsv(16, ['pos', 'neg']));
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** A page with two helpers: `fresh(backend, data, debug)` (a new Tabtune, i.e. a new worker and
 *  wasm instance, with the tiny BERT and `data` loaded) and `record(start, hooks)`, which runs
 *  `start(handlers)` (a train or resume) and keeps what it reported: { started (TrainInfo),
 *  steps, losses, epochs, checkpoints (bytes as Uint8Array), result | error, order }. `plain(x)`
 *  turns checkpoint bytes into arrays for the trip back to node. */
async function openRunPage() {
  const { browser, page } = await openPage(server.origin);
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
function readSafetensors(bytes) {
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

const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

test('cancel, then train at once: the first run stops, the second runs all its epochs', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      const tt = await window.fresh('cpu');
      const config = { layers: 1, epochs: 3, batch_size: 4, max_len: 16, val_split: 0, seed: 0, lr: 1e-3 };
      let second = null, first_id;
      const first = await window.record('first', (on) => tt.train(config, on), {
        on_step: (s) => {
          if (s.step !== 2 || second) return;
          tt.cancel();
          // same tick: the worker gets the cancel, then this train, before run 1 has wound down
          second = window.record('second', (on) => tt.train({ ...config, epochs: 2 }, on), {
            // a cancel naming the first run arrives after the second began: it must not touch it
            on_start: () => tt.cancel(first_id),
          });
        },
        on_start: ({ info }) => { first_id = info.run_id; },
      });
      return { first: window.plain(first), second: window.plain(await second), order: window.order };
    });
    const { first, second } = r;
    console.log(`first run ${first.result?.run_id}: ${first.steps.length} steps, cancelled ${first.result?.cancelled}; `
      + `second run ${second.result?.run_id}: ${second.steps.length} of ${second.started?.total_steps} steps; order ${r.order.join(' → ')}`);
    assert.equal(first.error, undefined, `the first run failed: ${first.error?.message}`);
    assert.equal(second.error, undefined, `the second run failed: ${second.error?.message}`);
    assert.equal(first.result.cancelled, true);
    assert.ok(first.steps.length < first.result.info.total_steps, 'the first run stopped early');
    assert.equal(second.result.cancelled, false);
    assert.notEqual(second.result.run_id, first.result.run_id);
    assert.equal(second.started.run_id, second.result.run_id, 'on_start gives the run_id the result has');
    assert.equal(second.result.epochs.length, 2);
    assert.equal(second.steps.length, second.result.info.total_steps);
    assert.deepEqual(second.steps, second.steps.map((_, i) => i + 1), 'the second run starts at step 1');
    assert.deepEqual(r.order, ['first started', 'first settled', 'second started', 'second settled'], 'the second run starts after the first ended');
  } finally { await browser.close(); }
});

test('a run cancelled before its first step keeps the model the session had (none, here)', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      const tt = await window.fresh('cpu');
      const run = await window.record('early', (on) => tt.train({ layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0 }, on),
        { on_start: (e) => tt.cancel(e.info.run_id) });
      return { cancelled: run.result?.cancelled, steps: run.steps.length, model: run.result?.state ? run.result.state.model : 'missing', after: (await tt.state()).model };
    });
    assert.equal(r.cancelled, true);
    assert.equal(r.steps, 0, 'cancelled before any step');
    assert.equal(r.model, null, 'an untrained head is not offered as a fine-tuned model');
    assert.equal(r.after, null);
  } finally { await browser.close(); }
});

test('a train while an epoch ends (validation in flight) is refused and leaves the run as it would be alone', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      // 64 rows, val_split 0.25 → 48 train rows / batch 4 = 12 steps an epoch, 2 epochs
      const config = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0.25, seed: 1, lr: 1e-3, dropout: 0.1 };
      const tt = await window.fresh('cpu');
      const refusals = [];
      let spe = 0;
      const busy = await window.record('busy', (on) => tt.train(config, on), {
        on_start: ({ info }) => { spe = info.steps_per_epoch; },
        // step 11's event: step 12 (the epoch's last, with validation) is what the worker does now
        on_step: (s) => { if (s.step === spe - 1 || s.step === spe) refusals.push(window.outcome(tt.train(config))); },
        on_epoch: (e) => { if (e.epoch === 1) refusals.push(window.outcome(tt.train(config))); },
      });
      const refused = await Promise.all(refusals);
      tt.dispose();
      const other = await window.fresh('cpu');
      const alone = await window.record('alone', (on) => other.train(config, on));
      return { busy: window.plain(busy), alone: window.plain(alone), refused };
    });
    console.log(`refusals: ${r.refused.map((x) => x.message ?? x).join(' | ')}`);
    console.log(`losses with refusals ${r.busy.losses.map((l) => l.toFixed(5)).join(', ')}`);
    assert.equal(r.busy.error, undefined, `the run failed: ${r.busy.error?.message}`);
    assert.equal(r.refused.length, 3);
    for (const x of r.refused) {
      assert.notEqual(x, 'resolved', 'a second train ran while the first was going');
      assert.match(x.message, new RegExp(`training run ${r.busy.result.run_id} is in progress`));
      assert.equal(x.run_id, r.busy.result.run_id, 'the error\'s state names the run in flight');
    }
    assert.equal(r.busy.result.cancelled, false);
    assert.equal(r.busy.result.epochs.length, 2);
    assert.equal(r.busy.losses.length, r.alone.losses.length);
    assert.deepEqual(r.busy.losses, r.alone.losses, 'per-step losses equal those of the run done alone');
    assert.deepEqual(r.busy.epochs.map((e) => [e.train_loss, e.val_loss, e.val_acc]), r.alone.epochs.map((e) => [e.train_loss, e.val_loss, e.val_acc]));
  } finally { await browser.close(); }
});

test('loadModel, loadData and loadTrained during a run are refused; the session keeps its base and predicts after', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      const tt = await window.fresh('cpu');
      const three = await (await fetch('/fixtures/toy3.csv')).text();
      const before = await tt.state();
      const config = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0, seed: 0, lr: 1e-3 };
      // a finished model, to offer loadTrained mid-run
      const saved = await window.record('saved', (on) => tt.train({ ...config, epochs: 1 }, on));
      const finished = saved.checkpoints.at(-1).bytes;
      const tries = {};
      const run = await window.record('run', (on) => tt.train(config, on), {
        on_step: (s) => {
          if (s.step !== 2) return;
          tries.model = window.outcome(tt.loadModel('/fixtures/tiny2/'));
          tries.data = window.outcome(tt.loadData(three, { format: 'csv' }));
          tries.trained = window.outcome(tt.loadTrained(finished));
          tries.state = tt.state();
        },
      });
      const refused = { model: await tries.model, data: await tries.data, trained: await tries.trained };
      const during = await tries.state;
      const after = await tt.state();
      const predictions = await tt.predict(['a great film', 'a dull film']);
      // the same loads work once no run is going
      const later = await tt.loadData(three, { format: 'csv' });
      return { before, during, after, refused, predictions, later, run: window.plain(run), finished: saved.checkpoints.at(-1).finished };
    });
    console.log(`state() mid-run (a fine-tuned model exists): ${JSON.stringify(r.during)}`);
    console.log(`refused: ${Object.entries(r.refused).map(([k, v]) => `${k}: ${v.message ?? v}`).join(' | ')}`);
    assert.equal(r.run.error, undefined, `the run failed: ${r.run.error?.message}`);
    assert.equal(r.finished, true);
    for (const [what, x] of Object.entries(r.refused)) {
      assert.notEqual(x, 'resolved', `${what} was loaded during the run`);
      assert.match(x.message, /in progress/, what);
    }
    assert.equal(r.run.result.epochs.length, 2, 'the run went on');
    assert.equal(r.after.base.fingerprint, r.before.base.fingerprint, 'the base model is the one loaded before the run');
    assert.deepEqual(r.after.model.labels, r.run.result.info.labels);
    assert.equal(r.after.model.fingerprint, r.run.result.state.model.fingerprint, 'the model is the run\'s, not the one offered mid-run');
    assert.equal(r.after.model.fine_tuned, true);
    assert.equal(r.after.data, true);
    assert.equal(r.after.run_id, null);
    for (const p of r.predictions) {
      assert.ok(r.run.result.info.labels.includes(p.label), JSON.stringify(p));
      assert.ok(Math.abs(Object.values(p.probs).reduce((a, b) => a + b, 0) - 1) < 1e-5, JSON.stringify(p));
    }
    assert.equal(r.later.labels.length, 3);
  } finally { await browser.close(); }
});

test('init: a second run starts from the base again, continue builds on the first, other classes are refused', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      const config = { layers: 1, epochs: 3, batch_size: 4, max_len: 16, val_split: 0, seed: 2, lr: 2e-3 };
      // a failed run before any successful one: the session has no model to show
      const empty = await window.fresh('cpu');
      const failed = await window.outcome(empty.train({ ...config, layers: 9 }));
      empty.dispose();
      const tt = await window.fresh('cpu');
      const first = await window.record('first', (on) => tt.train(config, on));
      const again = await window.record('again', (on) => tt.train(config, on));
      const cont = await window.record('continue', (on) => tt.train({ ...config, epochs: 1, init: 'continue' }, on));
      await tt.loadData(await (await fetch('/fixtures/toy3.csv')).text(), { format: 'csv' });
      const other = await window.outcome(tt.train({ ...config, init: 'continue' }));
      return { failed, first: window.plain(first), again: window.plain(again), cont: window.plain(cont), other };
    });
    const { first, again, cont } = r;
    console.log(`first run's losses ${first.losses[0].toFixed(4)} … ${first.losses.at(-1).toFixed(4)}; `
      + `continue starts at ${cont.losses[0].toFixed(4)}; refused: ${r.other.message}`);
    assert.notEqual(r.failed, 'resolved');
    assert.match(r.failed.message, /layers = 9/);
    assert.equal(r.failed.state.model, null, 'no model before any successful run');
    assert.notEqual(r.failed.state.base, null);
    for (const x of [first, again, cont]) assert.equal(x.error, undefined, x.error?.message);
    assert.deepEqual(again.losses, first.losses, 'the second run (init: pretrained) repeats the first step by step');
    assert.ok(cont.losses[0] < first.losses[0], `continue's first loss ${cont.losses[0]} below a fresh run's ${first.losses[0]}`);
    assert.notEqual(r.other, 'resolved');
    assert.match(r.other.message, /same classes/);
    assert.deepEqual(r.other.state.model.labels, first.result.info.labels, 'the model still has the first run\'s classes');
  } finally { await browser.close(); }
});

test('a run cancelled mid-epoch and resumed in a new Tabtune equals the run done uninterrupted', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      // 48 train rows / batch 4 = 12 steps an epoch, 36 in all; dropout 0.2, so the RNG matters
      const config = { layers: 1, epochs: 3, batch_size: 4, max_len: 16, val_split: 0.25, seed: 3, lr: 1e-3, dropout: 0.2 };
      const a = await window.fresh('cpu');
      const whole = await window.record('whole', (on) => a.train(config, on));
      a.dispose();
      const b = await window.fresh('cpu');
      // two steps into epoch 2 (the cancel reaches the worker a step or so later)
      const cut = await window.record('cut', (on) => b.train(config, on), { on_step: (s) => s.step === 14 && b.cancel(s.run_id) });
      b.dispose();
      const c = await window.fresh('cpu');
      const resumed = await window.record('resumed', (on) => c.resume(cut.checkpoints.at(-1).bytes, on));
      c.dispose();
      // both finished models on the same base, scored on the same texts
      const texts = ['a great film', 'a dull film', 'film number 3', 'superb and boring'];
      const d = await window.fresh('cpu');
      await d.loadTrained(whole.checkpoints.at(-1).bytes);
      const wholeProbs = await d.predict(texts);
      await d.loadTrained(resumed.checkpoints.at(-1).bytes);
      const resumedProbs = await d.predict(texts);
      return { whole: window.plain(whole), cut: window.plain(cut), resumed: window.plain(resumed), wholeProbs, resumedProbs };
    });
    const { whole, cut, resumed } = r;
    for (const x of [whole, cut, resumed]) assert.equal(x.error, undefined, x.error?.message);
    const spe = whole.result.info.steps_per_epoch;
    const ckpt = cut.checkpoints.at(-1);
    console.log(`cut: checkpoints at steps ${cut.checkpoints.map((c) => `${c.step}${c.finished ? ' (finished)' : ''}`).join(', ')}; `
      + `resumed from step ${resumed.started?.step}, ${resumed.steps.length} steps`);
    assert.equal(cut.result.cancelled, true);
    assert.equal(cut.checkpoints.length, 2, 'one at the end of epoch 1, one on cancel');
    assert.equal(cut.checkpoints[0].step, spe);
    assert.equal(ckpt.finished, false);
    assert.ok(ckpt.step > spe && ckpt.step < 2 * spe, `the cancel checkpoint (step ${ckpt.step}) is mid-epoch 2`);
    assert.equal(ckpt.epochs_done, 1);
    assert.equal(cut.steps.at(-1), ckpt.step, 'the cancel checkpoint holds every step the run reported');
    assert.equal(resumed.started.step, ckpt.step);
    assert.equal(resumed.started.history.length, 1);
    assert.equal(resumed.result.info.step, ckpt.step);
    assert.equal(resumed.steps[0], ckpt.step + 1);
    assert.equal(resumed.result.cancelled, false);

    const joined = [...cut.losses, ...resumed.losses];
    assert.equal(joined.length, whole.losses.length);
    const lossDiff = maxDiff(joined, whole.losses);
    console.log(`resumed vs uninterrupted: per-step losses differ by at most ${lossDiff} (${lossDiff === 0 ? 'exact' : 'not exact'})`);
    assert.ok(lossDiff <= 1e-6, `per-step losses differ by ${lossDiff}`);
    assert.equal(resumed.result.epochs.length, 3);
    for (const [i, e] of resumed.result.epochs.entries()) {
      const w = whole.result.epochs[i];
      for (const k of ['train_loss', 'val_loss', 'val_acc']) assert.ok(Math.abs(e[k] - w[k]) <= 1e-6, `epoch ${i + 1} ${k}: ${e[k]} vs ${w[k]}`);
    }

    const finishedWhole = whole.checkpoints.at(-1), finishedResumed = resumed.checkpoints.at(-1);
    assert.equal(finishedWhole.finished, true);
    assert.equal(finishedResumed.finished, true);
    const tw = readSafetensors(finishedWhole.bytes).tensors, tr = readSafetensors(finishedResumed.bytes).tensors;
    assert.deepEqual(Object.keys(tr).sort(), Object.keys(tw).sort());
    let worst = 0;
    for (const [name, t] of Object.entries(tw)) {
      assert.deepEqual(tr[name].shape, t.shape, name);
      const d = maxDiff(Array.from(tr[name].values), Array.from(t.values));
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-6, `${name} differs by ${d}`);
    }
    console.log(`finished checkpoints: ${Object.keys(tw).length} tensors, largest difference ${worst}`);
    for (const [i, p] of r.wholeProbs.entries()) {
      for (const [label, v] of Object.entries(p.probs)) {
        assert.ok(Math.abs(v - r.resumedProbs[i].probs[label]) <= 1e-6, `p(${label}) of text ${i}: ${v} vs ${r.resumedProbs[i].probs[label]}`);
      }
    }
  } finally { await browser.close(); }
});

test('a cancelled init: continue run resumes in the same Tabtune', T, async () => {
  const { browser, page } = await openRunPage();
  try {
    const r = await page.evaluate(async () => {
      const config = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0, seed: 5, lr: 1e-3 };
      const tt = await window.fresh('cpu');
      const first = await window.record('first', (on) => tt.train({ ...config, epochs: 1 }, on));
      const cut = await window.record('cut', (on) => tt.train({ ...config, init: 'continue' }, on), { on_step: (s) => s.step === 3 && tt.cancel(s.run_id) });
      const resumed = await window.record('resumed', (on) => tt.resume(cut.checkpoints.at(-1).bytes, on));
      return { first: window.plain(first), cut: window.plain(cut), resumed: window.plain(resumed) };
    });
    const { cut, resumed } = r;
    console.log(`continue run cancelled at step ${cut.checkpoints.at(-1)?.step}; resume: ${resumed.error ? `failed: ${resumed.error.message}` : `${resumed.steps.length} steps`}`);
    for (const x of [r.first, cut]) assert.equal(x.error, undefined, x.error?.message);
    assert.equal(cut.result.cancelled, true);
    assert.equal(resumed.error, undefined, `resuming the cancelled continue run failed: ${resumed.error?.message}`);
    assert.equal(resumed.result.info.step, cut.checkpoints.at(-1).step);
    assert.equal(resumed.steps.at(-1), resumed.result.info.total_steps);
  } finally { await browser.close(); }
});

/** Skips `t` (saying why) when the browser offers no WebGPU adapter at all. */
async function needsWebGPU(t, page) {
  if (await gpuAdapter(page)) return true;
  const why = 'navigator.gpu.requestAdapter() gave null: this browser has no WebGPU adapter';
  console.log(`skipped: ${why}`);
  t.skip(why);
  return false;
}

test('the WebGPU self-check passes on a working adapter and falls back to the CPU when it fails', T, async (t) => {
  const { browser, page } = await openRunPage();
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
  const { browser, page } = await openRunPage();
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
  const { browser, page } = await openRunPage();
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
