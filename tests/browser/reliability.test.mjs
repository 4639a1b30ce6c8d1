// Nothing stuck, nothing lost (round two), through the page on the tiny random BERT (CPU
// backend): a continued run comes back after a reload; a failed "Load from URL" leaves the saved
// run intact; a field edited mid-run keeps Train off and the run cancellable; Cancel pressed
// before the worker names the run stops it; a trap in the engine mid-run gets a new engine and
// Resume run finishes; an images-only page trains without a text model; a zip of more images
// than a tab can hold is refused with the numbers, the images already added kept; model files kept
// in the Cache API that do not belong together are fetched again as one set; refused resumes and a
// run with no frozen layer leave the prefix pool working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_WEBGPU_ARGS, downloadWeights, makeFixtures, openPage, screenshotPath, setFields, startServer, tinyOnCpu, toyCsv } from './harness.mjs';
import { png, writeColours } from './image-fixtures.mjs';
import { zipSync } from '../../www/node_modules/fflate/esm/index.mjs';

let fixtures, server;
const T = { timeout: 300_000 };
const RUN = { 'Batch size': 4, 'Max length (tokens)': 16, 'Validation share': 0.25, Epochs: 1 };


before(async () => {
  fixtures = makeFixtures();
  writeFileSync(join(fixtures, 'toy-400.csv'), toyCsv(400));
  // a run long enough to press Cancel in: 30 epochs of 4,000 rows take ~1 min even across the pool
  writeFileSync(join(fixtures, 'toy-4000.csv'), toyCsv(4000));
  writeColours(join(fixtures, 'colours'), 6);
  server = await startServer(fixtures);
});
after(() => server?.stop());

async function openTiny(query = '') {
  const o = await openPage(server.origin);
  const errors = [];
  o.page.on('pageerror', (e) => errors.push(e.message));
  await o.page.goto(`${server.origin}/test/tiny-trainer.html${query}`);
  const w = o.page.locator('tabtune-trainer');
  return { ...o, w, errors };
}
const ready = (w) => w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
const trainButton = (w) => w.getByRole('button', { name: 'Train', exact: true });
const loadToy = async (w, file = 'toy.csv', rows = 32) => {
  await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, file));
  await w.getByText(new RegExp(`^${rows} rows`)).waitFor();
};
const saved = (w) => w.getByText(/^This model and its metrics are saved in this browser/).waitFor({ timeout: 60_000 });


test('train, continue, reload: the continued model comes back whole', T, async () => {
  const { browser, page, w, errors } = await openTiny();
  try {
    await ready(w);
    await loadToy(w);
    await setFields(w, RUN);
    await trainButton(w).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    await saved(w);
    await w.getByRole('combobox', { name: 'Start from' }).selectOption('continue');
    await trainButton(w).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    await saved(w);
    const continued = await downloadWeights(page, w);
    await page.reload();
    await w.getByText(/^Your last run, finished .* restored\.$/).waitFor({ timeout: 120_000 });
    assert.equal(await w.getByText(/could not be restored/).count(), 0);
    const restored = await downloadWeights(page, w);
    assert.ok(restored.equals(continued), 'the reloaded page holds the continued model, weight for weight');
    assert.deepEqual(errors, []);
  } finally { await browser.close(); }
});

test('a failed "Load from URL" leaves the model, its URL and the saved run as they were', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await ready(w);
    await loadToy(w);
    await setFields(w, RUN);
    await w.getByText('Use another model').click();
    await w.getByRole('textbox', { name: 'Model base URL' }).fill(`${server.origin}/fixtures/no-such-model/`);
    await w.getByRole('button', { name: 'Load from URL' }).click();
    await w.getByRole('status').filter({ hasText: /no-such-model/ }).waitFor({ timeout: 60_000 });
    await trainButton(w).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    await saved(w);
    await page.reload();
    await w.getByText(/^Your last run, finished .* restored\.$/).waitFor({ timeout: 120_000 });
    assert.equal(await w.getByText(/could not be restored/).count(), 0);
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('a great film');
    await w.getByText(/^Predicted: (pos|neg)$/).waitFor();
  } finally { await browser.close(); }
});

test('a field edited mid-run keeps Train off, and Cancel still stops the run', T, async () => {
  const { browser, w } = await openTiny();
  try {
    await ready(w);
    await loadToy(w, 'toy-4000.csv', 4000);
    await setFields(w, { ...RUN, Epochs: 30 });
    await trainButton(w).click();
    await w.getByText(/^Step \d+/).first().waitFor({ timeout: 120_000 });
    await setFields(w, { Epochs: 29 });
    assert.equal(await trainButton(w).isDisabled(), true, 'Train stays off while the run goes');
    await w.getByRole('button', { name: 'Cancel', exact: true }).click();
    await w.getByText(/^Cancelled: the model keeps/).waitFor({ timeout: 60_000 });
    // Train comes back once the run has wound down (its last checkpoint saved)
    await w.locator('button:text-is("Train"):enabled').waitFor({ timeout: 30_000 });
  } finally { await browser.close(); }
});

test('Cancel pressed before the worker has named the run stops it', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await ready(w);
    await loadToy(w, 'toy-400.csv', 400);
    await setFields(w, { ...RUN, Epochs: 30 });
    // both clicks in one task: the worker cannot have answered in between
    const done = page.evaluate(() => new Promise((resolve) => document.addEventListener('tabtune-done', (e) => resolve(e.detail), { once: true })));
    await page.evaluate(() => {
      const root = document.querySelector('tabtune-trainer').shadowRoot;
      const button = (name) => [...root.querySelectorAll('button')].find((b) => b.textContent === name);
      button('Train').click();
      button('Cancel').click();
    });
    const result = await done;
    assert.equal(result.cancelled, true);
    assert.ok(result.epochs.length < 30, `${result.epochs.length} epochs ran`);
  } finally { await browser.close(); }
});

test('a trap in the engine mid-run: the page says so, starts a new engine, and Resume run finishes', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await ready(w);
    await loadToy(w, 'toy-400.csv', 400);
    // long enough that an epoch's save note is on screen before the run ends, on a busy machine too
    await setFields(w, { ...RUN, Epochs: 8 });
    await trainButton(w).click();
    await w.getByText(/^Saved in this browser at step \d+ of \d+ \(epoch \d+\)/).waitFor({ timeout: 120_000 });
    // the training worker is the first (the prefix pool's come after it)
    const [worker] = page.workers();
    await worker.evaluate(() => self.onmessage({ data: { id: -1, type: 'debugTrapNextStep' } }));
    await w.getByText(/The engine stopped \(.*unreachable.*\); a new one is starting/).first().waitFor({ timeout: 60_000 });
    await w.getByRole('status').filter({ hasText: 'A new engine is ready' }).waitFor({ timeout: 120_000 });
    assert.equal(await w.locator('.run-badge').textContent(), 'Failed', 'the badge draws the failure the client reported');
    const resume = w.getByRole('button', { name: 'Resume run' });
    await resume.waitFor({ timeout: 60_000 });
    await resume.click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 }).catch(async (e) => {
      await page.screenshot({ path: screenshotPath('trap-debug'), fullPage: true });
      throw e;
    });
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('a great film');
    await w.getByText(/^Predicted: (pos|neg)$/).waitFor();
    // and a new run trains on the new engine
    await trainButton(w).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
  } finally { await browser.close(); }
});

test('an images-only page (its text model missing) trains an image model', T, async () => {
  const { browser, w, errors } = await openTiny('?mode=images&model=/fixtures/no-such-model/');
  try {
    await w.getByText('Image model: EfficientNet-Lite0 (ImageNet), 16 blocks.').waitFor({ timeout: 60_000 });
    await w.getByLabel('Choose a folder of class folders').setInputFiles(join(fixtures, 'colours'));
    await w.locator('.img-summary').filter({ hasText: '12 images in 2 classes' }).waitFor({ timeout: 30_000 });
    await w.getByLabel('Image size (the network sees this square)').selectOption('96');
    await setFields(w, { Epochs: 1 });
    await trainButton(w).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    assert.deepEqual(errors, []);
  } finally { await browser.close(); }
});

test('a zip of 30,000 images is refused with the numbers, and the images already added stay', T, async () => {
  const { browser, w, errors } = await openTiny('?mode=images');
  try {
    await w.getByText('Image model: EfficientNet-Lite0 (ImageNet), 16 blocks.').waitFor({ timeout: 60_000 });
    await w.getByLabel('Choose a folder of class folders').setInputFiles(join(fixtures, 'colours'));
    await w.locator('.img-summary').filter({ hasText: '12 images in 2 classes' }).waitFor({ timeout: 30_000 });
    const dot = new Uint8Array(png(1, 1, () => [200, 40, 40]));
    const files = {};
    for (let i = 0; i < 30_000; i++) files[`${i % 2 ? 'a' : 'b'}/${i}.png`] = dot;
    const zip = zipSync(files, { level: 0 });
    await w.getByLabel('Choose a zip (or images inside class folders)').setInputFiles({ name: 'many.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    await w.getByText(/that would make 30,012 images, about [\d,]+ MB in this tab; a tab keeps at most 3,000/).waitFor({ timeout: 120_000 });
    await w.locator('.img-summary').filter({ hasText: '12 images in 2 classes' }).waitFor();
    assert.deepEqual(errors, []);
  } finally { await browser.close(); }
});

test('model files kept by an earlier visit that do not belong together are fetched again as one set', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    const r = await page.evaluate(async () => {
      const { Tabtune } = await import('/tabtune.js');
      const base = `${location.origin}/fixtures/tiny/`;
      const first = await Tabtune.create({ backend: 'cpu' });
      const want = await first.loadModel(base); // keeps the three files in the Cache API
      first.dispose();
      const cache = await caches.open('tabtune-models-v1');
      const config = await (await cache.match(`${base}config.json`)).json();
      // another version's config.json, kept beside this version's files ...
      const other = JSON.stringify({ ...config, hidden_size: config.hidden_size * 2, intermediate_size: config.intermediate_size * 2 });
      const load = async () => {
        const tt = await Tabtune.create({ backend: 'cpu' });
        const files = [];
        try {
          const m = await tt.loadModel(base, { on_progress: (p) => { if (p.phase === 'download' && p.loaded === p.total) files.push(`${p.file}${p.cached ? ' (kept)' : ''}`); } });
          return { hidden_size: m.hidden_size, fingerprint: m.fingerprint, files };
        } catch (e) { return { error: e.message, files }; } finally { tt.dispose(); }
      };
      await cache.put(`${base}config.json`, new Response(other));
      const allKept = await load();
      // ... and kept alone, the weights fetched now
      await cache.put(`${base}config.json`, new Response(other));
      await cache.delete(`${base}model.safetensors`);
      const mixed = await load();
      return { want: { hidden_size: want.hidden_size, fingerprint: want.fingerprint }, allKept, mixed };
    });
    for (const [name, got] of Object.entries({ allKept: r.allKept, mixed: r.mixed })) {
      assert.equal(got.error, undefined, `${name}: ${got.error} (${got.files.join(', ')})`);
      assert.deepEqual({ hidden_size: got.hidden_size, fingerprint: got.fingerprint }, r.want, `${name}: ${got.files.join(', ')}`);
    }
  } finally { await browser.close(); }
});

// Item 11: refused resumes (damaged checkpoints) leave nothing behind, and a run that trains every
// layer (no frozen layer: the prefix is the embeddings alone) never hands a prefix worker a
// zero-layer model; the pool is loaded from the run that starts, then used by the next. ~10 s.
test('after refused resumes, a run with no frozen layer trains, and the prefix pool serves the next', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    await tinyOnCpu(page, { prefix_workers: 1 });
    const r = await page.evaluate(async () => {
      const { tt } = window;
      const config = { epochs: 1, batch_size: 4, max_len: 16, val_split: 0.25, cache_dtype: 'f32' };
      const run = async (layers) => {
        let workers = null, checkpoint = null;
        const result = await tt.train({ ...config, layers }, {
          on_progress: (p) => { if (p.phase === 'prepared') workers = p.workers; },
          on_checkpoint: (c) => { checkpoint = c.bytes; },
        });
        return { epochs: result.epochs.length, workers, checkpoint };
      };
      const first = await run(1);
      const refused = [];
      for (const bad of [first.checkpoint.slice(0, first.checkpoint.length >> 1), new Uint8Array(64)]) {
        refused.push(await tt.resume(bad).then(() => null, (e) => e.message));
      }
      const all = await run(2);
      const again = await run(1);
      return { first: first.workers, refused, all: { epochs: all.epochs, workers: all.workers }, again: { epochs: again.epochs, workers: again.workers } };
    });
    assert.equal(r.first, 2, 'one frozen layer: the pool works beside the training worker');
    assert.ok(r.refused.every((m) => typeof m === 'string' && m.length > 0), `damaged checkpoints are refused: ${JSON.stringify(r.refused)}`);
    assert.deepEqual(r.all, { epochs: 1, workers: 1 }, 'no frozen layer: no pool, and the run trains');
    assert.deepEqual(r.again, { epochs: 1, workers: 2 }, 'the next run with a frozen layer uses the pool again');
  } finally { await browser.close(); }
});
