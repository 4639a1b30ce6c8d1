// A run resumed from a checkpoint through the public JS API: cancelled mid-epoch and resumed in a
// new Tabtune it equals the run done uninterrupted (losses, and the finished weights tensor by
// tensor), and a cancelled `init: continue` run resumes in the same Tabtune. The CPU backend, so
// the comparisons are exact. run-page.mjs has the fixtures and the page's helpers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { T, makeRunFixtures, maxDiff, openRunPage, readSafetensors } from './run-page.mjs';

let server;
before(async () => { server = await startServer(makeRunFixtures()); });
after(() => server?.stop());

test('a run cancelled mid-epoch and resumed in a new Tabtune equals the run done uninterrupted', T, async () => {
  const { browser, page } = await openRunPage(server.origin);
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
  const { browser, page } = await openRunPage(server.origin);
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
