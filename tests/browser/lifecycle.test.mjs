// A run's lifecycle (www/worker/lifecycle.js): one state machine, reported by the worker, drawn by
// the page. The table refuses every change it does not list; through the worker (CPU backend,
// tiny random BERT, EfficientNet-Lite0) a text run, a paused text run stepped and cancelled, an
// image run, a search and a run whose engine traps each report a path the table allows, with the
// ends they had (done, cancelled, failed — the last said by the client, as the worker is dead);
// tt.state() says where the run stands; a refused run reports nothing; the page's badge shows
// each state the worker reported, in order. ~40 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ENDED, Lifecycle, NEXT } from '../../www/worker/lifecycle.js';
import { NO_WEBGPU_ARGS, createTabtune, makeFixtures, openPage, startServer } from './harness.mjs';
import { writeColours } from './image-fixtures.mjs';

let fixtures, server;
const T = { timeout: 300_000 };
const STATES = ['idle', 'preparing', 'training', 'paused', 'done', 'failed', 'cancelled'];
const TEXT = { layers: 1, epochs: 1, batch_size: 4, max_len: 16, val_split: 0.25, cache_dtype: 'f32' };

before(async () => {
  fixtures = makeFixtures();
  writeColours(join(fixtures, 'colours'), 4);
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** Every reported change starts where the one before ended, from idle, and the table allows it. */
function assertPath(events, what) {
  let at = 'idle';
  for (const e of events) {
    assert.equal(e.from, at, `${what}: ${JSON.stringify(events.map((x) => x.state))} — ${e.state} reported from ${e.from}, the run was ${at}`);
    assert.ok(e.state === at || NEXT[at].includes(e.state), `${what}: ${at} → ${e.state} is not in the table`);
    at = e.state;
  }
  assert.ok(ENDED.includes(at), `${what}: ends ${at}`);
}
const states = (events) => events.map((e) => e.state).filter((s, i, a) => s !== a[i - 1]);

test('the lifecycle table: each change it lists is taken and reported, every other one refused', () => {
  for (const from of STATES) {
    for (const to of STATES.filter((s) => s !== from)) {
      const sent = [];
      const l = new Lifecycle((m) => sent.push(m));
      // reach `from` through the table's own changes
      const way = { idle: [], preparing: ['preparing'], training: ['preparing', 'training'], paused: ['preparing', 'paused'],
        done: ['preparing', 'done'], failed: ['preparing', 'failed'], cancelled: ['preparing', 'cancelled'] }[from];
      for (const s of way) l.to(s);
      sent.length = 0;
      if (NEXT[from].includes(to)) {
        l.to(to, { step: 3 });
        assert.deepEqual(sent, [{ type: 'state', state: to, from, step: 3 }]);
        assert.equal(l.state, to);
      } else {
        assert.throws(() => l.to(to), new RegExp(`cannot go from ${from} to ${to}`));
        assert.equal(l.state, from, 'a refused change changes nothing');
        assert.deepEqual(sent, [], 'and reports nothing');
      }
    }
  }
  // what a run may not do
  for (const [from, to] of [['idle', 'training'], ['paused', 'done'], ['done', 'training'], ['failed', 'preparing'], ['cancelled', 'done']]) {
    assert.ok(!NEXT[from].includes(to), `${from} → ${to}`);
  }
});

test('every kind of run reports its lifecycle through the worker; a dead worker is reported failed', T, async () => {
  const { browser, page } = await openPage(server.origin, { args: NO_WEBGPU_ARGS });
  try {
    await createTabtune(page, 'cpu', { prefix_workers: 0 });
    const r = await page.evaluate(async (text) => {
      const { tt } = window;
      const watch = (extra = {}) => { const events = []; return { events, hooks: { ...extra, on_state: (e) => events.push(e) } }; };
      await tt.loadModel('/fixtures/tiny/');
      await tt.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
      const out = { idleBefore: (await tt.state()).run_state };

      const plain = watch();
      await tt.train(text, plain.hooks);
      out.plain = plain.events;

      // step mode: paused before the first step, one step, paused, cancelled
      let wake = null;
      const paused = watch({ paused: true });
      const on = paused.hooks.on_state;
      paused.hooks.on_state = (e) => { on(e); if (e.state === 'paused') wake?.(); };
      const next = () => new Promise((resolve) => { wake = resolve; });
      let p = next();
      const run = tt.train({ ...text, epochs: 2 }, paused.hooks);
      await p;
      out.whilePaused = (await tt.state()).run_state;
      p = next(); tt.stepOnce(); await p;
      tt.cancel();
      out.pausedResult = (await run).cancelled;
      out.paused = paused.events;

      const refused = watch();
      out.refusedMessage = await tt.train({ ...text, lr: -1 }, refused.hooks).then(() => null, (e) => e.message);
      out.refused = refused.events;

      const search = watch();
      await tt.search({ base: { ...text }, grid: { lr: [1e-4, 3e-4] } }, search.hooks);
      out.search = search.events;
      out.idleAfter = (await tt.state()).run_state;

      await tt.loadModel('/models/efficientnet-lite0/');
      const file = async (q) => (await fetch(`/fixtures/colours/${q}`)).blob();
      const items = [];
      for (let i = 0; i < 4; i++) items.push({ path: `red/r${i}.png`, file: await file(`red/r${i}.png`) }, { path: `blue/b${i}.png`, file: await file(`blue/b${i}.png`) });
      await tt.addImages(items);
      const image = watch();
      await tt.train({ task: 'image', layers: 1, epochs: 1, image_size: 64, batch_size: 4, val_split: 0.25 }, image.hooks);
      out.image = image.events;

      // the engine traps in the run's first step: the worker dies, the client says so
      const { CALL } = await import('/api/worker-client.js');
      await tt[CALL]({ type: 'debugTrapNextStep' });
      const trapped = watch();
      out.trapMessage = await tt.train(text, trapped.hooks).then(() => null, (e) => e.message);
      out.trapped = trapped.events;
      return out;
    }, TEXT);

    assert.equal(r.idleBefore, 'idle');
    assertPath(r.plain, 'a text run');
    assert.deepEqual(states(r.plain), ['preparing', 'training', 'done']);
    assert.equal(r.plain.at(-1).step, r.plain[0].total_steps, 'done after every step');

    assertPath(r.paused, 'a paused run');
    assert.deepEqual(states(r.paused), ['preparing', 'paused', 'training', 'paused', 'cancelled']);
    assert.equal(r.whilePaused, 'paused', 'tt.state() says where the run stands');
    assert.equal(r.paused.find((e) => e.state === 'training').until, 'step');
    assert.deepEqual(r.paused.filter((e) => e.state === 'paused').map((e) => e.step), [0, 1]);
    assert.equal(r.pausedResult, true);

    assert.match(r.refusedMessage, /lr/);
    assert.deepEqual(r.refused, [], 'a refused run never started: it reports no state');

    assertPath(r.search, 'a search');
    assert.deepEqual(states(r.search), ['preparing', 'training', 'done']);
    assert.equal(r.idleAfter, 'idle');

    assertPath(r.image, 'an image run');
    assert.deepEqual(states(r.image), ['preparing', 'training', 'done']);

    assertPath(r.trapped, 'a run whose engine trapped');
    assert.deepEqual(states(r.trapped), ['preparing', 'training', 'failed']);
    assert.match(r.trapped.at(-1).message, /the tabtune worker failed .*unreachable/);
    assert.match(r.trapMessage, /worker failed/);
  } finally { await browser.close(); }
});

test("the page's badge draws each state the worker reported, in order", T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await page.goto(`${server.origin}/test/tiny-trainer.html`);
    const w = page.locator('tabtune-trainer');
    await w.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 120_000 });
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText(/^32 rows/).waitFor();
    for (const [name, value] of Object.entries({ 'Batch size': 4, 'Max length (tokens)': 16, Epochs: 2 })) {
      await w.getByRole('spinbutton', { name, exact: true }).fill(String(value));
    }
    // every text the badge shows, as it changes
    await page.evaluate(() => {
      const badge = document.querySelector('tabtune-trainer').shadowRoot.querySelector('.run-badge');
      window.badge = [];
      new MutationObserver(() => window.badge.push([badge.textContent, badge.dataset.state])).observe(badge, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    const shown = (await page.evaluate(() => window.badge)).filter(([t], i, a) => t !== a[i - 1]?.[0]);
    // Train clears the run before's end (idle: an empty badge), then the worker's states
    assert.deepEqual(shown.map(([t]) => t), ['', 'Preparing', 'Training', 'Done']);
    assert.ok(shown.every(([t, s]) => t.toLowerCase() === (s === 'idle' ? '' : s)), JSON.stringify(shown));
    assert.equal(await w.getByRole('button', { name: 'Cancel', exact: true }).isDisabled(), true, 'Cancel is off once the run is done');
  } finally { await browser.close(); }
});
