// Few-shot figures for scripts/bench-fewshot, printed, never asserted: 64 stratified SST-2
// training rows (tabtune's `sample: 64`, seeds 0 and 1), scored on the whole dev set, for the
// contrastive strategy (SetFit's recipe) and cross-entropy recipe R (top-2 layers, 10 epochs,
// lr 1e-4), natively (flex, all cores) beside PyTorch's anchors; then the contrastive run of
// seed 0 in the tab (wasm CPU backend): its time and its dev accuracy beside the native one.
// The last line printed is one JSON object. Usage: node tests/browser/fewshot-bench.mjs
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TABTUNE, createTabtune, makeFixtures, openPage, startServer } from './harness.mjs';

// PyTorch on 64 rows (../shared/bench/results and issue 11): the rows differ from tabtune's
// sample, so these are anchors, not a paired comparison.
const ANCHORS = { contrastive: [0.733, 0.749], recipe_r: [0.6261, 0.6663] };
const SST2 = join(ROOT, '../shared/data/sst2');
const CASES = {
  contrastive: ['--strategy', 'contrastive', '--max-len', '64'],
  recipe_r: ['--layers', '2', '--epochs', '10', '--lr', '1e-4', '--batch-size', '32', '--max-len', '128'],
};
const TAB_CONFIG = { strategy: 'contrastive', sample: 64, val_split: 0, max_len: 64, seed: 0 };
const model = join(ROOT, 'models/all-MiniLM-L6-v2');
const cli = (args) => {
  const r = spawnSync(TABTUNE, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`tabtune ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
};

const out = { rows: 64, dev_rows: 872, native: {}, anchors: ANCHORS };
for (const [name, flags] of Object.entries(CASES)) {
  out.native[name] = [];
  for (const seed of [0, 1]) {
    const dir = join(mkdtempSync(join(tmpdir(), 'tabtune-fewshot-')), 'm');
    const t0 = Date.now();
    cli(['train', '--model', model, '--data', join(SST2, 'train.tsv'), '--sample', '64', '--val-split', '0', '--seed', String(seed), '--out', dir, ...flags]);
    const seconds = (Date.now() - t0) / 1000;
    const { acc } = JSON.parse(cli(['eval', '--model', dir, '--data', join(SST2, 'dev.tsv')]));
    out.native[name].push({ seed, acc, seconds });
    console.error(`native ${name} seed ${seed}: dev acc ${acc.toFixed(4)} in ${seconds.toFixed(0)} s`);
  }
}

const fixtures = makeFixtures();
copyFileSync(join(SST2, 'train.tsv'), join(fixtures, 'sst2-train.tsv'));
copyFileSync(join(SST2, 'dev.tsv'), join(fixtures, 'sst2-dev.tsv'));
const server = await startServer(fixtures);
try {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    out.tab = await page.evaluate(async (config) => {
      const tt = window.tt;
      await tt.loadModel('/models/all-MiniLM-L6-v2/');
      await tt.loadData(await (await fetch('/fixtures/sst2-train.tsv')).text(), { format: 'tsv' });
      const t0 = performance.now();
      const run = await tt.train(config);
      const seconds = (performance.now() - t0) / 1000;
      const m = await tt.evaluate(await (await fetch('/fixtures/sst2-dev.tsv')).text(), { format: 'tsv' });
      return { seed: config.seed, acc: m.acc, seconds, pairs: run.info.pairs };
    }, TAB_CONFIG);
  } finally { await browser.close(); }
} finally { server.stop(); }

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log('case          seed  tabtune acc  PyTorch anchor  seconds');
for (const [name, runs] of Object.entries(out.native)) {
  for (const r of runs) console.log(`${name.padEnd(12)}  ${r.seed}     ${r.acc.toFixed(4)}       ${ANCHORS[name][r.seed].toFixed(3)}           ${r.seconds.toFixed(0)}`);
  console.log(`${name.padEnd(12)}  mean  ${mean(runs.map((r) => r.acc)).toFixed(4)}       ${mean(ANCHORS[name]).toFixed(3)}`);
}
console.log(`in the tab (wasm CPU): contrastive seed 0: dev acc ${out.tab.acc.toFixed(4)} (native ${out.native.contrastive[0].acc.toFixed(4)}), ${out.tab.seconds.toFixed(0)} s for ${out.tab.pairs} pairs (native ${out.native.contrastive[0].seconds.toFixed(0)} s)`);
out.contrastive_mean = mean(out.native.contrastive.map((r) => r.acc));
out.recipe_r_mean = mean(out.native.recipe_r.map((r) => r.acc));
console.log(JSON.stringify(out));
