// Every core trains (CPU backend, the tiny random BERT, one pool worker beside the engine): each
// step's batch is split between the engine and the pool worker, and the run's losses are those of
// an engine training alone (no pool) within 1e-5, step by step, with dropout in the head and in
// every trainable layer, clipping and the L1 penalty. On the app's cross-origin isolated page the
// weights reach the pool through a SharedArrayBuffer; on a page that is not isolated (a docs site
// embedding the widget) through copies, with the same losses. The progress line says the workers.
// A pool worker that fails mid-run leaves the run on the engine with the same losses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_WEBGPU_ARGS, makeFixtures, openPage, startServer, tinyOnCpu } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };
// the split step adds the same gradients in another order: the losses agree to float rounding
const BOUND = 1e-5;

before(async () => { fixtures = makeFixtures(); server = await startServer(fixtures); });
after(() => server?.stop());

async function pooledAndAlone(path) {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS, path });
  try {
    await tinyOnCpu(page, { prefix_workers: 1 });
    return await page.evaluate(async () => {
      const { Tabtune } = await import('/tabtune.js');
      const alone = await Tabtune.create({ backend: 'cpu', prefix_workers: 0 });
      await alone.loadModel('/fixtures/tiny/');
      await alone.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
      const config = { layers: 2, epochs: 2, batch_size: 8, max_len: 16, val_split: 0.25, lr: 1e-3, dropout: 0.2,
                       encoder_dropout: 0.1, clip_norm: 1.0, l1: 1e-4, log_every: 1 };
      const run = async (tt) => {
        const steps = [];
        await tt.train(config, { on_step: (s) => steps.push(s) });
        const { stepText } = await import('/trainer/results.js');
        return { steps, diagnostics: await tt.diagnostics(), line: stepText(steps[0]) };
      };
      return { isolated: self.crossOriginIsolated, pooled: await run(window.tt), alone: await run(alone) };
    });
  } finally { await browser.close(); }
}

test('a run trains across the engine and the pool with the losses of the engine alone, shared or copied', T, async () => {
  for (const [path, isolated] of [['/test/blank.html', true], ['/test/blank.html?isolation=off', false]]) {
    const r = await pooledAndAlone(path);
    assert.equal(r.isolated, isolated, `${path}: cross-origin isolated`);
    const { pooled, alone } = r;
    assert.equal(pooled.steps.length, alone.steps.length);
    assert.ok(pooled.steps.length >= 6, `${pooled.steps.length} steps`);
    assert.ok(pooled.steps.every((s) => s.workers === 2), 'every step ran on the engine and the pool worker');
    assert.ok(alone.steps.every((s) => s.workers === 1), 'the engine without a pool trained alone');
    assert.equal(pooled.diagnostics.train_workers, 2);
    assert.equal(pooled.diagnostics.shared_weights, isolated, 'the weights went through shared memory where the page is isolated');
    const diffs = pooled.steps.map((s, i) => Math.abs(s.loss - alone.steps[i].loss));
    const worst = Math.max(...diffs);
    console.log(`# ${path}: ${pooled.steps.length} steps, losses ${pooled.steps.map((s) => s.loss.toFixed(5)).join(' ')}; max |Δloss| vs alone ${worst.toExponential(2)}`);
    assert.ok(worst <= BOUND, `max |Δloss| ${worst}`);
    assert.notEqual(pooled.steps[0].loss, pooled.steps.at(-1).loss, 'the run trained');
    assert.match(pooled.line, /on 2 workers/, 'the progress line says the workers');
    assert.doesNotMatch(alone.line, /workers/);
  }
});

test('a pool worker that fails mid-run leaves the run on the engine, with the same losses; the next run gets a new pool', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    await tinyOnCpu(page, { prefix_workers: 1 });
    const r = await page.evaluate(async () => {
      const { Tabtune } = await import('/tabtune.js');
      const { CALL } = await import('/api/worker-client.js');
      const alone = await Tabtune.create({ backend: 'cpu', prefix_workers: 0 });
      await alone.loadModel('/fixtures/tiny/');
      await alone.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
      const config = { layers: 2, epochs: 2, batch_size: 8, max_len: 16, val_split: 0.25, lr: 1e-3, encoder_dropout: 0.1, log_every: 1 };
      const run = async (tt, onStep = () => {}) => {
        const steps = [];
        const result = await tt.train(config, { on_step: (s) => { steps.push(s); onStep(s); } });
        return { steps, cancelled: result.cancelled };
      };
      // after the second step, the pool worker's next request traps
      const failed = await run(window.tt, (s) => { if (s.step === 2) window.tt[CALL]({ type: 'debugTrapPoolWorker' }); });
      const next = await run(window.tt);
      return { failed, next, alone: await run(alone) };
    });
    const workers = r.failed.steps.map((s) => s.workers);
    console.log(`# workers per step: ${workers.join(' ')}; then ${r.next.steps.map((s) => s.workers).join(' ')}`);
    assert.equal(r.failed.cancelled, false, 'the run finished');
    assert.deepEqual(workers.slice(0, 2), [2, 2], 'the first steps ran across the pool');
    assert.equal(workers.at(-1), 1, 'after the failure the engine trained alone');
    assert.equal(r.failed.steps.length, r.alone.steps.length, 'no step was lost or repeated');
    const worst = Math.max(...r.failed.steps.map((s, i) => Math.abs(s.loss - r.alone.steps[i].loss)));
    assert.ok(worst <= BOUND, `max |Δloss| vs alone ${worst}`);
    assert.ok(r.next.steps.every((s) => s.workers === 2), 'the next run trained across a new pool');
  } finally { await browser.close(); }
});
