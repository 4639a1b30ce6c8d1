// The README's screenshots of the one-screen studio at 1280×720 (what a projector shows), from
// the app as served (www/index.html, the bundled models, the page's defaults): before any data, during a
// text run on the sample reviews, after it, an image run on the sample images, and the
// teaching view after a run. Not a test: the layout test holds the boxes these show.
//   cd tests/browser && node studio-shots.mjs [out-dir]     (about two minutes on two cores)
import { resolve } from 'node:path';
import { ROOT, openPage, startServer } from './harness.mjs';

const dir = resolve(process.argv[2] || `${ROOT}/docs`);
const server = await startServer(await import('node:os').then((os) => os.tmpdir()));
const shot = (page, name) => page.screenshot({ path: `${dir}/${name}.png` });

async function open(path = '/') {
  const o = await openPage(server.origin);
  await o.page.setViewportSize({ width: 1280, height: 720 });
  await o.page.goto(`${server.origin}${path}`);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 300_000 });
  return { ...o, w };
}

try {
  const text = await open();
  try {
    const { page, w } = text;
    await shot(page, 'studio-before-data');
    await w.getByRole('button', { name: 'Use sample data' }).click();
    await w.getByRole('button', { name: 'Train', exact: true }).and(w.locator(':enabled')).waitFor();
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    // mid-run: the loss curve drawn to step 25 or so, the ETA in the progress line
    await w.getByText(/^Step (2[5-9]|3\d) of/).waitFor({ timeout: 300_000 });
    await shot(page, 'studio-during-run');
    await w.getByText(/^Done in/).waitFor({ timeout: 300_000 });
    await w.getByRole('textbox', { name: 'Text to classify' }).fill('a warm, funny and beautifully acted film');
    await page.waitForTimeout(1500);
    await shot(page, 'studio-after-run');
  } finally { await text.browser.close(); }

  const images = await open();
  try {
    const { page, w } = images;
    await w.getByRole('radio', { name: 'Images' }).check();
    await w.getByRole('button', { name: 'Use the sample images' }).click();
    await w.getByRole('button', { name: 'Train', exact: true }).and(w.locator(':enabled')).waitFor({ timeout: 300_000 });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 300_000 });
    await shot(page, 'studio-images');
  } finally { await images.browser.close(); }

  const teach = await open('/?teaching');
  try {
    const { page, w } = teach;
    await w.getByRole('button', { name: 'Use sample data' }).click();
    await w.getByRole('button', { name: 'Train', exact: true }).and(w.locator(':enabled')).waitFor();
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 300_000 });
    // the teaching view's map and charts, from the top of the page (the run scrolled it)
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'studio-teaching');
  } finally { await teach.browser.close(); }
  console.log(`screenshots in ${dir}`);
} finally { server.stop(); }
