// The app page's layout, measured: at 1280×720 the drop zone, Train, the loss chart and the Try-it
// box of every kind share the first screen, in three panels side by side, and nothing moves while
// the engine and the model load; at 390×844 the panels stack in order (Data, Train, Try it) and
// nothing scrolls sideways (nor at 640 px: 1280 at 200 % zoom); the keyboard reaches Train from
// the top through the panels in order, with a visible focus ring; reduced motion stops every
// transition and animation; the dark scheme darkens the page with enough contrast (axe); a file
// dropped before the WebAssembly has arrived is read once it has, the load shown meanwhile.
// Nothing trains here: the checks need the page, not a run. ~25 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, openPage, startServer } from './harness.mjs';

let server;
const T = { timeout: 120_000 };

before(async () => { server = await startServer(mkdtempSync(join(tmpdir(), 'tabtune-layout-'))); });
after(() => server?.stop());

const KINDS = {
  text: { radio: 'Text', model: null, tryIt: (w) => w.getByRole('textbox', { name: 'Text to classify' }) },
  images: { radio: 'Images', model: /^Image model: .*, 16 blocks\.$/, tryIt: (w) => w.getByRole('button', { name: 'Start live prediction' }) },
  sounds: { radio: 'Sounds', model: /^Sound model: .*, 9 blocks\.$/, tryIt: (w) => w.getByRole('button', { name: 'Listen' }) },
};

/** The app at `width`×`height`, its widget ready; layout shifts are summed from the start. */
async function openApp(width, height, media = {}) {
  const o = await openPage(server.origin);
  await o.page.setViewportSize({ width, height });
  await o.page.emulateMedia(media);
  await o.page.addInitScript(() => {
    window.shift = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.shift += e.value; })
      .observe({ type: 'layout-shift', buffered: true });
  });
  await o.page.goto(`${server.origin}/`);
  const w = o.page.locator('tabtune-trainer');
  await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  return { ...o, w };
}

async function useKind(w, kind) {
  await w.getByRole('radio', { name: KINDS[kind].radio }).check();
  if (KINDS[kind].model) await w.getByText(KINDS[kind].model).waitFor({ timeout: 60_000 });
}

const panelBoxes = (w) => Promise.all(['1. Data', '2. Train', '3. Try it & take it home']
  .map((name) => w.getByRole('region', { name }).boundingBox()));
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

test('1280×720: three panels side by side; drop zone, Train, loss chart and Try it on the first screen, for every kind; no shift while loading', T, async () => {
  const { browser, page, w } = await openApp(1280, 720);
  try {
    // the engine's start, the model's download and the empty charts move nothing (CLS 0.1 is "good")
    const shift = await page.evaluate(() => window.shift);
    assert.ok(shift < 0.005, `layout shift while loading: ${shift}`);
    const [data, train, tryIt] = await panelBoxes(w);
    assert.ok(Math.abs(data.y - train.y) < 2 && Math.abs(train.y - tryIt.y) < 2, 'the panels start on one line');
    assert.ok(data.x + data.width <= train.x && train.x + train.width <= tryIt.x, 'Data, Train, Try it from left to right');
    for (const kind of Object.keys(KINDS)) {
      await useKind(w, kind);
      const parts = {
        'drop zone': w.locator('.drop').filter({ visible: true }).first(),
        Train: w.getByRole('button', { name: 'Train', exact: true }),
        'loss chart': w.locator('[data-chart=loss]'),
        'Try it': KINDS[kind].tryIt(w),
      };
      for (const [name, part] of Object.entries(parts)) {
        const b = await part.boundingBox();
        assert.ok(b && b.width > 0 && b.height > 0, `${kind}: ${name} is drawn`);
        assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 1280 && b.y + b.height <= 720, `${kind}: ${name} at ${JSON.stringify(b)} is inside 1280×720`);
      }
      assert.ok((await w.locator('[data-chart=loss]').boundingBox()).height >= 250, `${kind}: the loss chart is large enough to read`);
    }
  } finally { await browser.close(); }
});

test('390×844: one column, Data then Train then Try it, nothing scrolls sideways (nor at 640 or 1000 px)', T, async () => {
  const { browser, page, w } = await openApp(390, 844);
  try {
    await w.getByRole('button', { name: 'Use sample data' }).click();
    await w.getByText(/^400 rows/).waitFor();
    const [data, train, tryIt] = await panelBoxes(w);
    assert.ok(Math.abs(data.x - train.x) < 1 && Math.abs(train.x - tryIt.x) < 1, 'one column');
    assert.ok(data.y + data.height <= train.y && train.y + train.height <= tryIt.y, 'Data, then Train, then Try it');
    for (const kind of Object.keys(KINDS)) {
      await useKind(w, kind);
      for (const width of [390, 640, 1000]) {
        await page.setViewportSize({ width, height: 844 });
        assert.ok(await noSideScroll(page), `${kind} at ${width} px: scrollWidth ${await page.evaluate(() => document.documentElement.scrollWidth)}`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
    }
  } finally { await browser.close(); }
});

test('the keyboard reaches the sample data and Train from the top, through the panels in order, with a visible focus ring', T, async () => {
  const { browser, page, w } = await openApp(1280, 720);
  try {
    // the focused control's words and its panel (0: outside the panels, 1: Data, 2: Train, 3: Try it)
    const focused = () => page.evaluate(() => {
      const root = document.querySelector('tabtune-trainer').shadowRoot;
      const a = root.activeElement;
      if (!a) return { name: document.activeElement?.id || '', panel: 0 };
      const panels = [...root.querySelectorAll('section.panel')];
      const style = getComputedStyle(a);
      return { name: (a.getAttribute('aria-label') || a.textContent || a.type || '').trim(), panel: panels.indexOf(a.closest('section.panel')) + 1,
        outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    const seen = [];
    const tabTo = async (name) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        seen.push(f);
        if (f.name.startsWith(name)) return f;
      }
      throw new Error(`Tab never reached ${name}: ${seen.map((f) => f.name).join(' → ')}`);
    };
    await tabTo('Use sample data');
    await page.keyboard.press('Enter');
    await w.getByText(/^400 rows/).waitFor();
    const train = await tabTo('Train');
    assert.equal(train.panel, 2);
    assert.equal(train.outline, 'solid 3px', 'the focus ring is the page\'s, not the browser\'s thin default');
    await tabTo('Python code'); // the first control of the Try-it panel before a run (the rest wait for a model)
    const panels = seen.map((f) => f.panel).filter(Boolean);
    assert.deepEqual(panels, [...panels].sort(), `Tab order follows the panels: ${seen.map((f) => `${f.panel}:${f.name.slice(0, 20)}`).join(' → ')}`);
    assert.ok(panels.includes(1) && panels.includes(3));
  } finally { await browser.close(); }
});

test('reduced motion: the transitions and animations that run otherwise do not run', T, async () => {
  const { browser, page, w } = await openApp(1280, 720);
  try {
    // what moves: a hovered button's ring, the drop zone lighting up under a dragged file
    const motion = async (reducedMotion) => {
      await page.emulateMedia({ reducedMotion });
      await page.mouse.move(0, 0);
      await w.locator('.drop').first().dispatchEvent('dragleave');
      await page.waitForTimeout(300);
      await w.getByRole('button', { name: 'Use sample data' }).hover();
      await w.locator('.drop').first().dispatchEvent('dragover');
      return page.evaluate(() => {
        const root = document.querySelector('tabtune-trainer').shadowRoot;
        const timed = [...root.querySelectorAll('*')].filter((e) => {
          const s = getComputedStyle(e);
          return s.transitionDuration.split(',').some((d) => parseFloat(d) > 0) || s.animationName !== 'none';
        });
        return { running: root.getAnimations().length, timed: timed.length };
      });
    };
    const normal = await motion('no-preference');
    assert.ok(normal.running > 0 && normal.timed > 0, `something moves normally: ${JSON.stringify(normal)}`);
    assert.deepEqual(await motion('reduce'), { running: 0, timed: 0 });
  } finally { await browser.close(); }
});

test('the dark scheme darkens the page and the widget, with enough contrast (axe: no serious violation)', T, async () => {
  const { browser, page, w } = await openApp(1280, 720, { colorScheme: 'dark' });
  try {
    const backgrounds = () => page.evaluate(() => [document.body, document.querySelector('tabtune-trainer')]
      .map((e) => getComputedStyle(e).backgroundColor));
    const luminance = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const dark = await backgrounds();
    await w.getByRole('button', { name: 'Use sample data' }).click();
    await w.getByText(/^400 rows/).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'dark: no serious violation (colour contrast included)');
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await backgrounds();
    for (const i of [0, 1]) assert.ok(luminance(dark[i]) < 50 && luminance(light[i]) > 200, `dark ${dark[i]}, light ${light[i]}`);
  } finally { await browser.close(); }
});

test('before the WebAssembly has arrived: the load shows, and a file picked meanwhile is read once the engine is up', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    // the engine's WebAssembly held back until the file has been picked
    let release;
    const held = new Promise((ok) => { release = ok; });
    await page.context().route('**/pkg/tabtune_bg.wasm*', async (route) => { await held; await route.continue(); });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${server.origin}/`);
    const w = page.locator('tabtune-trainer');
    await w.getByRole('status').filter({ hasText: /^Starting the engine/ }).waitFor();
    assert.equal(await w.locator('progress.load').getAttribute('data-state'), 'busy', 'the load bar runs');
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles({ name: 'early.csv', mimeType: 'text/csv', buffer: Buffer.from(toy) });
    await w.getByText('Reading early.csv…').waitFor();
    release();
    await w.getByText(/^6 rows/).waitFor({ timeout: 60_000 });
    assert.deepEqual(await w.getByRole('alert').allTextContents().then((t) => t.filter(Boolean)), [], 'no error');
    await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await w.locator('progress.load').getAttribute('data-state'), 'idle', 'the load bar rests once loaded');
  } finally { await browser.close(); }
});

const toy = 'text,label\na fine film,pos\na dull film,neg\na lovely film,pos\nan awful film,neg\na great film,pos\na boring film,neg\n';
