// What a run leaves in the page and in this browser, through the UI only (the widget on the tiny
// random BERT, CPU backend): a reload mid-run then "Resume run" ends with the same model as an
// uninterrupted run; a failed run enables nothing; a full disk loses nothing saved before; a
// 100k-row file loads and trains on a sample.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { downloadWeights, makeFixtures, openPage, screenshotPath, setFields, startServer, toyCsv } from './harness.mjs';

let fixtures, server;
const T = { timeout: 600_000 };


before(async () => {
  fixtures = makeFixtures();
  writeFileSync(join(fixtures, 'toy-200.csv'), toyCsv(200));
  server = await startServer(fixtures);
});
after(() => server?.stop());

async function openTiny(init, page = 'tiny-trainer.html') {
  const o = await openPage(server.origin);
  if (init) await o.page.addInitScript(init);
  await o.page.goto(`${server.origin}/test/${page}`);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
  return { ...o, w };
}


const RUN = { 'Batch size': 4, 'Max length (tokens)': 16, 'Validation share': 0.25, Epochs: 6 };
// long enough (150 train rows / 4 × 15 = 570 steps) that a reload lands mid-run on a busy machine
const LONG = { ...RUN, Epochs: 15 };

test('a reload mid-run, then Resume run, ends with the same model as an uninterrupted run', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy-200.csv'));
    await w.getByText(/^200 rows/).waitFor();
    await setFields(w, LONG);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 300_000 });
    const uninterrupted = await downloadWeights(page, w);

    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Saved in this browser at step \d+ of \d+ \(epoch \d+\)/).waitFor({ timeout: 300_000 });
    await page.reload();
    await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
    const resume = w.getByRole('button', { name: 'Resume run' });
    await resume.waitFor();
    assert.match(await w.getByText(/stopped at step/).textContent(), /stopped at step \d+ of 570 \(\d+ epochs? done\)/);
    await w.getByText(/^200 rows/).waitFor(); // the run's data came back with it
    await resume.click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 }).catch(async (e) => {
      await page.screenshot({ path: screenshotPath('device-loss-debug'), fullPage: true });
      throw e;
    });
    const resumed = await downloadWeights(page, w);
    assert.equal(resumed.length, uninterrupted.length);
    assert.ok(resumed.equals(uninterrupted), 'the resumed run wrote the same weights');
    await page.screenshot({ path: screenshotPath('resumed-run'), fullPage: true });
  } finally { await browser.close(); }
});

test('a run that fails enables neither Try it nor Download, and says why', T, async () => {
  const { browser, w } = await openTiny();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText(/^32 rows/).waitFor();
    await setFields(w, { ...RUN, 'Max length (tokens)': 200 }); // the page allows it; the tiny model has 128 positions
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    // said where the run's progress goes and at the field itself
    await w.getByText(/max_len = 200 must be between 3 and 128/).first().waitFor({ timeout: 60_000 });
    assert.equal(await w.getByRole('spinbutton', { name: 'Max length (tokens)' }).getAttribute('aria-invalid'), 'true');
    assert.equal(await w.getByRole('textbox', { name: 'Text to classify' }).isDisabled(), true);
    assert.equal(await w.getByRole('button', { name: 'Download model (.zip)' }).isDisabled(), true);
    assert.equal(await w.getByRole('button', { name: 'Train', exact: true }).isEnabled(), true);
    // "continue" is offered only once the worker holds a fine-tuned model
    const start = w.getByRole('combobox', { name: 'Start from' });
    assert.equal(await start.locator('option[value=continue]').isDisabled(), true);
    await setFields(w, { 'Max length (tokens)': 16, Epochs: 1 });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    assert.equal(await start.locator('option[value=continue]').isDisabled(), false);
    // continuing on data with other classes is refused, and the model stays usable
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(toyCsv(30, ['pos', 'neg', 'meh'])) });
    await w.getByText(/^30 rows/).waitFor();
    await start.selectOption('continue');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/same classes/).waitFor({ timeout: 60_000 });
    assert.equal(await w.getByRole('textbox', { name: 'Text to classify' }).isEnabled(), true);
  } finally { await browser.close(); }
});

// A full disk, as the browser reports it: the put of a run record is taken, then its transaction
// aborts as it commits, with a QuotaExceededError (IndexedDB checks the quota at commit).
const FULL_DISK = () => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    const req = put.call(this, value, key);
    if (window.__full && value && value.checkpoint) {
      const tx = this.transaction;
      Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
      req.addEventListener('success', () => tx.abort());
    }
    return req;
  };
};

test('a full disk is said, with the size needed, and loses nothing saved before', T, async () => {
  const { browser, page, w } = await openTiny(FULL_DISK);
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText(/^32 rows/).waitFor();
    await setFields(w, { ...RUN, Epochs: 1 });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    await page.evaluate(() => { window.__full = true; });
    await setFields(w, { Epochs: 3 });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    const alert = await w.getByRole('alert').filter({ hasText: 'QuotaExceededError' }).textContent();
    assert.match(alert, /needs about \d+ MB/);
    assert.match(alert, /Nothing saved before was lost/);
    await page.reload();
    // the first run (1 epoch) is what comes back, whole: its model and its metrics
    await w.getByText(/^Your last run, finished .* restored\.$/).waitFor({ timeout: 120_000 });
    await w.getByText(/^Epoch 1: validation accuracy/).waitFor();
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('a great film');
    await w.getByText(/^Predicted: (pos|neg)$/).waitFor();
  } finally { await browser.close(); }
});

test('a 100,000-row file loads, shows its summary and trains on a sample', T, async () => {
  const { browser, page, w } = await openTiny();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(toyCsv(100_000)) });
    await w.getByText(/^100000 rows/).waitFor({ timeout: 120_000 });
    await w.getByRole('note').filter({ hasText: 'That is a large file' }).waitFor();
    const sample = w.getByRole('checkbox', { name: 'Train on a sample of' });
    assert.equal(await sample.isChecked(), true, 'a sample is proposed');
    await w.getByRole('spinbutton', { name: 'Rows in the sample' }).fill('400');
    await setFields(w, { ...RUN, Epochs: 1 });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 300_000 });
    await w.getByText(/trained on a sample of 400 of the 100000 rows/).waitFor();
    assert.deepEqual(errors, []);
  } finally { await browser.close(); }
});

test('a GPU device lost mid-run: the page says so, and Resume run finishes the run on a new engine', T, async (t) => {
  const { browser, page, w } = await openTiny(null, 'tiny-trainer.html?backend=webgpu');
  try {
    if (!(await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter())))) { t.skip('no WebGPU adapter here'); return; }
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles({ name: 'toy16.csv', mimeType: 'text/csv', buffer: Buffer.from(toyCsv(16)) });
    await w.getByText(/^16 rows/).waitFor();
    await setFields(w, { ...RUN, Epochs: 4 }); // 12 train rows / 4 = 3 steps an epoch
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Saved in this browser at step \d+ of 12/).waitFor({ timeout: 300_000 });
    // what a driver reset does: the worker's own test hook destroys its GPUDevice
    const [worker] = page.workers();
    await worker.evaluate(() => self.onmessage({ data: { id: -1, type: 'debugLoseDevice' } }));
    await w.getByText(/^The GPU device was lost/).waitFor({ timeout: 60_000 });
    const resume = w.getByRole('button', { name: 'Resume run' });
    await resume.waitFor({ timeout: 60_000 });
    await resume.click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 }).catch(async (e) => {
      await page.screenshot({ path: screenshotPath('device-loss-debug'), fullPage: true });
      throw e;
    });
    assert.equal(await w.getByRole('textbox', { name: 'Text to classify' }).isEnabled(), true);
    await page.screenshot({ path: screenshotPath('resumed-after-device-loss'), fullPage: true });
  } finally { await browser.close(); }
});
