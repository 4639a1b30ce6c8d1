// The tab's CPU path at speed: the frozen prefix on a pool of workers gives the very bytes one
// worker gives; the engine refuses clearly where WebAssembly SIMD is missing; the bench runs in
// the tab. (Speed itself is measured by scripts/bench, never asserted here.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTabtune, makeFixtures, openPage, startServer } from './harness.mjs';

let server;
const T = { timeout: 900_000 };

before(async () => { server = await startServer(makeFixtures()); });
after(() => server?.stop());

test('the prefix pool caches the same bytes as one worker, and training across it then takes the same steps', T, async () => {
  const runs = {};
  for (const prefix_workers of [0, 3]) {
    const { browser, page } = await openPage(server.origin);
    try {
      const backend = await createTabtune(page, 'cpu', { prefix_workers, debug: { cache_digest: true } });
      assert.equal(backend.prefix_workers, prefix_workers);
      runs[prefix_workers] = await page.evaluate(async () => {
        await window.tt.loadModel('/models/all-MiniLM-L6-v2/');
        await window.tt.loadData(await (await fetch('/fixtures/sst2-1k.csv')).text(), { format: 'csv' });
        let prepared = null;
        const losses = [], done = [];
        // 320 rows (10 chunks), cancelled after 4 steps: the cache is what is compared
        const config = { layers: 1, epochs: 1, batch_size: 16, max_len: 48, sample: 320, val_split: 0.2, seed: 5, log_every: 1 };
        await window.tt.train(config, {
          on_progress: (p) => { if (p.phase === 'prepare') done.push(p.done); if (p.phase === 'prepared') prepared = p; },
          on_step: (s) => { losses.push([s.loss, s.workers]); if (s.step === 4) window.tt.cancel(); },
        });
        return { prepared, losses, done };
      });
    } finally { await browser.close(); }
  }
  const [one, pool] = [runs[0], runs[3]];
  console.log(`one worker: ${JSON.stringify({ ...one.prepared, info: undefined })}\npool: ${JSON.stringify({ ...pool.prepared, info: undefined })}`);
  assert.equal(one.prepared.workers, 1);
  assert.equal(pool.prepared.workers, 4);
  assert.equal(one.prepared.rows, 320);
  assert.equal(one.prepared.chunks, 10);
  assert.ok(pool.prepared.pooled_chunks > 0, 'the pool ran some of the chunks');
  assert.equal(one.prepared.pooled_chunks, 0);
  assert.match(one.prepared.cache_digest, /^[0-9a-f]{16}$/);
  assert.equal(pool.prepared.cache_digest, one.prepared.cache_digest, 'the pool cached other bytes than one worker');
  // progress counts every row once, up to all of them, in either way
  for (const r of [one, pool]) assert.equal(Math.max(...r.done), 320);
  // the cancel lands after step 4 or 5: the steps both runs took must match; the pool's were split
  // across its 4 workers (train-pool.js), which adds the same gradients in another order
  assert.ok(one.losses.length >= 4 && pool.losses.length >= 4);
  assert.ok(one.losses.every(([, w]) => w === 1) && pool.losses.every(([, w]) => w === 4), JSON.stringify(pool.losses));
  const worst = Math.max(...pool.losses.slice(0, 4).map(([l], i) => Math.abs(l - one.losses[i][0])));
  console.log(`# 4 steps on 4 workers vs 1: max |Δloss| ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-5, `max |Δloss| ${worst}`);
});

test('a browser without WebAssembly SIMD is told so at start, and nothing else runs', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    const err = await page.evaluate(async () => {
      const { Tabtune } = await import('/tabtune.js');
      return Tabtune.create({ backend: 'cpu', debug: { no_simd: true } }).then(() => null, (e) => e.message);
    });
    assert.match(err, /does not support WebAssembly SIMD, which tabtune needs: use a current/);
  } finally { await browser.close(); }
});

test("the bench runs tabtune bench's workload in the tab", T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    const r = await page.evaluate(() => window.tt.bench({ layers: 1, batch_size: 4, seq_len: 16, steps: 1, warmup: 0 }));
    assert.equal(r.backend, 'cpu');
    assert.deepEqual([r.batch, r.seq, r.trainable_layers], [4, 16, 1]);
    for (const k of ['train_samples_per_s', 'train_cached_samples_per_s', 'infer_samples_per_s']) assert.ok(r[k] > 0, k);
    const bad = await page.evaluate(() => window.tt.bench({ layers: 9 }).then(() => null, (e) => e.message));
    assert.match(bad, /layers ≤ 6/);
  } finally { await browser.close(); }
});
