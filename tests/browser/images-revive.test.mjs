// Images mode keeps its images through a failed engine (the page, CPU backend): a folder of two
// colour classes, a third class recorded from Chromium's fake camera and one image deleted; an
// image run whose engine traps mid-run; the new engine is given the same images again (the page's
// journal: trainer/images/journal.js) — the same counts — and "Resume run" goes on from the last
// epoch's checkpoint, which the core accepts only on the same names, classes and pixels. ~40 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeFixtures, openPage, screenshotPath, startServer } from './harness.mjs';
import { CAMERA_ARGS, recordNewClass, writeColours } from './image-fixtures.mjs';

let fixtures, server;
const T = { timeout: 300_000 };

before(async () => {
  fixtures = makeFixtures();
  writeColours(join(fixtures, 'colours'), 6);
  server = await startServer(fixtures);
});
after(() => server?.stop());

test('images: a trap mid-run gets a new engine holding the same images, and Resume run finishes', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: CAMERA_ARGS });
  try {
    await page.goto(`${server.origin}/test/tiny-trainer.html?mode=images`);
    const w = page.locator('tabtune-trainer');
    await w.getByText('Image model: EfficientNet-Lite0 (ImageNet), 16 blocks.').waitFor({ timeout: 60_000 });
    await w.getByLabel('Choose a folder of class folders').setInputFiles(join(fixtures, 'colours'));
    await w.locator('.img-summary').filter({ hasText: '12 images in 2 classes' }).waitFor({ timeout: 30_000 });
    await w.getByLabel('Image size (the network sees this square)').selectOption('96');
    // a third class from the camera: frames have no file the page could read again
    await recordNewClass(page, w, 'camera', 800);
    await w.getByRole('button', { name: 'Stop the camera' }).click();
    // and one image deleted: the new engine must not get it back
    await w.getByRole('button', { name: /^Delete (.*\/)?red\/r0\.png$/ }).click();
    await w.locator('.img-summary').filter({ hasText: 'red: 5' }).waitFor();
    const before = await w.locator('.img-summary').textContent();
    assert.match(before, /camera: \d+/);

    for (const [key, value] of Object.entries({ epochs: '30', batch_size: '4', val_split: '0.25', lr: '0.001' })) await w.locator(`input[name=${key}]`).fill(value);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    // past the second epoch's end (its checkpoint is what Resume goes on from); a step lasts
    // ~0.1 s here, so any epoch from the third on will do
    await w.getByText(/^Step \d+ of \d+ · epoch ([3-9]|[1-9]\d) /).waitFor({ timeout: 120_000 });
    const [worker] = page.workers();
    await worker.evaluate(() => self.onmessage({ data: { id: -1, type: 'debugTrapNextStep' } }));
    await w.getByText(/The engine stopped \(.*unreachable.*\); a new one is starting/).first().waitFor({ timeout: 60_000 });
    await w.getByRole('status').filter({ hasText: 'A new engine is ready' }).waitFor({ timeout: 120_000 });
    await w.getByText('The images are back in the new engine.').waitFor({ timeout: 30_000 });
    assert.equal(await w.locator('.img-summary').textContent(), before, 'the new engine holds the images the page showed');
    assert.equal(await w.locator('.run-badge').textContent(), 'Failed', 'the badge says how the run ended');

    // the text mode's Resume run is hidden here: the role query finds the image run's
    const resume = w.getByRole('button', { name: 'Resume run' });
    await resume.click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 }).catch(async (e) => {
      await page.screenshot({ path: screenshotPath('images-revive'), fullPage: true });
      throw e;
    });
    assert.equal(await w.locator('.run-badge').textContent(), 'Done');
  } finally { await browser.close(); }
});
