// The Images data side of the widget, through its UI on the tiny fixture model: a folder of two
// visually distinct classes (red-ish and blue-ish PNGs) plus one bad file of each kind (truncated,
// not an image, 0×0, 60 Mpx, animated GIF, CMYK JPEG), picked with the folder input; the
// per-class counts the worker reports; each bad file named with its reason while the rest are
// kept; deleting a thumbnail; a zip with labels.csv; a dropped zip; renaming (merging) and
// removing a class; the image size; the webcam (Chromium's fake camera) recording into a class
// while its button is held (pointer and keyboard); axe; the camera off when leaving Images mode;
// a denied camera's message. ~8 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from '../../www/node_modules/fflate/esm/index.mjs';
import { NO_WEBGPU_ARGS, axeViolations, makeFixtures, openPage, startServer } from './harness.mjs';
import { CAMERA_ARGS, blue, pngHeader, red } from './image-fixtures.mjs';

let fixtures, server;
const T = { timeout: 120_000 };
// two 2×2 frames (no pixel data worth decoding: the frame count refuses it first)
const frame = [0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 2, 0x44, 0x01, 0];
const animatedGif = Buffer.from([...Buffer.from('GIF89a'), 2, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, ...frame, ...frame, 0x3b]);
// SOI, a baseline frame header with 4 components (CMYK), a scan, EOI
const cmykJpeg = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 20, 8, 0, 1, 0, 1, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0,
  0xff, 0xda, 0, 14, 4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0, 0, 0, 0xff, 0xd9]);
// each bad file and the words its message must have
const BAD = {
  'broken.png': [null, 'truncated or damaged and could not be decoded (the file ends before the PNG image does)'], 'notes.png': [Buffer.from('hello, not an image'), 'its content is not a'],
  'empty.png': [pngHeader(0, 0), 'no pixels (0×0)'], 'huge.png': [pngHeader(10000, 6000), '10000×6000 pixels (60 megapixels)'],
  'anim.gif': [animatedGif, 'an animated GIF'], 'cmyk.jpg': [cmykJpeg, 'a CMYK JPEG'],
};
let folder;
before(async () => {
  fixtures = makeFixtures();
  folder = join(fixtures, 'pets');
  for (const cls of ['red', 'blue']) mkdirSync(join(folder, cls), { recursive: true });
  for (let i = 0; i < 6; i++) { writeFileSync(join(folder, 'red', `r${i}.png`), red(i)); writeFileSync(join(folder, 'blue', `b${i}.png`), blue(i)); }
  BAD['broken.png'][0] = red(9).subarray(0, 60); // cut inside its image data
  for (const [name, [bytes]] of Object.entries(BAD)) writeFileSync(join(folder, 'red', name), bytes);
  writeFileSync(join(folder, 'red', '.DS_Store'), 'clutter'); // skipped without a word
  server = await startServer(fixtures);
});
after(() => server?.stop());

const summary = (w) => w.locator('.img-summary');
async function waitSummary(w, pattern) {
  await summary(w).filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
  return summary(w).textContent();
}

test('images: a folder, bad files, delete, zips, classes, the size, the webcam, axe', T, async () => {
  const t0 = Date.now();
  const { browser, page } = await openPage(server.origin, { args: CAMERA_ARGS });
  try {
    await page.goto(`${server.origin}/test/tiny-trainer.html`);
    const w = page.locator('tabtune-trainer');
    await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
    await w.getByRole('radio', { name: 'Images' }).check();
    assert.equal(await w.getByRole('button', { name: 'Train', exact: true }).isDisabled(), true, 'no images yet: nothing to train');

    // a folder of class folders: 6 + 6 kept, the truncated one named with its reason
    await w.getByLabel('Choose a folder of class folders').setInputFiles(folder);
    let text = await waitSummary(w, /images in/);
    assert.match(text, /^12 images in 2 classes \(blue: 6, red: 6\), at 224×224 px\.$/);
    const problems = await w.locator('.img-problems li').allTextContents();
    assert.equal(problems.length, Object.keys(BAD).length, problems.join('\n'));
    for (const [name, [, words]] of Object.entries(BAD)) {
      assert.ok(problems.some((p) => p.startsWith(`pets/red/${name}: `) && p.includes(words)), `${name}: “${words}” in\n${problems.join('\n')}`);
    }
    assert.equal(await w.locator('section.img-class').count(), 2);
    assert.equal(await w.getByRole('list', { name: 'Images of class red' }).getByRole('img').count(), 6);

    // delete one thumbnail: the worker's count drops
    await w.getByRole('button', { name: 'Delete pets/red/r0.png' }).click();
    text = await waitSummary(w, /^11 images/);
    assert.match(text, /\(blue: 6, red: 5\)/);
    assert.equal(await w.getByRole('list', { name: 'Images of class red' }).getByRole('img').count(), 5);

    // a zip whose labels.csv names the classes (paths relative to the csv); one image unlisted
    const zip = zipSync({
      'set/labels.csv': new TextEncoder().encode('path,label\nimg/a.png,sun\nimg/b.png,sun\n"img/c.png",sea\nimg/gone.png,sea\n'),
      'set/img/a.png': red(1), 'set/img/b.png': red(2), 'set/img/c.png': blue(3), 'set/img/extra.png': blue(4),
    });
    await w.getByLabel('Choose a zip (or images inside class folders)').setInputFiles({ name: 'sky.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    text = await waitSummary(w, /^14 images in 4 classes/);
    assert.match(text, /\(blue: 6, red: 5, sea: 1, sun: 2\)/);
    const zipProblems = await w.locator('.img-problems li').allTextContents();
    assert.equal(zipProblems.length, 1, zipProblems.join('\n'));
    assert.match(zipProblems[0], /^sky\.zip\/set\/labels\.csv line 5: 'img\/gone\.png' is not in the zip/);
    await w.getByText('sky.zip: 1 image file(s) in the zip are not listed in set/labels.csv').waitFor();

    // a zip of class folders dropped on the drop zone (a synthetic drop: files, no folder entries)
    const pond = Buffer.from(zipSync({ 'pond/frog/f0.png': blue(7), 'pond/frog/f1.png': blue(8) })).toString('base64');
    const dt = await page.evaluateHandle((b64) => {
      const d = new DataTransfer();
      d.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pond.zip', { type: 'application/zip' }));
      return d;
    }, pond);
    await w.locator('.images-panel .drop').dispatchEvent('drop', { dataTransfer: dt });
    assert.match(await waitSummary(w, /^16 images in 5 classes/), /frog: 2/);
    // renaming a class onto another merges them; removing a class removes its images
    await w.getByRole('textbox', { name: 'Name of class frog' }).fill('sun');
    await w.getByRole('textbox', { name: 'Name of class frog' }).press('Enter');
    assert.match(await waitSummary(w, /^16 images in 4 classes/), /\(blue: 6, red: 5, sea: 1, sun: 4\)/);
    assert.equal(await w.getByRole('list', { name: 'Images of class sun' }).getByRole('img').count(), 4);
    await w.getByRole('region', { name: 'Class sea' }).getByRole('button', { name: 'Remove class' }).click();
    assert.match(await waitSummary(w, /^15 images in 3 classes/), /\(blue: 6, red: 5, sun: 4\)/);
    assert.equal(await w.getByRole('region', { name: 'Class sea' }).count(), 0);

    // the size the worker assembles the RGB at
    await w.getByLabel('Image size (the network sees this square)').selectOption('96');
    await waitSummary(w, /at 96×96 px/);

    // the webcam: hold the button ~1 s → about 10 frames in that class
    await w.getByRole('button', { name: 'Start the camera' }).click();
    await w.getByText('Camera on').waitFor({ timeout: 10_000 });
    await w.getByRole('button', { name: 'Add class' }).click();
    const hold = w.getByRole('region', { name: 'Class Class 1' }).getByRole('button', { name: 'Hold to record' });
    const box = await hold.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(1000);
    await page.mouse.up();
    text = await waitSummary(w, /Class 1: \d+/);
    await w.getByText(/^Recorded \d+ frames into Class 1\.$/).waitFor({ timeout: 5_000 }); // said once, when released
    await page.waitForTimeout(300); // frames grabbed just before the release still arrive
    text = await summary(w).textContent();
    const held = Number(/Class 1: (\d+)/.exec(text)[1]);
    assert.ok(held >= 5 && held <= 15, `${held} frames in ~1 s at ~10 fps: ${text}`);
    // …and from the keyboard: Space held down records too
    await hold.focus();
    await page.keyboard.down(' ');
    await page.waitForTimeout(500);
    await page.keyboard.up(' ');
    await page.waitForTimeout(300);
    const keyed = Number(/Class 1: (\d+)/.exec(await summary(w).textContent())[1]);
    assert.ok(keyed > held, `Space recorded more frames (${held} → ${keyed})`);
    assert.equal(await w.getByRole('list', { name: 'Images of class Class 1' }).getByRole('img').count(), keyed);

    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], 'axe: no serious or critical violation in Images mode');

    // leaving Images mode stops the stream
    await w.getByRole('radio', { name: 'Text' }).check();
    const live = await page.evaluate(() => {
      const v = document.querySelector('tabtune-trainer').shadowRoot.querySelector('video');
      return v.srcObject ? v.srcObject.getTracks().filter((t) => t.readyState === 'live').length : 0;
    });
    assert.equal(live, 0, 'no live camera track after leaving Images mode');
    assert.equal(await w.getByLabel('Drop a CSV, TSV or JSONL file here, or choose one').first().isVisible(), true, 'the text data controls are back');
    assert.equal(await w.getByLabel('Choose a folder of class folders').isVisible(), false, 'the images panel is hidden');

    // a denied camera says so
    await w.getByRole('radio', { name: 'Images' }).check();
    await page.evaluate(() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')); });
    await w.getByRole('button', { name: 'Start the camera' }).click();
    await w.getByText('The camera was not allowed').waitFor({ timeout: 5_000 });
    console.log(`images-data: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close();
  }
});

// The app's own page (index.html): "Use the sample images" loads the zip its images-data attribute
// names (the Fashion-MNIST sample scripts/fetch-model writes), decoded in the worker. ~10 s.
test('images: the app page’s sample images', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    await page.goto(`${server.origin}/`);
    const w = page.locator('tabtune-trainer');
    await w.getByRole('radio', { name: 'Images' }).check();
    await w.getByText('Image model: EfficientNet-Lite0 (ImageNet), 16 blocks.').waitFor({ timeout: 60_000 });
    await w.getByRole('button', { name: 'Use the sample images' }).click();
    await summary(w).filter({ hasText: '80 images in 4 classes (Bag: 20, Pullover: 20, Sneaker: 20, Trouser: 20)' }).waitFor({ timeout: 60_000 });
    assert.equal(await w.locator('.img-problems .error').count(), 0, 'nothing left out');
  } finally {
    await browser.close();
  }
});
