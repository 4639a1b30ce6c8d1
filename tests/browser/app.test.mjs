// The app and the <tabtune-trainer> widget, through the UI only (no JS API calls from tests).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtures, openPage, screenshotPath, startServer, tabtune } from './harness.mjs';

let fixtures, server;
const T = { timeout: 900_000 };

before(async () => {
  fixtures = makeFixtures();
  // an extra id column, and columns not named text/label, so picking columns matters
  const rows = execFileSync('cat', [join(fixtures, 'sst2-64.tsv')], { encoding: 'utf8' }).trim().split('\n').slice(1);
  const csv = 'id,review,sentiment\n' + rows.map((r, i) => { const [t, y] = r.split('\t'); return `${i},"${t.replaceAll('"', '""')}",${y === '1' ? 'pos' : 'neg'}`; }).join('\n') + '\n';
  writeFileSync(join(fixtures, 'reviews-64.csv'), csv);
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** The app at `path`, its widget ready (model loaded). */
async function openApp(path) {
  const o = await openPage(server.origin);
  await o.page.setViewportSize({ width: 1280, height: 720 });
  await o.page.goto(server.origin + path);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
  return { ...o, w };
}

test('the full flow through the UI: upload, pick columns, train, watch, try, download', T, async () => {
  const { browser, page, w } = await openApp('/');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'reviews-64.csv'));
    await w.getByRole('combobox', { name: 'Text column' }).selectOption('review');
    await w.getByRole('combobox', { name: 'Label column' }).selectOption('sentiment');
    await w.getByText('label column “sentiment”').waitFor();
    await w.getByRole('spinbutton', { name: 'Trainable layers' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await w.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await w.getByRole('spinbutton', { name: 'Max length (tokens)' }).fill('32');
    await w.getByRole('spinbutton', { name: 'Validation share' }).fill('0.25');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 600_000 });
    // SST-2 dev sentences run past 32 tokens, so some were cut, and the page says how many
    await w.getByText(/^\d+ texts are longer than 32 tokens and were cut/).waitFor();
    const points = Number(await w.locator('[data-chart=loss]').getAttribute('data-points'));
    assert.equal(points, 6, '48 training rows / batch 8 = 6 steps, each a point');
    await w.getByRole('table', { name: 'Per class (validation)' }).waitFor();
    await w.getByRole('table', { name: /Confusion matrix/ }).waitFor();
    // the epoch line carries the padding share the core reports
    await w.getByText(/^Epoch 1: validation .*, batch padding \d+ %\./).waitFor();
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('a wonderful, moving film');
    await w.getByText(/^Predicted: (pos|neg)$/).waitFor();
    assert.equal(await w.getByText('Probability per class').count(), 1);
    await page.screenshot({ path: screenshotPath('app-after-run'), fullPage: true });

    const [predicted] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`no predictions CSV: the page says ${JSON.stringify(await w.locator('[aria-live]').allTextContents())}`);
    }), w.getByLabel(/^Predict a whole file/).setInputFiles(
      { name: 'texts.txt', mimeType: 'text/plain', buffer: Buffer.from('a wonderful film\nsays "dull", twice, and means it\n') })]);
    const csvPath = join(mkdtempSync(join(tmpdir(), 'tabtune-pred-')), 'p.csv');
    await predicted.saveAs(csvPath);
    const csvOut = execFileSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1])))))', csvPath], { encoding: 'utf8' });
    const rowsOut = JSON.parse(csvOut);
    assert.deepEqual(rowsOut[0], ['text', 'label', 'p_neg', 'p_pos']);
    assert.equal(rowsOut[2][0], 'says "dull", twice, and means it', 'quotes and commas survive the CSV');
    assert.ok(Math.abs(Number(rowsOut[1][2]) + Number(rowsOut[1][3]) - 1) < 1e-5);

    const [download] = await Promise.all([page.waitForEvent('download'), w.getByRole('button', { name: 'Download model (.zip)' }).click()]);
    const dir = mkdtempSync(join(tmpdir(), 'tabtune-zip-'));
    await download.saveAs(join(dir, 'model.zip'));
    execFileSync('python3', ['-m', 'zipfile', '-e', join(dir, 'model.zip'), dir]);
    const m = JSON.parse(tabtune(['eval', '--model', join(dir, 'tabtune-model'), '--data', join(fixtures, 'reviews-64.csv'),
      '--text-column', 'review', '--label-column', 'sentiment']));
    assert.equal(m.n, 64);
    // the downloaded model, run natively, gives the probabilities the page gave for the same texts
    const textsPath = join(dir, 'texts.txt');
    writeFileSync(textsPath, rowsOut.slice(1).map((r) => r[0]).join('\n') + '\n');
    const native = tabtune(['predict', '--model', join(dir, 'tabtune-model'), '--input', textsPath]).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(native.length, rowsOut.length - 1);
    native.forEach((n, i) => {
      assert.equal(n.label, rowsOut[i + 1][1], `text ${i + 1}: native label ${n.label}, page ${rowsOut[i + 1][1]}`);
      for (const [k, label] of [[2, 'neg'], [3, 'pos']]) {
        assert.ok(Math.abs(n.probs[label] - Number(rowsOut[i + 1][k])) <= 1e-4, `text ${i + 1} p_${label}: native ${n.probs[label]}, page ${rowsOut[i + 1][k]}`);
      }
    });
    assert.deepEqual(dialogs, []);

    // a reload shows the last run and keeps its model
    await page.reload();
    await w.getByText(/^Your last run, finished .* restored\.$/).waitFor({ timeout: 120_000 });
    await w.getByRole('table', { name: 'Per class (validation)' }).waitFor();
    await w.getByText(/^Model: .* Fine-tuned in this browser on /).waitFor();
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('dull and lifeless');
    await w.getByText(/^Predicted: (pos|neg)$/).waitFor();
    // the same file again: the columns picked before are picked again
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'reviews-64.csv'));
    await w.getByText('label column “sentiment”').waitFor();
    assert.equal(await w.getByRole('combobox', { name: 'Text column' }).inputValue(), 'review');
    await page.screenshot({ path: screenshotPath('app-after-reload'), fullPage: true });
  } finally { await browser.close(); }
});

test('a keyboard-only run: Tab to the data, Train, and the predict box', T, async () => {
  const { browser, page, w } = await openApp('/embed.html');
  try {
    // Tab until the focused control in the widget matches `name`
    const tabTo = async (name) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const a = document.querySelector('tabtune-trainer').shadowRoot.activeElement;
          return a ? (a.getAttribute('aria-label') || a.textContent || a.type || '').trim() : '';
        });
        if (focused.startsWith(name)) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo('file');
    await tabTo('Use sample data');
    await page.keyboard.press('Enter');
    await w.getByText('400 rows').waitFor();
    await tabTo('Train');
    await page.keyboard.press('Enter');
    await w.getByText(/^Done in/).waitFor({ timeout: 600_000 });
    await tabTo('Text to classify');
    await page.keyboard.type('what a delightful film');
    await w.getByText(/^Predicted: (positive|negative)$/).waitFor();
    await page.screenshot({ path: screenshotPath('keyboard-run'), fullPage: true });
  } finally { await browser.close(); }
});

test('the widget in a docs page trains with its attributes and fires tabtune-done', T, async () => {
  const { browser, page, w } = await openApp('/embed.html');
  try {
    assert.equal(await w.getByRole('spinbutton', { name: 'Epochs' }).inputValue(), '1');
    assert.equal(await w.getByRole('spinbutton', { name: 'Trainable layers' }).inputValue(), '1');
    const done = page.evaluate(() => new Promise((resolve) => document.addEventListener('tabtune-done', (e) => resolve(e.detail), { once: true })));
    await w.getByRole('button', { name: 'Use sample data' }).click();
    await w.getByText('400 rows').waitFor();
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    const result = await done;
    assert.equal(result.cancelled, false);
    assert.equal(result.epochs.length, 1);
    await page.screenshot({ path: screenshotPath('widget-in-docs'), fullPage: true });
  } finally { await browser.close(); }
});

test('bad input gets a clear message in the page, runs no script, and the page stays usable', T, async () => {
  const { browser, page, w } = await openApp('/');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  try {
    const file = w.getByLabel(/^Drop a CSV, TSV or JSONL file/);
    const alert = w.getByRole('alert');
    const cases = [
      ['empty.csv', '', /empty/],
      ['binary.csv', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151) % 256)), /not UTF-8/],
      ['one-class.csv', 'text,label\ngood,x\nfine,x\nok,x\n', /only one class/],
    ];
    for (const [name, content, message] of cases) {
      await file.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
      await alert.filter({ hasText: message }).waitFor();
    }
    // 20 MB: accepted, with a note on what training all of it means
    const line = 'an ordinary sentence about a film that goes on for a while to fill space,';
    let big = 'text,label\n';
    for (let i = 0; big.length < 20e6; i++) big += `"${line} number ${i}",${i % 2 ? 'good' : 'bad'}\n`;
    await file.setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(big) });
    await w.getByRole('note').filter({ hasText: 'That is a large file' }).waitFor({ timeout: 120_000 });
    const xss = '<img src=x onerror=alert(1)>';
    await file.setInputFiles({ name: 'xss.csv', mimeType: 'text/csv', buffer: Buffer.from(`text,label\nnice,"${xss}"\nbad,plain\nfine,"${xss}"\n`) });
    await w.getByText(xss, { exact: true }).first().waitFor();
    assert.equal(await page.locator('tabtune-trainer').evaluate((e) => e.shadowRoot.querySelectorAll('img').length), 0, 'the label is text, not markup');
    assert.equal(await w.getByRole('button', { name: 'Train', exact: true }).isEnabled(), true, 'the page is still usable');
    assert.deepEqual(dialogs, [], 'no script ran');
    await page.screenshot({ path: screenshotPath('app-bad-input'), fullPage: true });
  } finally { await browser.close(); }
});
