// Shared by the browser tests: the app's server on 127.0.0.1, Debian's Chromium (WebGPU through
// SwiftShader on a GPU-less machine), fixtures made by the native build, and a record of every
// request so a test can show nothing left 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = process.env.CARGO_TARGET_DIR || join(process.env.HOME, '.cache/tabtune-target');
export const TABTUNE = join(TARGET, 'release/tabtune');
export const OUT = process.env.TABTUNE_TEST_OUT || join(ROOT, 'target/browser-test-output');

/** Starts scripts/server.py with /models/, /fixtures/ and /test/ mounted (and `more`: [[prefix,
 *  folder]]); resolves its origin. */
export async function startServer(fixtures, more = []) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const proc = spawn('python3', ['scripts/server.py', '--port', String(port), '--mount', '/models/=models',
    '--mount', `/fixtures/=${fixtures}`, '--mount', '/test/=tests/browser/pages', ...more.flatMap(([p, d]) => ['--mount', `${p}=${d}`])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    proc.stdout.on('data', (d) => String(d).includes('served on') && ok());
    proc.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => proc.kill() };
}

export const WEBGPU_ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
export const NO_WEBGPU_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

/** A fresh browser (and so a fresh profile) on `path`; every request it makes is pushed to
 *  `requests`. */
export async function openPage(origin, { args = WEBGPU_ARGS, requests = [], path = '/test/blank.html' } = {}) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args, headless: true });
  const context = await browser.newContext();
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.log(`[browser ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.log(`[worker ${m.type()}] ${m.text()}`)));
  await page.goto(`${origin}${path}`);
  return { browser, page, requests };
}

/** In the page: window.tt = await Tabtune.create({ backend, ...options }); returns tt.backend. */
export async function createTabtune(page, backend, options = {}) {
  return page.evaluate(async ([backend, options]) => {
    const { Tabtune } = await import('/tabtune.js');
    window.tt = await Tabtune.create({ backend, ...options });
    return window.tt.backend;
  }, [backend, options]);
}

/** In the page: window.tt on the CPU backend (`options` as createTabtune's) holding the tiny
 *  random BERT and the toy CSV. */
export async function tinyOnCpu(page, options = {}) {
  await createTabtune(page, 'cpu', options);
  await page.evaluate(async () => {
    await window.tt.loadModel('/fixtures/tiny/');
    await window.tt.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
  });
}

/** The fixtures: the tiny random BERT, a toy CSV, an SST-2 sample. */
export function makeFixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'tabtune-browser-'));
  execFileSync(join(TARGET, 'release/examples/tiny_model'), [join(dir, 'tiny')], { cwd: ROOT });
  const good = ['great', 'wonderful', 'lovely', 'superb'], bad = ['awful', 'terrible', 'boring', 'dull'];
  let toy = 'text,label\n';
  for (let i = 0; i < 32; i++) toy += i % 2 ? `a ${bad[i % 4]} film number ${i},neg\n` : `a ${good[i % 4]} film number ${i},pos\n`;
  writeFileSync(join(dir, 'toy.csv'), toy);
  // 32 rows per class from SST-2 dev, whole sentences
  const lines = readFileSync(join(ROOT, '../shared/data/sst2/dev.tsv'), 'utf8').trim().split('\n').slice(1);
  const byClass = { 0: [], 1: [] };
  for (const l of lines) { const [t, y] = l.split('\t'); if (byClass[y.trim()].length < 32) byClass[y.trim()].push(t.trim()); }
  let sst = 'sentence\tlabel\n';
  for (let i = 0; i < 32; i++) sst += `${byClass[0][i]}\t0\n${byClass[1][i]}\t1\n`;
  writeFileSync(join(dir, 'sst2-64.tsv'), sst);
  // the first 1000 rows of SST-2 train as CSV: the speed figures' workload (scripts/bench)
  const train = readFileSync(join(ROOT, '../shared/data/sst2/train.tsv'), 'utf8').trim().split('\n').slice(1, 1001);
  const quote = (t) => (/[",\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t);
  writeFileSync(join(dir, 'sst2-1k.csv'), 'sentence,label\n' + train.map((l) => { const [t, y] = l.split('\t'); return `${quote(t.trim())},${y.trim()}`; }).join('\n') + '\n');
  // 8 per class: small enough for MiniLM on SwiftShader's WebGPU (~0.3 samples/s)
  writeFileSync(join(dir, 'sst2-16.tsv'), sst.split('\n').slice(0, 17).join('\n') + '\n');
  return dir;
}

/** Runs the native CLI; returns stdout. */
export function tabtune(args) {
  return execFileSync(TABTUNE, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function screenshotPath(name) {
  mkdirSync(OUT, { recursive: true });
  return join(OUT, `${name}.png`);
}

/** The page's WebGPU adapter as a plain object (what www/worker/backend-choice.js reads), or null. */
export async function gpuAdapter(page) {
  return page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter().catch(() => null);
    if (!a) return null;
    const { vendor, architecture, device, description, isFallbackAdapter } = a.info || {};
    return { isFallbackAdapter: a.isFallbackAdapter, info: { vendor, architecture, device, description, isFallbackAdapter } };
  });
}

/** axe-core's serious and critical violations on the page as it is now (it looks inside open
 *  shadow roots), each as { id, impact, help, targets }. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  }
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.flat().join(' >> ')) })));
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact));
}

/** The <tabtune-trainer> test page on the tiny random BERT, once it says Ready: { browser, page, w }. */
export async function openTinyTrainer(origin) {
  const o = await openPage(origin);
  await o.page.goto(`${origin}/test/tiny-trainer.html`);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
  return { ...o, w };
}

/** Resolves with the next 'tabtune-done' event's detail (a finished or cancelled run). Marked
 *  handled at once: a test that fails before awaiting it closes the browser, and that rejection
 *  must not replace the test's own error (awaiting it still throws). */
export function doneEvent(page) {
  const done = page.evaluate(() => new Promise((resolve) => document.addEventListener('tabtune-done', (e) => resolve(e.detail), { once: true })));
  done.catch(() => {});
  return done;
}

/** `n` distinct rows cycling through `labels` (a duplicate text would be dropped by loadData). */
export function toyCsv(n, labels = ['pos', 'neg']) {
  const words = { pos: ['great', 'wonderful', 'lovely', 'superb'], neg: ['awful', 'terrible', 'boring', 'dull'], meh: ['okay', 'fine', 'average', 'plain'] };
  let csv = 'text,label\n';
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length];
    csv += `a ${words[label][i % 4]} film number ${i},${label}\n`;
  }
  return csv;
}

/** Fills the widget's number fields by their labels: { 'Batch size': 4, … }. */
export async function setFields(w, fields) {
  for (const [name, value] of Object.entries(fields)) await w.getByRole('spinbutton', { name, exact: true }).fill(String(value));
}

/** Clicks the widget's Download and returns the zip's model.safetensors bytes. */
export async function downloadWeights(page, w) {
  const [download] = await Promise.all([page.waitForEvent('download'), w.getByRole('button', { name: 'Download model (.zip)' }).click()]);
  const dir = mkdtempSync(join(tmpdir(), 'tabtune-zip-'));
  await download.saveAs(join(dir, 'model.zip'));
  execFileSync('python3', ['-m', 'zipfile', '-e', join(dir, 'model.zip'), dir]);
  return readFileSync(join(dir, 'tabtune-model/model.safetensors'));
}
