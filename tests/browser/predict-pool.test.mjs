// Every core predicts (CPU backend, the tiny random BERT, one pool worker beside the engine): a
// batch of 200 texts — some past max_len — is split across the workers (predict, predictFile on
// a file of them, evaluate of a labelled file of them) and gives each text the prediction the
// engine alone gives it (the same label, probabilities within the bound below; the same metrics);
// after another run (one that does not use the pool) the pool predicts with the new model, not the
// one it held; short batches
// (Try-it's single text included) stay on the engine alone; a model loaded mid-batch makes the
// batch refused, not half-predicted by each model. ~15 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_WEBGPU_ARGS, makeFixtures, openPage, startServer, tinyOnCpu } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };
// measured 0 on this machine (each text's padding stays within its own batch's rows); a text's
// probabilities may differ by float rounding where batches pad differently
const BOUND = 1e-6;

before(async () => { fixtures = makeFixtures(); server = await startServer(fixtures); });
after(() => server?.stop());

test('a batch of texts is predicted across the pool as the engine alone predicts it, with the model of the last run', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    await tinyOnCpu(page, { prefix_workers: 1 });
    const r = await page.evaluate(async () => {
      const { tt } = window;
      const words = ['great', 'awful', 'lovely', 'dull', 'superb', 'boring'];
      const texts = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? Array(40).fill(words[i % 6]).join(' ') : `a ${words[i % 6]} film, number ${i}`));
      const workers = async () => (await tt.diagnostics()).predict_workers;
      // the worker alone (a test hook), in one call as it predicts without a pool
      const { CALL } = await import('/api/worker-client.js');
      const alone = () => tt[CALL]({ type: 'predict', texts, alone: true });
      const config = { layers: 1, epochs: 1, batch_size: 4, max_len: 16, val_split: 0.25, lr: 1e-3 };
      await tt.train(config);
      const first = { pooled: await tt.predict(texts), pooledWorkers: await workers(), alone: await alone(), aloneWorkers: await workers() };
      // a whole file (one text per line) goes across the pool too, each text beside its prediction
      const rows = await tt.predictFile(new File([texts.join('\n')], 'texts.txt'));
      first.file = { rows, workers: await workers() };
      // a labelled file of them (each made distinct: loadData drops duplicates) scored by evaluate:
      // logits on every core, the metrics here
      const labelled = new TextEncoder().encode('text,label\n' + texts.map((t, i) => `"${t} (row ${i})",${['pos', 'neg'][i % 2]}`).join('\n'));
      const evaluate = (alone) => tt[CALL]({ type: 'evaluate', bytes: labelled.slice().buffer, options: { format: 'csv' }, alone });
      first.evaluated = { pooled: await evaluate(false), workers: await workers(), alone: await evaluate(true) };
      await tt.predict(texts.slice(0, 63));
      const short = await workers();
      await tt.predict(['one text']);
      const tryIt = await workers();

      // every layer trained: no frozen layer, so the pool runs no prefix for it and still holds
      // the first model when the next batch comes
      await tt.train({ ...config, layers: 2, epochs: 3, seed: 5 });
      const second = { pooled: await tt.predict(texts), alone: await alone() };
      // another model loaded while a long batch is predicted (it gets in between the worker's
      // pieces): the batch is refused, never answered half by one model, half by the other
      const many = Array.from({ length: 4000 }, (_, i) => texts[i % texts.length]);
      const racing = tt.predict(many).then(() => null, (e) => e.message);
      await tt.loadModel('/fixtures/tiny/');
      const raced = await racing;
      return { first, second, short, tryIt, texts, raced };
    });
    const diff = (a, b) => {
      assert.equal(a.length, b.length);
      let worst = 0;
      a.forEach((p, i) => {
        assert.equal(p.label, b[i].label, `text ${i}`);
        for (const [k, v] of Object.entries(p.probs)) worst = Math.max(worst, Math.abs(v - b[i].probs[k]));
      });
      return worst;
    };
    assert.equal(r.first.pooledWorkers, 2, 'the batch was split across the engine and the pool worker');
    assert.equal(r.first.aloneWorkers, 1, 'the hook kept the batch on the engine');
    assert.equal(r.short, 1, 'a batch under the threshold (64) stays on the engine');
    assert.equal(r.tryIt, 1, "Try-it's single text stays on the engine");
    assert.equal(r.first.file.workers, 2, 'a file of 200 texts was split across the pool');
    assert.equal(r.first.evaluated.workers, 2, 'a labelled file of 200 texts was scored across the pool');
    const { pooled: ev, alone: evAlone } = r.first.evaluated;
    assert.equal(ev.task, 'classification');
    assert.equal(ev.n, 200);
    assert.deepEqual(ev.confusion, evAlone.confusion, 'the pool scores as the engine alone does');
    assert.ok(Math.abs(ev.acc - evAlone.acc) < 1e-12 && Math.abs(ev.macro_f1 - evAlone.macro_f1) < 1e-12, JSON.stringify([ev, evAlone]));
    assert.deepEqual(r.first.file.rows.map((x) => x.text), r.texts, 'each row holds its text, in the file\'s order');
    const d1 = Math.max(diff(r.first.pooled, r.first.alone), diff(r.first.file.rows, r.first.alone));
    const d2 = diff(r.second.pooled, r.second.alone);
    console.log(`# pooled vs alone: max |Δp| ${d1.toExponential(2)} (first model), ${d2.toExponential(2)} (after another run)`);
    assert.ok(d1 <= BOUND && d2 <= BOUND, `${d1} / ${d2}`);
    // the second run's model predicts otherwise: the pool did not keep the first
    const moved = r.second.alone.some((p, i) => Object.entries(p.probs).some(([k, v]) => Math.abs(v - r.first.alone[i].probs[k]) > 1e-3));
    assert.ok(moved, 'the two runs give different models');
    assert.match(r.raced ?? 'answered', /the model changed while this batch was being predicted/);
  } finally { await browser.close(); }
});
