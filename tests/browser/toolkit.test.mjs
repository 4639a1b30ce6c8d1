// The training toolkit (optimizers, schedules, regularizers, tasks, early stopping) in the tab:
// bad settings refused with the CLI's own message; an Advanced run in the widget that reaches the
// worker, draws its learning rate per step and says when early stopping ended it; regression and
// multi-label data through the page; and this device's trainer against PyTorch's trajectories.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TABTUNE, createTabtune, makeFixtures, openPage, screenshotPath, startServer, doneEvent, openTinyTrainer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 900_000 };

before(async () => {
  fixtures = makeFixtures();
  const words = ['great', 'awful', 'lovely', 'dull', 'superb', 'boring', 'fine', 'plain'];
  let reg = 'text,score\n', multi = 'text,tags\n';
  for (let i = 0; i < 40; i++) {
    // 40 distinct numbers: more than a handful of values reads as regression
    reg += `a ${words[i % 8]} film number ${i},${(1 + ((i * 37) % 40) / 10).toFixed(1)}\n`;
    multi += `a ${words[i % 8]} film number ${i},${['drama', 'comedy', 'drama|comedy', 'horror|drama'][i % 4]}\n`;
  }
  writeFileSync(join(fixtures, 'scores.csv'), reg);
  writeFileSync(join(fixtures, 'tags.csv'), multi);
  // one case per optimizer family and task, clipping included: the whole file takes ~2.5 min in
  // the tab's CPU backend (native `tests/it/trajectory.rs` replays all 11)
  const all = JSON.parse(readFileSync(join(ROOT, '../shared/reference/trajectories.json'), 'utf8'));
  const keep = ['adamw_l1_clip', 'sgd_nesterov_constant', 'rmsprop_exponential', 'regression_mse', 'multi_label_bce'];
  all.cases = Object.fromEntries(keep.map((k) => [k, all.cases[k]]));
  writeFileSync(join(fixtures, 'trajectories.json'), JSON.stringify(all));
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** What the native CLI says of these settings on the tiny model and the toy data: its error line. */
function cliError(config) {
  const dir = mkdtempSync(join(tmpdir(), 'tabtune-bad-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(config));
  const r = spawnSync(TABTUNE, ['train', '--model', join(fixtures, 'tiny'), '--data', join(fixtures, 'toy.csv'),
    '--out', join(dir, 'out'), '--config', join(dir, 'bad.json')], { cwd: ROOT, encoding: 'utf8' });
  assert.notEqual(r.status, 0, `the CLI accepted ${JSON.stringify(config)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('error: '));
  assert.ok(line, `no error line from the CLI: ${r.stderr}`);
  return line.slice('error: '.length);
}

test('bad settings reject train() with the message the CLI prints for them', T, async () => {
  const bad = {
    'negative lr': { lr: -0.001 },
    'unknown optimizer': { optimizer: 'lion' },
    'nesterov without momentum': { optimizer: 'sgd', nesterov: true },
    'patience 0': { patience: 0 },
    'a weight for an unknown class': { class_weights: { pos: 2, meh: 1 } },
    'regression on text labels': { task: 'regression' },
  };
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    const got = await page.evaluate(async (bad) => {
      await window.tt.loadModel('/fixtures/tiny/');
      await window.tt.loadData(await (await fetch('/fixtures/toy.csv')).text(), { format: 'csv' });
      const out = {};
      for (const [name, config] of Object.entries(bad)) out[name] = await window.tt.train(config).then(() => 'resolved', (e) => e.message);
      return out;
    }, bad);
    for (const [name, config] of Object.entries(bad)) assert.equal(got[name], cliError(config), name);
  } finally { await browser.close(); }
});

const openTiny = () => openTinyTrainer(server.origin);

test('Advanced settings reach the worker: a refused value is said at its field, the LR is drawn per step, early stopping says what it kept', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText(/^32 rows/).waitFor();
    // early stopping on the accuracy of 8 validation rows, patience 1: it takes 9 values at most,
    // so it stops improving for an epoch within 8 whatever the run draws (the loss need not)
    const LR = 0.1;
    for (const [name, v] of Object.entries({ 'Trainable layers': 2, Epochs: 8, 'Batch size': 4, 'Max length (tokens)': 16, 'Validation share': 0.25, 'Learning rate': LR })) {
      await w.getByRole('spinbutton', { name, exact: true }).fill(String(v));
    }
    await w.getByText('Advanced', { exact: true }).click();
    await w.getByRole('combobox', { name: 'Optimizer' }).selectOption('sgd');
    await w.getByRole('spinbutton', { name: 'Momentum' }).fill('0.9');
    await w.getByRole('combobox', { name: 'LR schedule' }).selectOption('cosine');
    await w.getByRole('spinbutton', { name: /^Warm-up/ }).fill('0');
    await w.getByRole('spinbutton', { name: 'Layer-wise LR decay' }).fill('0.8');
    await w.getByRole('combobox', { name: 'Early stopping on' }).selectOption('val_acc');
    await w.getByRole('spinbutton', { name: 'Patience' }).fill('1');
    // a value the core refuses: its message in the page and at the field, nothing else undone
    await w.getByRole('spinbutton', { name: 'Weight decay' }).fill('5');
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    const refusal = 'weight_decay = 5 must be between 0 and 1';
    await w.getByText(refusal).first().waitFor();
    assert.equal(await w.getByRole('spinbutton', { name: 'Weight decay' }).getAttribute('aria-invalid'), 'true');
    assert.equal(await w.getByRole('combobox', { name: 'Optimizer' }).inputValue(), 'sgd');
    assert.equal(await w.getByRole('spinbutton', { name: 'Momentum' }).inputValue(), '0.9');
    assert.equal(await w.getByRole('spinbutton', { name: 'Epochs' }).inputValue(), '8');

    await w.getByRole('spinbutton', { name: 'Weight decay' }).fill('0');
    const done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    const result = await done;
    const { info } = result;
    assert.equal(info.schedule, 'cosine');
    assert.deepEqual(Object.fromEntries(info.param_groups.map((g) => [g.name, Number(g.lr_scale.toFixed(6))])),
      { 'encoder.layer.0': 0.8, 'encoder.layer.1': 1, head: 1 });
    const steps = result.epochs.length * info.steps_per_epoch;
    const lrs = await w.locator('[data-chart=lr]').evaluate((e) => e.plotData[1]);
    assert.equal(lrs.length, steps, 'one LR point per step');
    // cosine from LR over all planned steps, no warm-up (within a step's change, whichever end
    // of the step it is taken at), and nearer to it than to a straight line
    const total = info.total_steps;
    const cos = (i) => LR * 0.5 * (1 + Math.cos((Math.PI * i) / total)), lin = (i) => LR * (1 - i / total);
    lrs.forEach((lr, i) => assert.ok(Math.abs(lr - cos(i)) < (LR * 2) / total, `step ${i + 1}: lr ${lr}, cosine ${cos(i)}`));
    const err = (f) => lrs.reduce((sum, lr, i) => sum + (lr - f(i)) ** 2, 0);
    assert.ok(err(cos) < err(lin), `LRs ${lrs.join(', ')} look linear`);
    const last = result.epochs.at(-1);
    assert.ok(last.stopped_early && result.epochs.length < 8, `stopped early: ${JSON.stringify(result.epochs.map((e) => [e.epoch, e.val_acc, e.best_epoch]))}`);
    const kept = result.epochs.find((e) => e.epoch === last.best_epoch);
    await w.getByText(`Stopped early after epoch ${last.epoch}: validation accuracy had not improved for 1 epoch. The model kept is epoch ${last.best_epoch}'s (val_acc ${kept.val_acc.toPrecision(3)}).`).waitFor();
    await page.screenshot({ path: screenshotPath('toolkit-early-stop'), fullPage: true });
  } finally { await browser.close(); }
});

test('regression and multi-label data: the task and why, a value and a label set to try, their predictions CSV', T, async () => {
  const { browser, page, w } = await openTiny();
  try {
    for (const [file, task, tried, header] of [['scores.csv', 'regression', /^Predicted: -?\d/, ['text', 'value']],
      ['tags.csv', 'multi-label', /^Predicted: ((comedy|drama|horror)( \+ |$))+|^Predicted: no label/, ['text', 'label', 'p_comedy', 'p_drama', 'p_horror']]]) {
      await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, file));
      await w.getByText(new RegExp(`^Task: ${task} — .+`)).waitFor();
      for (const [name, v] of Object.entries({ Epochs: 1, 'Batch size': 8, 'Max length (tokens)': 16 })) await w.getByRole('spinbutton', { name, exact: true }).fill(String(v));
      const done = doneEvent(page);
      await w.getByRole('button', { name: 'Train', exact: true }).click();
      assert.equal((await done).info.task, task.replace('-', '_'));
      await w.getByRole('textbox', { name: 'Text to classify' }).fill('a lovely film');
      await w.getByText(tried).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }),
        w.getByLabel(/^Predict a whole file/).setInputFiles({ name: 't.txt', mimeType: 'text/plain', buffer: Buffer.from('a great film\n=1+1 dull\n') })]);
      const path = join(mkdtempSync(join(tmpdir(), 'tabtune-pred-')), 'p.csv');
      await download.saveAs(path);
      const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));
      assert.deepEqual([...rows[0].slice(0, 2), ...rows[0].slice(2).sort()], header);
      assert.equal(rows[2][0], "'=1+1 dull", 'a text that looks like a formula is defused');
      if (task === 'regression') assert.ok(Number.isFinite(Number(rows[1][1])), `value ${rows[1][1]}`);
      else rows.slice(1).forEach((r) => r.slice(2).forEach((p) => assert.ok(Number(p) >= 0 && Number(p) <= 1, p)));
      await page.screenshot({ path: screenshotPath(`toolkit-${task}`), fullPage: true });
    }
  } finally { await browser.close(); }
});

test('checkTrajectory: this device (CPU backend) replays PyTorch\'s reference runs (5 of 11) to 2e-4', T, async () => {
  const { browser, page } = await openPage(server.origin);
  try {
    await createTabtune(page, 'cpu');
    const r = await page.evaluate(async () => {
      await window.tt.loadModel('/models/all-MiniLM-L6-v2/');
      const names = [];
      const report = await window.tt.checkTrajectory(await (await fetch('/fixtures/trajectories.json')).text(), { on_case: (c) => names.push(c.name) });
      return { report, names };
    });
    const expected = Object.keys(JSON.parse(readFileSync(join(fixtures, 'trajectories.json'), 'utf8')).cases);
    assert.deepEqual(r.names, expected, 'on_case once per reference run, in order');
    assert.deepEqual(Object.keys(r.report.cases), expected);
    for (const [name, c] of Object.entries(r.report.cases)) {
      console.log(`${name}: ${JSON.stringify(c)}`);
      assert.ok(c.max_lr_rel <= 1e-9 && c.final_head_max_abs <= 1e-3 && c.final_loss_rel <= 1e-3, `${name}: ${JSON.stringify(c)}`);
    }
    assert.ok(r.report.worst_loss_rel < 2e-4, `worst relative loss difference ${r.report.worst_loss_rel}`);
  } finally { await browser.close(); }
});
