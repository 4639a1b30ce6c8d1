// The multilingual model in the tab: picked from the page's menu, trained on its Chinese sample,
// tried, downloaded and scored natively; and the quality check of tests/it/multilingual.rs (the
// same split and settings) through the worker, held to the same n-gram baseline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolWorkersFor } from '../../www/worker/pool.js';
import { ROOT, TABTUNE, createTabtune, makeFixtures, openPage, screenshotPath, startServer, tabtune } from './harness.mjs';

let server;
const T = { timeout: 900_000 };
const ZH = join(ROOT, 'models/samples/zh-reviews');

before(async () => { server = await startServer(makeFixtures()); });
after(() => server?.stop());

test('the page: multilingual-e5-small from the menu, its Chinese sample, train, predict, download', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.origin + '/');
    const w = page.locator('tabtune-trainer');
    await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
    const menu = w.getByRole('combobox', { name: 'Base model' });
    // the download size is said before the model is picked
    const label = (await menu.locator('option').allTextContents()).find((t) => t.startsWith('Multilingual: 中文'));
    assert.match(label, /multilingual-e5-small \(487 MB download\)$/);
    await menu.selectOption({ label });
    await w.getByText('Model: multilingual-e5-small; 12 layers, 384 wide.').waitFor({ timeout: 300_000 });
    await w.getByRole('button', { name: 'Use sample data (中文 reviews)' }).click();
    await w.getByText(/400 rows/).first().waitFor();
    await w.getByRole('spinbutton', { name: 'Trainable layers' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Max length (tokens)' }).fill('64');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 600_000 });
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('质量很好，非常满意，推荐购买！');
    await w.getByText(/^Predicted: (正面|负面)$/).waitFor();
    await page.screenshot({ path: screenshotPath('app-multilingual'), fullPage: true });

    // the page's predictions of two texts, and the downloaded model's run natively: the same
    const texts = ['质量很好，非常满意，推荐购买！', '太差了，用了两天就坏了，不会再买。'];
    const [predicted] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }),
      w.getByLabel(/^Predict a whole file/).setInputFiles({ name: 'texts.txt', mimeType: 'text/plain', buffer: Buffer.from(texts.join('\n') + '\n') })]);
    const dir = mkdtempSync(join(tmpdir(), 'tabtune-zh-'));
    await predicted.saveAs(join(dir, 'p.csv'));
    const rows = JSON.parse(execFileSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding="utf-8")))))', join(dir, 'p.csv')], { encoding: 'utf8' }));
    assert.deepEqual(rows.slice(1).map((r) => r[0]), texts);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), w.getByRole('button', { name: 'Download model (.zip)' }).click()]);
    await download.saveAs(join(dir, 'model.zip'));
    execFileSync('python3', ['-m', 'zipfile', '-e', join(dir, 'model.zip'), dir]);
    writeFileSync(join(dir, 'texts.txt'), texts.join('\n') + '\n');
    const native = tabtune(['predict', '--model', join(dir, 'tabtune-model'), '--input', join(dir, 'texts.txt')]).trim().split('\n').map((l) => JSON.parse(l));
    const header = rows[0];
    native.forEach((n, i) => {
      assert.equal(n.label, rows[i + 1][1], `text ${i + 1}: native ${n.label}, page ${rows[i + 1][1]}`);
      for (const [label, p] of Object.entries(n.probs)) {
        const inPage = Number(rows[i + 1][header.indexOf(`p_${label}`)]);
        assert.ok(Math.abs(p - inPage) <= 1e-4, `text ${i + 1} p_${label}: native ${p}, page ${inPage}`);
      }
    });
  } finally { await browser.close(); }
});

test('in the tab, multilingual-e5-small beats the character n-gram baseline on held-out Chinese reviews; the model’s reserve covers what it takes', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    // the page's default engine: the CPU backend here, WebGPU where a real GPU is found
    await createTabtune(page, 'auto');
    const train = readFileSync(join(ZH, 'train.csv'), 'utf8');
    const held = readFileSync(join(ZH, 'test.csv'), 'utf8');
    const r = await page.evaluate(async ([train, held]) => {
      await window.tt.loadModel('/models/multilingual-e5-small/');
      await window.tt.loadData(train, { format: 'csv' });
      // tests/it/multilingual.rs's settings
      let info = null;
      await window.tt.train({ layers: 2, epochs: 4, lr: 1e-4, batch_size: 16, max_len: 128, val_split: 0, seed: 0 }, { on_start: (e) => { info = e.info; } });
      const m = await window.tt.evaluate(held, { format: 'csv' });
      // what the engine grew to through loading, the run (on every core: the frozen layers
      // written out for the pool) and a download's export, beside the run's cache
      await window.tt.exportModel({ format: 'hf' });
      return { acc: m.acc, n: m.n, memory: await window.tt.diagnostics(), cache_mb: info.cached ? info.cache_mb : 0 };
    }, [train, held]);
    const baseline = Number(execFileSync(join(TABTUNE, '../examples/ngram_baseline'), [join(ZH, 'train.csv'), join(ZH, 'test.csv')], { encoding: 'utf8' }));
    console.log(`Chinese reviews held out, in the tab: multilingual-e5-small ${r.acc.toFixed(3)} (n ${r.n}), character n-grams ${baseline.toFixed(3)}; ` +
      `engine ${r.memory.engine_mb.toFixed(0)} MB (${r.cache_mb.toFixed(0)} MB of it the cache), ${r.memory.model_reserve_mb} MB set aside for the model`);
    assert.equal(r.n, 1000);
    assert.ok(r.acc >= baseline + 0.05, `fine-tuned ${r.acc.toFixed(3)} does not beat the n-gram baseline ${baseline.toFixed(3)} by 5 points`);
    assert.ok(r.memory.engine_mb - r.cache_mb <= r.memory.model_reserve_mb,
      `beside the cache the engine grew to ${(r.memory.engine_mb - r.cache_mb).toFixed(0)} MB, more than the ${r.memory.model_reserve_mb} MB set aside for the model`);
  } finally { await browser.close(); }
});

test('each pool worker holds a copy of the model: a large model gets fewer of them', () => {
  const [minilm, e5] = [90_868_376, 470_045_936]; // the weights files' bytes
  assert.deepEqual([8, 4, 2].map((gb) => poolWorkersFor(minilm, 4, gb)), [4, 4, 3]);
  assert.deepEqual([8, 4, 2].map((gb) => poolWorkersFor(e5, 4, gb)), [2, 1, 0]);
  assert.equal(poolWorkersFor(e5, 1, 8), 1, 'never more than the cores');
});
