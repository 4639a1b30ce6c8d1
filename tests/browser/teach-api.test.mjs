// The teaching API through the worker (tiny random BERT, CPU backend): a run started paused
// waits without stepping; N stepOnce give the losses of a plain run's first N steps; stepEpoch
// stops at the epoch end; map frames (epoch 0, then each epoch end) have one point per
// validation row; steps carry activity; attention, mistakes and teachingRows answer during and
// after the run; cancel ends a paused run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTabtune, makeFixtures, openPage, startServer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };

before(async () => { fixtures = makeFixtures(); server = await startServer(fixtures); });
after(() => server?.stop());

const CONFIG = { layers: 1, epochs: 2, batch_size: 4, max_len: 16, val_split: 0.25, cache_dtype: 'f32', teaching: true };

test('step mode, map frames, activity, attention and mistakes through the worker', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu', { prefix_workers: 0 });
    const r = await page.evaluate(async (config) => {
      const tt = window.tt;
      await tt.loadModel('/fixtures/tiny/');
      await tt.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
      // a plain run: its per-step losses
      const plain = [];
      await tt.train({ ...config, teaching: false }, { on_step: (s) => plain.push(s.loss) });
      // the same run in step mode
      const log = [];
      const losses = [], maps = [], activity = [];
      let wake = null;
      const next = (what) => new Promise((resolve) => { wake = { what, resolve }; });
      const hooks = {
        paused: true,
        on_paused: (e) => { log.push(['paused', e.step]); if (wake?.what === 'paused') { const w = wake; wake = null; w.resolve(e); } },
        on_playing: (e) => log.push(['playing', e.until]),
        on_step: (s) => { losses.push(s.loss); activity.push(s.activity); },
        on_map: (m) => maps.push(m),
      };
      let first = next('paused');
      const done = tt.train(config, hooks);
      await first;
      // paused: nothing steps while we wait
      await new Promise((r) => setTimeout(r, 300));
      const stepsWhilePaused = losses.length;
      const rowsDuring = await tt.teachingRows();
      const attentionDuring = await tt.attention('a great film');
      const mistakesDuring = await tt.mistakes();
      for (let i = 0; i < 3; i++) { const p = next('paused'); tt.stepOnce(); await p; }
      const afterThree = losses.length;
      const p = next('paused'); tt.stepEpoch(); await p;
      const afterEpoch = losses.length;
      tt.cancel();
      const result = await done;
      const rowsAfter = await tt.teachingRows();
      const attentionAfter = await tt.attention('a great film');
      const mistakesAfter = await tt.mistakes();
      return { plain, losses, maps, activity, log, stepsWhilePaused, afterThree, afterEpoch, result, rowsDuring, rowsAfter,
               attentionDuring, attentionAfter, mistakesDuring, mistakesAfter };
    }, CONFIG);
    const spe = r.result.info.steps_per_epoch;
    assert.equal(r.stepsWhilePaused, 0, 'a paused run does not step');
    assert.equal(r.afterThree, 3, 'three stepOnce, three steps');
    assert.deepEqual(r.losses.slice(0, 3), r.plain.slice(0, 3), 'stepOnce ×3 = the first 3 steps of a plain run');
    assert.equal(r.afterEpoch, spe, 'stepEpoch stops at the epoch end');
    assert.deepEqual(r.losses, r.plain.slice(0, spe));
    assert.ok(r.result.cancelled);
    assert.deepEqual(r.maps.map((m) => m.epoch), [0, 1]);
    const val = r.result.info.val_rows;
    for (const m of r.maps) assert.equal(m.points.length, val);
    assert.equal(r.rowsDuring.texts.length, val);
    assert.deepEqual(r.rowsAfter, r.rowsDuring);
    assert.deepEqual(r.activity[0].map((a) => a.name), ['encoder.layer.1', 'head']);
    assert.ok(r.activity.every((a) => a.every((g) => g.grad_norm > 0 && g.rel_change >= 0)));
    // the warm-up's first step has LR 0: the weights move from the second on
    assert.ok(r.activity.slice(1).every((a) => a.every((g) => g.rel_change > 0)));
    for (const a of [r.attentionDuring, r.attentionAfter]) {
      const sum = a.tokens.reduce((s, t) => s + t.weight, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `weights sum to ${sum}`);
      const words = a.tokens.filter((t) => t.end > t.start).map((t) => 'a great film'.slice(t.start, t.end));
      assert.deepEqual(words, ['a', 'great', 'film']);
      assert.equal(a.probs.length, 2);
    }
    assert.ok(Array.isArray(r.mistakesDuring) && Array.isArray(r.mistakesAfter));
    assert.deepEqual(r.log[0], ['paused', 0]);
    assert.deepEqual(r.log.filter(([k]) => k === 'playing').map(([, u]) => u), ['step', 'step', 'step', 'epoch']);
  } finally {
    await browser.close();
  }
});
