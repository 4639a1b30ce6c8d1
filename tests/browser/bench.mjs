// Browser figures for the README, printed, never asserted: fine-tuning MiniLM (top-1 layer,
// batch 8, max_len 32, 64 SST-2 rows) through the JS API on WebGPU and on the CPU backend —
// start-up, the frozen prefix pass, the first step (kernel compilation: the warm-up) and the
// steady samples/s — and the wasm's size, raw and as served (brotli).
// Usage: node tests/browser/bench.mjs [webgpu,cpu]   (after scripts/build-web)
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, createTabtune, makeFixtures, openPage, startServer } from './harness.mjs';

const backends = (process.argv[2] || 'webgpu,cpu').split(',');
const fixtures = makeFixtures();
const server = await startServer(fixtures);
const rows = [];
try {
  for (const backend of backends) {
    const { browser, page } = await openPage(server.origin);
    try {
      const t0 = Date.now();
      const info = await createTabtune(page, backend);
      const r = await page.evaluate(async () => {
        const t = () => performance.now();
        const a = t();
        await window.tt.loadModel('/models/all-MiniLM-L6-v2/');
        await window.tt.loadData(await (await fetch('/fixtures/sst2-64.tsv')).text(), { format: 'tsv' });
        const b = t();
        const steps = [];
        let prepared = 0;
        await window.tt.train({ layers: 1, epochs: 1, batch_size: 8, max_len: 32, val_split: 0 }, {
          on_progress: (p) => { if (p.phase === 'prepare') prepared = t(); },
          on_step: (s) => steps.push(t()),
        });
        return { load_s: (b - a) / 1000, prefix_s: (prepared - b) / 1000, first_step_s: (steps[0] - prepared) / 1000,
                 steady_samples_per_s: (8 * (steps.length - 1)) / ((steps.at(-1) - steps[0]) / 1000) };
      });
      rows.push({ backend: info.kind, adapter: info.adapter, device_init_ms: info.init_ms, start_s: (Date.now() - t0) / 1000, ...r });
      console.log(JSON.stringify(rows.at(-1)));
    } finally { await browser.close(); }
  }
} finally { server.stop(); }

const wasm = join(ROOT, 'www/pkg/tabtune_bg.wasm');
const mb = (p) => existsSync(p) ? (statSync(p).size / 1e6).toFixed(1) + ' MB' : 'n/a';
console.log(`\n| backend | device start | model load | frozen prefix (64 rows) | first step (warm-up) | steady samples/s |`);
console.log(`|---|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  console.log(`| ${r.backend} (${r.adapter}) | ${r.device_init_ms.toFixed(0)} ms | ${r.load_s.toFixed(1)} s | ${r.prefix_s.toFixed(1)} s | ${r.first_step_s.toFixed(1)} s | ${r.steady_samples_per_s.toFixed(1)} |`);
}
console.log(`\nwasm: ${mb(wasm)} raw, ${mb(wasm + '.br')} brotli`);
