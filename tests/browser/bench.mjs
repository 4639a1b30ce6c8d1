// The tab's figures for scripts/bench, printed, never asserted. On the CPU backend: `tabtune
// bench`'s workload (tt.bench), a 1k-row SST-2 CSV trained as a user would (top-1 layer, max_len
// 64, 3 epochs: time to the first loss point, the frozen layers' pass, the whole run) and Try-it's
// latency; on WebGPU, the bench workload when the adapter is hardware (SwiftShader is not a GPU).
// The last line printed is one JSON object. Usage: node tests/browser/bench.mjs  (after scripts/build-web)
import { spawnSync } from 'node:child_process';
import { statSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softwareAdapter } from '../../www/worker/backend-choice.js';
import { ROOT, TABTUNE, createTabtune, gpuAdapter, makeFixtures, openPage, startServer } from './harness.mjs';

const BENCH = { layers: 2, batch_size: 32, seq_len: 128, steps: 3, warmup: 1 };
const RUN = { layers: 1, epochs: 3, max_len: 64 };
const fixtures = makeFixtures();
const out = { bench_workload: BENCH, csv_run: { rows: 1000, ...RUN } };

// The same CSV run natively on one thread (flex in the tab has one per worker): its prefix
// pass and whole run, for the ratios.
const t0 = Date.now();
const native = spawnSync(TABTUNE, ['train', '--model', join(ROOT, 'models/all-MiniLM-L6-v2'), '--data', join(fixtures, 'sst2-1k.csv'),
  '--out', join(mkdtempSync(join(tmpdir(), 'tabtune-bench-')), 'm'), '--layers', String(RUN.layers), '--epochs', String(RUN.epochs),
  '--max-len', String(RUN.max_len)], { env: { ...process.env, RAYON_NUM_THREADS: '1' }, encoding: 'utf8' });
if (native.status !== 0) throw new Error(`the native run failed: ${native.stderr}`);
const prefixLine = native.stderr.match(/frozen layers ran over (\d+) rows in ([\d.]+) s/);
const nativeEpochs = native.stdout.trim().split('\n').map((l) => JSON.parse(l));
out.native_1_thread = { run_s: (Date.now() - t0) / 1000, prefix: { rows: Number(prefixLine[1]), seconds: Number(prefixLine[2]) },
  epoch_samples_per_s: nativeEpochs.map((e) => e.samples_per_s), val_acc: nativeEpochs.at(-1).val_acc };
console.error(`1k-row CSV natively, 1 thread: ${JSON.stringify(out.native_1_thread)}`);

const server = await startServer(fixtures);
try {
  const { browser, page } = await openPage(server.origin);
  try {
    const backend = await createTabtune(page, 'cpu');
    out.prefix_workers = backend.prefix_workers;
    out.cores = await page.evaluate(() => navigator.hardwareConcurrency);
    out.cpu = await page.evaluate((b) => window.tt.bench(b), BENCH);
    console.error(`wasm cpu bench: ${JSON.stringify(out.cpu)}`);
    out.tab = await page.evaluate(async (config) => {
      const now = () => performance.now() / 1000;
      await window.tt.loadModel('/models/all-MiniLM-L6-v2/');
      await window.tt.loadData(await (await fetch('/fixtures/sst2-1k.csv')).text(), { format: 'csv' });
      let first = null, prepared = null;
      const epochs = [];
      const t0 = now();
      await window.tt.train(config, {
        on_progress: (p) => { if (p.phase === 'prepared') prepared = p; },
        on_step: (s) => { if (first == null && s.loss != null) first = now() - t0; },
        on_epoch: (e) => epochs.push(e),
      });
      const run_s = now() - t0;
      const times = [];
      for (let i = 0; i < 31; i++) {
        const a = performance.now();
        await window.tt.predict(['a gripping, funny and thoroughly humane film']);
        times.push(performance.now() - a);
      }
      times.sort((x, y) => x - y);
      return {
        first_loss_s: first, run_s, prefix: { rows: prepared.rows, seconds: prepared.seconds, workers: prepared.workers },
        epoch_samples_per_s: epochs.map((e) => e.samples_per_s), val_acc: epochs.at(-1)?.val_acc,
        predict_ms: { p50: times[15], p90: times[27] },
      };
    }, RUN);
    console.error(`1k-row CSV in the tab: ${JSON.stringify(out.tab)}`);
    const adapter = await gpuAdapter(page);
    if (adapter && !softwareAdapter(adapter)) {
      await createTabtune(page, 'webgpu');
      out.webgpu = await page.evaluate((b) => window.tt.bench(b), BENCH);
    } else {
      out.webgpu = null;
      out.webgpu_skipped = adapter ? `software adapter (${softwareAdapter(adapter)})` : 'no WebGPU adapter';
    }
  } finally { await browser.close(); }
} finally { server.stop(); }

const size = (p) => (existsSync(p) ? statSync(p).size : null);
out.wasm_bytes = size(join(ROOT, 'www/pkg/tabtune_bg.wasm'));
out.wasm_brotli_bytes = size(join(ROOT, 'www/pkg/tabtune_bg.wasm.br'));
console.log(JSON.stringify(out));
