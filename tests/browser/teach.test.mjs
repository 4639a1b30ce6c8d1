// The teaching view, through the UI on the tiny random BERT and the CPU backend: a whole run with
// the view open draws one map dot per validation row (at every epoch, on the slider) and one
// heat-strip column per step, lists the mistakes and shades the Try-it sentence's tokens; a run
// started paused and stepped with "One step" / "One epoch" / "Play" / "Pause" gives the same
// losses, step for step, as the same run without pauses; the page's toggle shows and hides it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { axeViolations, doneEvent, makeFixtures, openPage, openTinyTrainer, screenshotPath, startServer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 600_000 };

before(async () => {
  fixtures = makeFixtures();
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** The tiny trainer with the teaching view on and the toy data loaded: 32 rows, a quarter
 *  validation (8 rows), so 24 training rows: 3 steps an epoch at batch 8. */
async function openTeaching(epochs, batch = 8) {
  const o = await openTinyTrainer(server.origin);
  await o.page.setViewportSize({ width: 1280, height: 900 });
  // the attribute the page's "Teaching view" toggle sets
  await o.page.evaluate(() => document.querySelector('tabtune-trainer').setAttribute('teaching', ''));
  const w = o.w;
  await w.getByRole('heading', { name: /^Teaching view/ }).waitFor();
  await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
  await w.getByText(/^32 rows/).waitFor();
  await w.getByRole('spinbutton', { name: 'Epochs' }).fill(String(epochs));
  await w.getByRole('spinbutton', { name: 'Batch size' }).fill(String(batch));
  await w.getByRole('spinbutton', { name: 'Validation share' }).fill('0.25');
  return o;
}

const data = (w, sel, key) => w.locator(sel).evaluate((n, key) => n.dataset[key], key);

test('a whole run with the teaching view open: a dot per validation row, a heat-strip column per step, mistakes, the sentence shaded', T, async () => {
  const { browser, page, w } = await openTeaching(2);
  try {
    const done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    const result = await done;
    assert.equal(result.cancelled, false);
    const { val_rows: valRows, total_steps: steps } = result.info;
    assert.equal(valRows, 8);
    assert.equal(steps, 6);
    await w.getByText(/^Finished: replay the epochs/).waitFor();
    // the map: epoch 0 (before training) and each epoch's end, each with every validation row
    const slider = w.getByRole('slider', { name: 'Epoch shown on the map' });
    assert.equal(await slider.getAttribute('max'), '2', 'maps at epochs 0, 1 and 2');
    assert.equal(await data(w, '.teach-map', 'epoch'), '2', 'the newest map is shown');
    assert.equal(Number(await data(w, '.teach-map', 'points')), valRows);
    await slider.fill('0');
    assert.equal(await data(w, '.teach-map', 'epoch'), '0');
    assert.equal(Number(await data(w, '.teach-map', 'points')), valRows);
    // a dot's row from the keyboard (the pointer shows the same tip): its class and its text
    await w.locator('.teach-map canvas').press('ArrowRight');
    assert.match(await w.locator('.map-tip').textContent(), /^(pos|neg) a \w+ film number \d+$/);
    // the heat strip: a column per step, rows for the trained layer and the head
    await page.waitForFunction((n) => document.querySelector('tabtune-trainer').shadowRoot.querySelector('.teach-activity').dataset.columns === String(n), steps);
    assert.deepEqual(await w.locator('.teach-blocks .block.trained').allTextContents(), ['layer 2', 'head']);
    assert.deepEqual(await w.locator('.teach-blocks .block.frozen').allTextContents(), ['embeddings', 'layer 1']);
    await w.getByLabel('relative weight change').check();
    assert.equal(await data(w, '.teach-activity', 'columns'), String(steps));
    // loss and LR on one chart: a train loss and an LR per step, a validation loss per epoch
    const [xs, train, val, lr] = await w.locator('[data-chart=teach-loss]').evaluate((n) => n.plotData);
    assert.deepEqual(xs, [1, 2, 3, 4, 5, 6]);
    assert.ok(train.every(Number.isFinite) && lr.every(Number.isFinite));
    assert.deepEqual(val.map((v) => v != null), [false, false, true, false, false, true]);
    // mistakes: a sortable table, or the note that there are none
    const table = w.getByRole('table', { name: /^Mistakes/ });
    await table.or(w.getByText('No mistakes on the validation rows.')).waitFor();
    if (await table.count()) {
      assert.equal(await table.locator('th[aria-sort=descending]').textContent(), 'confidence ▼', 'most confident mistakes first');
      await table.getByRole('button', { name: /^true/ }).click();
      assert.equal(await table.locator('th[aria-sort=ascending]').textContent(), 'true ▲');
      const labels = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      assert.deepEqual(labels, [...labels].sort(), 'sorted by the true label');
    }
    // what it looks at: the Try-it sentence, every word of it inside a shaded token
    const sentence = 'a wonderful, moving film';
    await w.getByRole('textbox', { name: 'Text to classify' }).fill(sentence);
    await w.locator('p.attention mark.att').first().waitFor();
    const marks = await w.locator('p.attention mark.att').allTextContents();
    assert.equal(await w.locator('p.attention').textContent(), sentence, 'the sentence, as typed');
    assert.equal(marks.join(''), sentence.replaceAll(' ', ''), `tokens ${JSON.stringify(marks)} cover the sentence's characters`);
    const weights = await w.locator('p.attention mark.att').evaluateAll((ms) => ms.map((m) => Number(m.style.getPropertyValue('--w'))));
    assert.ok(weights.every((x) => x >= 0 && x <= 1) && weights.includes(1), `shades ${weights}`);
    await w.locator('.look').getByText('Probability per class').waitFor();
    await w.locator('section.teach').screenshot({ path: screenshotPath('teach-after-run') });
    // the panel's controls, canvases and tables have names; projector mode's contrast holds
    assert.deepEqual(await axeViolations(page), []);
    await w.getByLabel('Projector mode').check();
    assert.equal(await page.locator('tabtune-trainer[projector]').count(), 1);
    assert.deepEqual(await axeViolations(page), []);
  } finally { await browser.close(); }
});

/** Waits until the panel says the worker paused after step `n`. */
const pausedAfter = (w, n) => w.getByText(new RegExp(`^Paused after step ${n} of`)).waitFor({ timeout: 60_000 });

test('step mode: a run started paused and stepped by the buttons has the losses of the same run without pauses', T, async () => {
  // batch 4: 6 steps an epoch, 300 in all, so Play runs long enough for Pause to land mid-run
  const EPOCHS = 50, STEPS = 6 * EPOCHS;
  const { browser, page, w } = await openTeaching(EPOCHS, 4);
  try {
    const lossHost = w.locator('[data-chart=loss]');
    let done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    assert.equal((await done).cancelled, false);
    const [xs, straight] = await lossHost.evaluate((n) => n.plotData);
    assert.equal(xs.filter((x, i) => straight[i] != null).length, STEPS, 'log_every 1: a loss at every step');
    const lossAt = (x, y) => Object.fromEntries(x.map((s, i) => [s, y[i]]).filter(([, v]) => v != null));
    const want = lossAt(xs, straight);

    await w.getByLabel('Start the next run paused').check();
    done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Paused before the first step/).waitFor({ timeout: 60_000 }); // the panel's line (the badge says "Paused" too)
    const button = (name) => w.getByRole('button', { name, exact: true });
    assert.equal(await button('Pause').isDisabled(), true, 'a paused run offers no Pause');
    assert.equal(await data(w, '.teach-activity', 'columns'), '0', 'no step before the first click');
    for (let n = 1; n <= 4; n++) {
      await button('One step').click();
      await pausedAfter(w, n);
      assert.equal(await data(w, '.teach-activity', 'columns'), String(n));
    }
    await button('One epoch').click();
    await pausedAfter(w, 6); // the end of epoch 1
    // Play, then Pause as soon as the worker says it plays: clicked in the page, so no test-side
    // round trip lets the last of the 294 steps go by first
    await w.evaluate(async (host) => {
      const button = (name) => [...host.shadowRoot.querySelectorAll('.step-mode button')].find((b) => b.textContent === name);
      const pause = button('Pause');
      const playing = new Promise((ok) => new MutationObserver((_, o) => { if (!pause.disabled) { o.disconnect(); ok(); } }).observe(pause, { attributes: true }));
      button('Play').click();
      await playing;
      pause.click();
    });
    await w.getByText(new RegExp(`^Paused after step \\d+ of ${STEPS}`)).waitFor();
    await button('Play').click();
    assert.equal((await done).cancelled, false);
    const [xs2, stepped] = await lossHost.evaluate((n) => n.plotData);
    assert.deepEqual(lossAt(xs2, stepped), want, 'the same loss at every step');
    assert.equal(await data(w, '.teach-activity', 'columns'), String(STEPS));
  } finally { await browser.close(); }
});

test('the page\'s "Teaching view" toggle shows and hides the panel (and ?teaching opens with it)', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await page.goto(`${server.origin}/`);
    const toggle = page.getByRole('checkbox', { name: 'Teaching view' });
    const panel = page.locator('tabtune-trainer').getByRole('heading', { name: /^Teaching view/ });
    await page.locator('tabtune-trainer').getByRole('heading', { name: '2. Train' }).waitFor();
    assert.equal(await panel.isVisible(), false);
    await toggle.check();
    await panel.waitFor();
    await toggle.uncheck();
    await panel.waitFor({ state: 'hidden' });
    await page.goto(`${server.origin}/?teaching`);
    await panel.waitFor();
    assert.equal(await toggle.isChecked(), true);
  } finally { await browser.close(); }
});
