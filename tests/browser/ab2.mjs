import { makeFixtures, startServer, openPage, createTabtune } from './harness.mjs';
const server = await startServer(makeFixtures());
const { browser, page } = await openPage(server.origin, { args: ['--headless', '--no-sandbox', '--disable-gpu'] });
await createTabtune(page, 'cpu', { prefix_workers: 1 });
const r = await page.evaluate(async () => {
  await window.tt.loadModel('/models/all-MiniLM-L6-v2/');
  const csv = (await (await fetch('/fixtures/sst2-1k.csv')).text()).split('\n');
  await window.tt.loadData(csv.slice(0, 201).join('\n'), { format: 'csv' });
  await window.tt.train({ layers: 1, epochs: 1, max_len: 64 });
  const texts = csv.slice(1, 257).map((l) => l.slice(0, l.lastIndexOf(','))).map((t) => (t.startsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t));
  const { CALL } = await import('/api/worker-client.js');
  const t = [];
  for (let i = 0; i < 60; i++) { const a = performance.now(); await window.tt.predict(['a gripping, funny and thoroughly humane film']); t.push(performance.now() - a); }
  t.sort((a, b) => a - b);
  const b = [];
  for (let i = 0; i < 4; i++) { const a = performance.now(); await window.tt[CALL]({ type: 'predict', texts, alone: true }); b.push(performance.now() - a); }
  b.sort((x, y) => x - y);
  return `single p50 ${t[30].toFixed(2)} ms, batch-256 alone median ${((b[1] + b[2]) / 2).toFixed(0)} ms (${b.map((x) => x.toFixed(0)).join(' ')})`;
});
console.log(process.env.TAG, r);
await browser.close(); server.stop();
