// docs/teaching.png: the app (www/index.html, ?teaching) with the bundled MiniLM on the CPU
// backend, trained on the sample data (www/samples/movie-reviews.csv), its teaching view after
// the run with a Try-it sentence and one map dot hovered.
//   cd tests/browser && node teaching-shot.mjs [out.png]     (a few minutes on a CPU)
import { resolve } from 'node:path';
import { ROOT, doneEvent, openPage, startServer } from './harness.mjs';

const out = resolve(process.argv[2] || `${ROOT}/docs/teaching.png`);
const server = await startServer(await import('node:os').then((os) => os.tmpdir()));
const { browser, page } = await openPage(server.origin);
try {
  await page.setViewportSize({ width: 1400, height: 1000 });
  // the CPU backend, set before the element starts (the page has no control for it)
  await page.addInitScript(() => document.addEventListener('readystatechange', () => {
    if (document.readyState === 'interactive') document.querySelector('tabtune-trainer')?.setAttribute('backend', 'cpu');
  }));
  await page.goto(`${server.origin}/?teaching`);
  const w = page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 300_000 });
  await w.getByRole('button', { name: 'Use sample data' }).click();
  await w.getByText(/^400 rows/).waitFor();
  for (const [name, v] of [['Trainable layers', 2], ['Epochs', 4], ['Learning rate', 0.0002], ['Max length (tokens)', 48], ['Validation share', 0.15]]) {
    await w.getByRole('spinbutton', { name }).fill(String(v));
  }
  const done = doneEvent(page);
  const t0 = Date.now();
  await w.getByRole('button', { name: 'Train', exact: true }).click();
  const result = await done;
  console.log(`trained ${result.info.total_steps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s; last epoch`, JSON.stringify(result.epochs.at(-1).val_scores));
  await w.getByRole('textbox', { name: 'Text to classify' }).fill('a gripping story with wonderful acting, though the ending drags');
  await w.locator('p.attention mark.att').first().waitFor();
  // hover one dot: find a pixel of the first class's colour on the map
  const canvas = w.locator('.teach-map canvas');
  const at = await canvas.evaluate((c) => {
    const g = c.getContext('2d');
    const { data, width, height } = g.getImageData(0, 0, c.width, c.height);
    const dpr = c.width / c.clientWidth;
    // the first class's colour, #0072B2, from the middle out (a dot among others reads best)
    for (let r = 0; r < Math.max(width, height) / 2; r += 2) for (const [dx, dy] of [[r, 0], [-r, 0], [0, r], [0, -r], [r, r], [-r, -r]]) {
      const x = Math.round(width / 2 + dx), y = Math.round(height / 2 + dy);
      const i = 4 * (y * width + x);
      if (Math.abs(data[i]) < 12 && Math.abs(data[i + 1] - 114) < 12 && Math.abs(data[i + 2] - 178) < 12) return { x: x / dpr, y: y / dpr };
    }
    return null;
  });
  // the whole panel in the viewport first: a scroll for the screenshot would move the pointer off the dot
  const panel = w.locator('section.teach');
  await page.setViewportSize({ width: 1400, height: Math.ceil((await panel.boundingBox()).height) + 40 });
  await panel.evaluate((n) => n.scrollIntoView());
  if (at) await canvas.hover({ position: at });
  await panel.screenshot({ path: out });
  console.log(`wrote ${out}; hovered ${JSON.stringify(at)}: ${await w.locator('.map-tip').textContent()}`);
  if (process.env.PROJECTOR) {
    await w.getByLabel('Projector mode').check();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await panel.screenshot({ path: process.env.PROJECTOR });
  }
} finally { await browser.close(); server.stop(); }
