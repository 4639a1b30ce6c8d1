// What the page says and writes, checked through the UI: no stray text, the backend named once,
// no serious accessibility problem (axe-core), a predictions CSV that a spreadsheet will not run,
// and a model that loads when the browser's Cache API fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, makeFixtures, openPage, startServer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 600_000 };

before(async () => {
  fixtures = makeFixtures();
  // labels a spreadsheet would read as formulas, so the predicted label cells need defusing too
  const good = ['great', 'wonderful', 'lovely', 'superb'], bad = ['awful', 'terrible', 'boring', 'dull'];
  let csv = 'text,label\n';
  for (let i = 0; i < 32; i++) csv += i % 2 ? `a ${bad[i % 4]} film number ${i},-neg\n` : `a ${good[i % 4]} film number ${i},+pos\n`;
  writeFileSync(join(fixtures, 'formula-labels.csv'), csv);
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** The widget with the tiny fixture model (trains in seconds), every status it shows recorded
 *  in window.statuses. */
async function openTinyWidget() {
  const o = await openPage(server.origin);
  await o.page.evaluate(async () => {
    await import('/tabtune-trainer.js');
    const w = document.createElement('tabtune-trainer');
    w.setAttribute('model', '/fixtures/tiny/');
    window.statuses = [];
    document.body.append(w);
    const status = w.shadowRoot.querySelector('[role=status]');
    new MutationObserver(() => window.statuses.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
  return { ...o, w };
}

/** The app page at `path`, its widget ready. */
async function openApp(path) {
  const o = await openPage(server.origin);
  await o.page.goto(server.origin + path);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
  return { ...o, w };
}

function assertNoAxeViolations(violations, where) {
  const lines = violations.map((v) => `  ${v.impact} ${v.id} (${v.help}): ${v.targets.join(', ')}`);
  assert.equal(violations.length, 0, `axe on ${where}:\n${lines.join('\n')}`);
}

test('loading a small file prints no stray "null" under the column pickers', T, async () => {
  const { browser, w } = await openTinyWidget();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText('32 rows').waitFor();
    const text = await w.getByRole('region', { name: '1. Data' }).textContent();
    assert.doesNotMatch(text, /null/, text);
  } finally { await browser.close(); }
});

test('the status names the backend once: "CPU (WebAssembly, burn flex)" or "WebGPU (adapter)"', T, async () => {
  const { browser, page, w } = await openTinyWidget();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    const statuses = await page.evaluate(() => window.statuses);
    assert.ok(statuses.some((s) => /First step/.test(s)), JSON.stringify(statuses));
    for (const s of statuses) {
      assert.doesNotMatch(s, /CPU \(CPU/, s);
      if (/Backend/.test(s)) assert.match(s, /Backend: (CPU \(WebAssembly, burn flex\)|WebGPU \([^()]+\)) — /, s);
    }
  } finally { await browser.close(); }
});

test('axe finds no serious or critical violation on / and /embed.html, ready and with data', T, async () => {
  for (const path of ['/', '/embed.html']) {
    const { browser, w, page } = await openApp(path);
    try {
      assertNoAxeViolations(await axeViolations(page), `${path}, ready`);
      await w.getByRole('button', { name: 'Use sample data' }).click();
      await w.getByText('400 rows').waitFor();
      // the Advanced settings and the device check open, every control of them shown
      await w.getByText('Advanced', { exact: true }).click();
      await w.getByText('Check this device against PyTorch').click();
      await w.getByRole('combobox', { name: 'Optimizer' }).selectOption('sgd');
      await w.getByRole('combobox', { name: 'Class weights' }).selectOption('by_class');
      assertNoAxeViolations(await axeViolations(page), `${path}, with data, Advanced open`);
    } finally { await browser.close(); }
  }
});

test('the predictions CSV defuses spreadsheet formulas in texts and labels; numbers stay plain', T, async () => {
  const { browser, page, w } = await openTinyWidget();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'formula-labels.csv'));
    await w.getByText('32 rows').waitFor();
    await w.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    const formulas = ["=cmd|' /C calc'!A0", '+1+1', '-2', '@SUM(A1)'];
    const plain = ['a great film', 'says "dull", twice, and means it'];
    const [predicted] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }),
      w.getByLabel(/^Predict a whole file/).setInputFiles({ name: 'texts.txt', mimeType: 'text/plain', buffer: Buffer.from([...formulas, ...plain].join('\n') + '\n') })]);
    const csvPath = join(mkdtempSync(join(tmpdir(), 'tabtune-pred-')), 'p.csv');
    await predicted.saveAs(csvPath);
    const rows = JSON.parse(execFileSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))', csvPath], { encoding: 'utf8' }));
    assert.deepEqual(rows[0], ['text', 'label', 'p_+pos', 'p_-neg']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), [...formulas.map((f) => `'${f}`), ...plain]);
    for (const [, label, ...probs] of rows.slice(1)) {
      assert.ok(["'+pos", "'-neg"].includes(label), `label cell ${label}`);
      assert.ok(probs.every((p) => /^\d\.\d{6}$/.test(p)), `probabilities ${probs}`);
      assert.ok(Math.abs(probs.reduce((a, p) => a + Number(p), 0) - 1) < 1e-5);
    }
  } finally { await browser.close(); }
});

test('a failing Cache API (quota exceeded, storing fails, none at all) still loads the model, says why, and trains', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    for (const [how, message] of [['open', /quota was exceeded/], ['put', /quota was exceeded/], ['none', /no Cache API/]]) {
      const r = await page.evaluate(async (how) => {
        const { Tabtune } = await import('/tabtune.js');
        const tt = await Tabtune.create({ backend: 'cpu', workerUrl: `/test/broken-cache-worker.js?break=${how}` });
        const progress = [];
        const model = await tt.loadModel('/fixtures/tiny/', { on_progress: (p) => progress.push(p) });
        await tt.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
        const { epochs } = await tt.train({ layers: 1, epochs: 1, batch_size: 8, max_len: 16, val_split: 0 });
        const [p] = await tt.predict(['a great film']);
        tt.dispose();
        return { layers: model.layers, errors: progress.filter((p) => p.cache_error).map((p) => [p.file, p.cache_error]), epochs: epochs.length, label: p.label };
      }, how);
      assert.equal(r.layers, 2, how);
      assert.deepEqual(r.errors.map(([file]) => file), ['config.json', 'model.safetensors', 'tokenizer.json'], `${how}: each file says caching failed`);
      for (const [, e] of r.errors) assert.match(e, message, how);
      assert.equal(r.epochs, 1, how);
      assert.ok(['pos', 'neg'].includes(r.label), how);
    }
  } finally { await browser.close(); }
});
