// Training runs through the public JS API (www/tabtune.js): one run at a time, "cancel, then train
// at once", a run cancelled before its first step, a train refused while an epoch ends, loads
// refused mid-run, `init: pretrained | continue`. run-page.mjs has the fixtures and the page's
// helpers; runs-resume.test.mjs and runs-gpu.test.mjs go on from here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { T, makeRunFixtures, openRunPage } from './run-page.mjs';

let server;
before(async () => { server = await startServer(makeRunFixtures()); });
after(() => server?.stop());

test('cancel, then train at once: the first run stops, the second runs all its epochs', T, async () => {
  const { browser, page } = await openRunPage(server.origin);
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
  const { browser, page } = await openRunPage(server.origin);
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
  const { browser, page } = await openRunPage(server.origin);
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
  const { browser, page } = await openRunPage(server.origin);
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
  const { browser, page } = await openRunPage(server.origin);
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
