// Issue 11 in the tab (CPU backend, the tiny random BERT): contrastive mode suggested and run
// through the page, a 2×2 grid search through the "Find settings" panel and one click to train
// its best row, cross-validation through the panel and through crossValidate, and cancel
// mid-search.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTabtune, makeFixtures, openPage, screenshotPath, startServer, doneEvent, openTinyTrainer, toyCsv } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };


before(async () => {
  fixtures = makeFixtures();
  writeFileSync(join(fixtures, 'few.csv'), toyCsv(24)); // 12 rows a class: under 30, contrastive is suggested
  writeFileSync(join(fixtures, 'toy48.csv'), toyCsv(48));
  server = await startServer(fixtures);
});
after(() => server?.stop());

const openTiny = () => openTinyTrainer(server.origin);

/** A page with window.tt on the CPU backend, the tiny model and toy48.csv loaded. */
async function openTinySession() {
  const o = await openPage(server.origin);
  await createTabtune(o.page, 'cpu');
  await o.page.evaluate(async () => {
    await window.tt.loadModel('/fixtures/tiny/');
    await window.tt.loadData(await (await fetch('/fixtures/toy48.csv')).text(), { format: 'csv' });
  });
  return o;
}
const fill = async (w, values) => { for (const [name, v] of Object.entries(values)) await w.getByRole('spinbutton', { name, exact: true }).fill(String(v)); };

test('few rows per class: the page suggests contrastive mode and why; one click selects it; the run reports its pairs', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'few.csv'));
    const note = w.getByRole('note').filter({ hasText: /^Few rows per class \(the smallest class has 12\): contrastive mode/ });
    await note.waitFor();
    assert.match(await note.textContent(), /pairs of rows — same class or not — and then fits the head/);
    assert.equal(await w.getByRole('combobox', { name: 'Strategy' }).inputValue(), 'standard');
    await w.getByRole('button', { name: 'Use contrastive mode' }).click();
    assert.equal(await w.getByRole('combobox', { name: 'Strategy' }).inputValue(), 'contrastive');
    // the core's contrastive defaults (run::contrastive_defaults, SetFit's recipe) in the fields
    assert.equal(await w.getByRole('spinbutton', { name: 'Trainable layers', exact: true }).inputValue(), '2', 'every layer');
    assert.equal(await w.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue(), '0.00005');
    assert.equal(await w.getByRole('spinbutton', { name: 'Batch size', exact: true }).inputValue(), '16');
    assert.match(await note.textContent(), /\(layers all, epochs 1, batch size 16, lr 0.00005\)\.$/);
    await fill(w, { Epochs: 1, 'Batch size': 8, 'Max length (tokens)': 16, 'Validation share': 0.25, 'Pairs per row': 2 });
    // one altered copy of each training row, by word deletion only
    await w.getByText('Advanced', { exact: true }).click();
    await w.getByRole('spinbutton', { name: 'Altered copies per training row' }).fill('1');
    await w.getByRole('checkbox', { name: 'Augment: swap two words' }).uncheck();
    await w.getByRole('checkbox', { name: 'Augment: crop to a span' }).uncheck();
    const done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    const { info, epochs, cancelled } = await done;
    assert.equal(cancelled, false);
    assert.equal(info.strategy, 'contrastive');
    assert.ok(info.pairs > 0, `pairs ${info.pairs}`);
    // 24 rows, 6 held out for validation: one copy of each of the 18 others (a copy always differs)
    assert.equal(info.augmented_rows, 18);
    const notes = await w.getByText(/^classification, adamw/).textContent();
    assert.equal(notes.split(`augmentation added ${info.augmented_rows} altered copies of the 18 training rows; validation rows are untouched`).length, 2, `said once: ${notes}`);
    assert.match(notes, new RegExp(`contrastive: the layers learn from ${info.pairs} pairs of rows`));
    assert.equal(epochs.length, 1);
    await w.getByText(/^Epoch 1: validation accuracy \d/).waitFor();
    await w.getByRole('table', { name: 'Per class (validation)' }).waitFor();
    await page.screenshot({ path: screenshotPath('search-contrastive'), fullPage: true });
  } finally { await browser.close(); }
});

test('Find settings: a 2×2 grid (lr × layers) fills a table ranked by the metric; "Train with these settings" trains the best', T, async () => {
  const { browser, page, w } = await openTiny();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy48.csv'));
    await w.getByText(/^48 rows/).waitFor();
    await fill(w, { Epochs: 1, 'Batch size': 8, 'Max length (tokens)': 16, 'Validation share': 0.25 });
    await w.getByText('Find settings', { exact: true }).click(); // it opens in place, under the settings
    // prefilled from Settings until edited
    assert.equal(await w.getByRole('textbox', { name: 'Epochs to try' }).inputValue(), '1');
    // a value that is not a number, and one fold, are said at their fields; nothing runs
    await w.getByRole('textbox', { name: 'Learning rates to try' }).fill('0.001, fast');
    await w.getByRole('spinbutton', { name: /^Folds/ }).fill('1');
    await w.getByRole('button', { name: 'Run search' }).click();
    await w.getByText('“fast” is not allowed here: enter numbers above 0, e.g. 1e-4, 3e-4').waitFor();
    await w.getByText('enter 0 (use the validation split) or a whole number of at least 2').waitFor();
    assert.equal(await w.getByRole('button', { name: 'Cancel search' }).isDisabled(), true);
    await w.getByRole('spinbutton', { name: /^Folds/ }).fill('0');
    await w.getByRole('textbox', { name: 'Learning rates to try' }).fill('0.001, 0.01');
    await w.getByRole('textbox', { name: 'Trainable layers to try' }).fill('0, 1');
    await w.getByRole('combobox', { name: 'Rank by' }).selectOption('val_loss');
    // the Train button is off while the search holds the worker (read at once: the tiny runs are quick)
    const trainOff = await w.evaluate((host) => {
      const button = (name) => [...host.shadowRoot.querySelectorAll('button')].find((b) => b.textContent === name);
      button('Run search').click();
      return button('Train').disabled;
    });
    assert.equal(trainOff, true);
    await w.getByText(/^Done: 4 runs in/).waitFor({ timeout: 120_000 });
    const table = w.getByRole('table', { name: /^Finished runs, best first by val_loss \(lower is better\)/ });
    const head = await table.locator('thead th').allTextContents();
    const col = (name) => head.indexOf(name);
    assert.ok(col('lr') > 0 && col('layers') > 0 && col('Seconds') > 0, `columns ${head}`);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.dataset.score ?? c.textContent)));
    assert.equal(rows.length, 4);
    const scores = rows.map((r) => Number(r[col('Seconds') - 1]));
    for (let i = 1; i < 4; i++) assert.ok(scores[i - 1] <= scores[i], `ranked by val_loss, lowest first: ${scores}`);
    assert.deepEqual(rows.map((r) => r[0]), ['1', '2', '3', '4']);
    assert.deepEqual(rows.map((r) => `${r[col('lr')]}/${r[col('layers')]}`).sort(), ['0.001/0', '0.001/1', '0.01/0', '0.01/1']);
    assert.equal(Number(await w.locator('[data-chart=search]').getAttribute('data-points')), 4);
    // two lines (layers 0 and 1) over the two learning rates, each point a run's score
    const plotted = await w.locator('[data-chart=search]').evaluate((e) => e.plotData);
    assert.deepEqual(plotted[0], [0.001, 0.01]);
    assert.deepEqual(plotted.slice(1).flat().map(Number).sort(), [...scores].sort());
    assert.equal(await w.locator('[data-chart=search] canvas').count(), 1);
    assert.deepEqual(errors, [], 'no errors in the page');
    await page.screenshot({ path: screenshotPath('search-grid'), fullPage: true });

    const [lr, layers] = [rows[0][col('lr')], rows[0][col('layers')]];
    const done = doneEvent(page);
    await w.getByRole('button', { name: 'Train with the settings ranked 1' }).click();
    assert.equal(Number(await w.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()), Number(lr));
    assert.equal(await w.getByRole('spinbutton', { name: 'Trainable layers', exact: true }).inputValue(), layers);
    const result = await done;
    assert.equal(result.cancelled, false);
    assert.equal(result.info.trainable_layers, Number(layers));
    await w.getByText(/^Done in/).waitFor();
  } finally { await browser.close(); }
});

test('crossValidate with folds 3: three folds, and the mean and std of every metric', T, async () => {
  const { browser, page } = await openTinySession();
  try {
    const r = await page.evaluate(async () => {
      const folds = [];
      const outcome = (p) => p.then(() => 'resolved', (e) => e.message);
      const bad = await outcome(window.tt.crossValidate({}, { folds: 1 }));
      const badSpecs = [await outcome(window.tt.search({ grid: { lr: [] } })), await outcome(window.tt.search({ grid: { optimizer: ['lion'] } })),
        await outcome(window.tt.search({ grids: { lr: [1e-3] } })), await outcome(window.tt.search({ base: [1] }))];
      const cv = await window.tt.crossValidate({ epochs: 1, batch_size: 8, max_len: 16, layers: 1 }, { folds: 3, on_fold: (f) => folds.push(f.fold) });
      return { cv, folds, bad, badSpecs };
    });
    assert.match(r.bad, /^crossValidate needs folds: a whole number of at least 2/);
    // a bad spec is refused before anything trains, saying what to change
    const [empty, unknown, key, base] = r.badSpecs;
    assert.match(empty, /grid key lr has no values: give at least one/);
    assert.match(unknown, /^search run optimizer = "lion": .*optimizer: unknown variant `lion`/);
    assert.match(key, /^search settings: unknown field `grids`.* \(keys: base, grid, folds, metric\)$/);
    assert.match(base, /base must be an object of training settings/);
    assert.equal(r.cv.cancelled, false);
    assert.deepEqual(r.folds, [0, 1, 2], 'on_fold once per fold');
    assert.equal(r.cv.folds.length, 3);
    const metrics = Object.keys(r.cv.folds[0].scores);
    assert.ok(metrics.includes('val_acc') && metrics.includes('val_loss'), `metrics ${metrics}`);
    assert.deepEqual(Object.keys(r.cv.mean).sort(), [...metrics].sort());
    assert.deepEqual(Object.keys(r.cv.std).sort(), [...metrics].sort());
    for (const m of metrics) {
      const v = r.cv.folds.map((f) => f.scores[m]);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      assert.ok(Math.abs(r.cv.mean[m] - mean) < 1e-6, `${m}: mean ${r.cv.mean[m]} vs ${mean}`);
      assert.ok(r.cv.std[m] >= 0 && r.cv.std[m] <= Math.max(...v) - Math.min(...v) + 1e-9, `${m}: std ${r.cv.std[m]} of ${v}`);
    }
  } finally { await browser.close(); }
});

test('cancel mid-search: resolves cancelled, at most one step after the cancel arrives, finished runs kept; the slot refuses training meanwhile', T, async () => {
  const { browser, page } = await openTinySession();
  try {
    const r = await page.evaluate(async () => {
      const events = [], etas = [];
      let refused = null;
      const result = await window.tt.search({ grid: { lr: [1e-3, 1e-2, 3e-2] }, base: { epochs: 2, batch_size: 4, max_len: 16, layers: 1, val_split: 0.25 } }, {
        on_start: async ({ run_id }) => { refused = await window.tt.train({}).then(() => 'resolved', (e) => e.message); },
        on_progress: (p) => {
          if (p.phase === 'cancelling') events.push('cancelling');
          if (p.phase === 'step') etas.push([p.steps_done, p.steps_total, p.eta_s]);
        },
        on_step: (s) => {
          events.push(`step ${s.run}`);
          // inside the second run: the first has finished
          if (s.run === 1 && s.step === 3) window.tt.cancel(s.run_id);
        },
        on_result: ({ result }) => events.push(`result ${result.run}`),
      });
      return { result, events, refused, etas };
    });
    assert.match(r.refused, /^search \d+ is in progress: cancel it \(or wait for it to finish\) before starting another$/);
    assert.equal(r.result.cancelled, true);
    const at = r.events.indexOf('cancelling');
    assert.ok(at > 0, `a cancelling notice: ${r.events.join(', ')}`);
    const after = r.events.slice(at + 1).filter((e) => e.startsWith('step'));
    assert.ok(after.length <= 1, `steps after the cancel arrived: ${after.length}`);
    assert.ok(r.events.includes('result 0'));
    assert.deepEqual(r.result.results.map((x) => x.run), [0], 'the finished run is kept, the cancelled one is not a result');
    assert.ok(r.result.best, 'the best of the finished runs');
    // progress counts steps over all trainings (3 runs of 2 epochs × 9 steps: 36 train rows / 4)
    // and gives an ETA from the time so far
    assert.ok(r.etas.length > 3);
    for (const [done, total, eta] of r.etas) assert.ok(done > 0 && done <= total && Number.isFinite(eta) && eta >= 0, `${done} of ${total}, ETA ${eta}`);
    assert.equal(r.etas[0][1], 3 * 18, 'all trainings\' steps, estimated from the first');
  } finally { await browser.close(); }
});

test('Find settings with folds 3: one run cross-validated, its metric as mean ± std over the folds', T, async () => {
  const { browser, w } = await openTiny();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy48.csv'));
    await w.getByText(/^48 rows/).waitFor();
    await fill(w, { Epochs: 1, 'Batch size': 8, 'Max length (tokens)': 16 });
    await w.getByText('Find settings', { exact: true }).click();
    await w.getByRole('spinbutton', { name: /^Folds/ }).fill('3');
    await w.getByRole('button', { name: 'Run search' }).click();
    await w.getByText(/^Done: 1 run in/).waitFor({ timeout: 120_000 });
    const table = w.getByRole('table', { name: /^Finished runs, best first by val_acc \(higher is better\)/ });
    assert.ok((await table.locator('thead th').allTextContents()).includes('val_acc (mean ± std over 3 folds)'));
    const cell = await table.locator('td[data-score]').textContent();
    assert.match(cell, /^\d\.\d+ ± \d\.\d+$/);
  } finally { await browser.close(); }
});
