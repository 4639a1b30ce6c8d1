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

// onnxruntime-web and Tokenizers.js (scripts/bench installs them under ~/.cache/tabtune/ort-web):
// the library a web developer would run tabtune's own ONNX export in, on the same texts
const ORT = process.env.TABTUNE_ORT_WEB; // its node_modules folder, or unset: not measured
const server = await startServer(fixtures, ORT ? [['/ort/', ORT]] : []);
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
      // 512 of the CSV's texts: the worker alone and across the pool (the first pooled call also exports the model to the pool: timed apart)
      const csv = (await (await fetch('/fixtures/sst2-1k.csv')).text()).trim().split('\n').slice(1, 513);
      const texts = csv.map((l) => l.slice(0, l.lastIndexOf(','))).map((t) => (t.startsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t));
      const timed = async (fn) => { const a = now(); await fn(); return now() - a; };
      const { CALL } = await import('/api/worker-client.js');
      const alone = () => window.tt[CALL]({ type: 'predict', texts, alone: true }); // the worker only (a bench hook)
      const pool_first_s = await timed(() => window.tt.predict(texts));
      const pooled = [], single = [];
      for (let i = 0; i < 3; i++) { single.push(await timed(alone)); pooled.push(await timed(() => window.tt.predict(texts))); }
      const median = (xs) => [...xs].sort((x, y) => x - y)[1];
      const workers = (await window.tt.diagnostics()).predict_workers;
      // a Try-it sent while a batch runs: answered between the pieces of the worker's share
      let during = null;
      const batch = window.tt.predict(texts);
      await new Promise((r) => setTimeout(r, 100));
      const a = now();
      await window.tt.predict(['a gripping, funny and thoroughly humane film']);
      during = (now() - a) * 1000;
      await batch;
      return {
        first_loss_s: first, run_s, prefix: { rows: prepared.rows, seconds: prepared.seconds, workers: prepared.workers },
        epoch_samples_per_s: epochs.map((e) => e.samples_per_s), val_acc: epochs.at(-1)?.val_acc,
        predict_ms: { p50: times[15], p90: times[27] },
        batch_predict: { texts: texts.length, workers, alone_samples_per_s: texts.length / median(single),
          pooled_samples_per_s: texts.length / median(pooled), pool_first_s, try_it_during_batch_ms: during },
      };
    }, RUN);
    console.error(`1k-row CSV in the tab: ${JSON.stringify(out.tab)}`);
    out.train_pool = await page.evaluate(trainPool, RUN);
    console.error(`training across the pool and alone: ${JSON.stringify(out.train_pool)}`);
    if (ORT) {
      out.ort_web = await page.evaluate(ortWeb, RUN.max_len);
      console.error(`onnxruntime-web on the same model: ${JSON.stringify(out.ort_web)}`);
      // TensorFlow.js on the bench workload, in a page of its own (not isolated: one thread)
      const tfPage = await page.context().newPage();
      await tfPage.goto(`${server.origin}/test/blank.html?isolation=off`);
      out.tfjs = await tfPage.evaluate(tfjsTrain, BENCH);
      await tfPage.close();
      console.error(`TensorFlow.js on the bench workload: ${JSON.stringify(out.tfjs)}`);
    }
    out.pool_scaling_train = out.train_pool.pooled_samples_per_s / out.train_pool.alone_samples_per_s;
    const bp = out.tab.batch_predict;
    out.pool_scaling_infer = bp.pooled_samples_per_s / bp.alone_samples_per_s;
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

/** In the page: one epoch of the CSV run on the engine with its pool (every step split across
 *  the workers) and on a second engine without one, each timed from step to step (the median
 *  interval, so neither the frozen layers' pass nor the validation counts). */
async function trainPool(config) {
  const { Tabtune } = await import('/tabtune.js');
  const alone = await Tabtune.create({ backend: 'cpu', prefix_workers: 0 });
  await alone.loadModel('/models/all-MiniLM-L6-v2/');
  await alone.loadData(await (await fetch('/fixtures/sst2-1k.csv')).text(), { format: 'csv' });
  const rate = async (tt) => {
    const at = [];
    await tt.train({ ...config, epochs: 1 }, { on_step: () => at.push(performance.now()) });
    const gaps = at.slice(1).map((t, i) => t - at[i]).sort((a, b) => a - b);
    return { samples_per_s: 32 / (gaps[gaps.length >> 1] / 1000), steps: at.length, workers: (await tt.diagnostics()).train_workers };
  };
  const pooled = await rate(window.tt), single = await rate(alone);
  return { batch_size: 32, pooled_samples_per_s: pooled.samples_per_s, alone_samples_per_s: single.samples_per_s, workers: pooled.workers,
           steps: pooled.steps, shared_weights: (await window.tt.diagnostics()).shared_weights };
}

/** In the page: the bench workload (`tabtune bench`'s: two MiniLM-shaped layers + mean pooling +
 *  dropout 0.1 + a Linear head on cached states, batch × seq random, AdamW-like Adam step) in
 *  TensorFlow.js 4.22 on its wasm backend, one thread, written as a careful TF.js user would: every
 *  Linear on the [b·s, h] matrix with its gradient written by hand (tf.customGrad: dx = dy·Wᵀ,
 *  dW = xᵀ·dy, db = Σdy; TF.js's own gradient of a batched matmul falls off its fast path), the
 *  rest (attention, softmax, erf GELU, LayerNorm, dropout, cross-entropy) by its autodiff. */
async function tfjsTrain({ batch_size: B, seq_len: S, steps, warmup }) {
  const load = (src) => new Promise((ok, fail) => { const el = Object.assign(document.createElement('script'), { src, onload: ok, onerror: fail }); document.head.append(el); });
  await load('/ort/@tensorflow/tfjs/dist/tf.min.js');
  await load('/ort/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
  const { tf } = window;
  tf.wasm.setWasmPaths('/ort/@tensorflow/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount?.(1);
  await tf.setBackend('wasm');
  const H = 384, NH = 12, D = H / NH, I = 1536, C = 2, P = 0.1;
  const w = (r, c) => tf.variable(tf.randomNormal([r, c], 0, 0.02));
  const b = (c, v = 0) => tf.variable(tf.fill([c], v));
  const linear = tf.customGrad((x, W, bias, save) => {
    save([x, W]);
    // explicit transposes: the wasm backend's matMul with a transpose flag is its slow path
    return { value: tf.add(tf.matMul(x, W), bias), gradFunc: (dy, [xs, Ws]) => [tf.matMul(dy, tf.transpose(Ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)] };
  });
  const norm = (x, g, beta) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).div(variance.add(1e-12).sqrt()).mul(g).add(beta);
  };
  const gelu = (x) => x.mul(0.5).mul(tf.erf(x.div(Math.SQRT2)).add(1));
  const layers = [0, 1].map(() => ({ q: w(H, H), qb: b(H), k: w(H, H), kb: b(H), v: w(H, H), vb: b(H), o: w(H, H), ob: b(H), g1: b(H, 1), b1: b(H),
    i: w(H, I), ib: b(I), o2: w(I, H), o2b: b(H), g2: b(H, 1), b2: b(H) }));
  const head = { w: w(H, C), b: b(C) };
  const x0 = tf.randomNormal([B * S, H]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % 2), 'int32'), C);
  const heads = (t) => t.reshape([B, S, NH, D]).transpose([0, 2, 1, 3]);
  const forward = () => {
    let x = x0;
    for (const p of layers) {
      const [q, k, v] = [[p.q, p.qb], [p.k, p.kb], [p.v, p.vb]].map(([W, bb]) => heads(linear(x, W, bb)));
      const probs = tf.dropout(tf.softmax(tf.matMul(q, k.transpose([0, 1, 3, 2])).div(Math.sqrt(D))), P);
      const ctx = tf.matMul(probs, v).transpose([0, 2, 1, 3]).reshape([B * S, H]);
      const a = norm(tf.dropout(linear(ctx, p.o, p.ob), P).add(x), p.g1, p.b1);
      x = norm(tf.dropout(linear(gelu(linear(a, p.i, p.ib)), p.o2, p.o2b), P).add(a), p.g2, p.b2);
    }
    const pooled = tf.dropout(x.reshape([B, S, H]).mean(1), P);
    return tf.losses.softmaxCrossEntropy(y, linear(pooled, head.w, head.b));
  };
  const opt = tf.train.adam(2e-5);
  const step = () => { const loss = opt.minimize(forward, true); loss.dataSync(); loss.dispose(); };
  for (let i = 0; i < warmup; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  return { version: tf.version.tfjs, backend: tf.getBackend(), threads: tf.wasm.getThreadsCount?.() ?? 1, batch: B, seq: S, trainable_layers: 2,
           train_cached_samples_per_s: (B * steps) / seconds };
}

/** In the page, on the model the tab just trained: its ONNX export in onnxruntime-web (1 thread:
 *  the page is not cross-origin isolated, as a docs page is not), tokenised by Tokenizers.js from
 *  the export's tokenizer.json, cut at `maxLen` as tabtune cuts; the same 512 texts in batches of
 *  32, in their order and sorted by length (the sort not timed), one text's latency, and the
 *  largest probability difference from tt.predict. */
async function ortWeb(maxLen) {
  const ort = await import('/ort/onnxruntime-web/dist/ort.wasm.min.mjs');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/onnxruntime-web/dist/';
  const { Tokenizer } = await import('/ort/@huggingface/tokenizers/dist/tokenizers.mjs');
  const { tt } = window;
  const hf = await tt.exportModel({ format: 'hf' });
  const tok = new Tokenizer(JSON.parse(await hf['tokenizer.json'].text()), JSON.parse(await hf['tokenizer_config.json'].text()));
  const onnx = new Uint8Array(await (await tt.exportModel({ format: 'onnx' }))['model.onnx'].arrayBuffer());
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  const csv = (await (await fetch('/fixtures/sst2-1k.csv')).text()).trim().split('\n').slice(1, 513);
  const texts = csv.map((l) => l.slice(0, l.lastIndexOf(','))).map((t) => (t.startsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t));
  const predict = async (batch) => {
    const rows = batch.map((t) => {
      const ids = tok.encode(t).ids;
      return ids.length > maxLen ? [...ids.slice(0, maxLen - 1), ids.at(-1)] : ids; // [SEP] kept, as tabtune cuts
    });
    const seq = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * seq), mask = new BigInt64Array(rows.length * seq);
    rows.forEach((r, i) => r.forEach((id, j) => { ids[i * seq + j] = BigInt(id); mask[i * seq + j] = 1n; }));
    const dims = [rows.length, seq];
    const { probabilities } = await session.run({ input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims) });
    return Array.from({ length: rows.length }, (_, i) => Array.from(probabilities.data.slice(i * probabilities.dims[1], (i + 1) * probabilities.dims[1])));
  };
  const all = async () => { const out = []; for (let i = 0; i < texts.length; i += 32) out.push(...(await predict(texts.slice(i, i + 32)))); return out; };
  // as a careful user would batch: texts of like length together (tabtune sorts a batch so)
  const byLength = texts.map((t, i) => i).sort((a, b) => tok.encode(texts[a]).ids.length - tok.encode(texts[b]).ids.length).map((i) => texts[i]);
  const sorted = async () => { for (let i = 0; i < byLength.length; i += 32) await predict(byLength.slice(i, i + 32)); };
  const now = () => performance.now() / 1000;
  const probs = await all(); // warm-up, and the agreement check
  const ours = await tt.predict(texts.slice(0, 64));
  const labels = Object.keys(ours[0].probs);
  const max_abs_diff = Math.max(...ours.flatMap((p, i) => labels.map((l, j) => Math.abs(p.probs[l] - probs[i][j]))));
  const runs = [], sortedRuns = [];
  for (let i = 0; i < 3; i++) {
    let a = now(); await all(); runs.push(now() - a);
    a = now(); await sorted(); sortedRuns.push(now() - a);
  }
  runs.sort((x, y) => x - y);
  sortedRuns.sort((x, y) => x - y);
  const times = [];
  for (let i = 0; i < 31; i++) { const a = performance.now(); await predict(['a gripping, funny and thoroughly humane film']); times.push(performance.now() - a); }
  times.sort((x, y) => x - y);
  return { version: ort.env.versions?.web ?? null, threads: 1, texts: texts.length, samples_per_s: texts.length / runs[1],
           sorted_samples_per_s: texts.length / sortedRuns[1],
           predict_ms: { p50: times[15], p90: times[27] }, max_abs_diff };
}

const size = (p) => (existsSync(p) ? statSync(p).size : null);
out.wasm_bytes = size(join(ROOT, 'www/pkg/tabtune_bg.wasm'));
out.wasm_brotli_bytes = size(join(ROOT, 'www/pkg/tabtune_bg.wasm.br'));
console.log(JSON.stringify(out));
