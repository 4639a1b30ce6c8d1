// "Check this device against PyTorch": the reference runs (trajectories.json: PyTorch training
// all-MiniLM-L6-v2 for a few steps per optimizer / schedule / task) replayed by this tab's trainer
// on the loaded model, and how far each case's losses, learning rates and final head are from
// PyTorch's. The user picks the file: the page fetches nothing for it.
import { el, table } from './dom.js';

// Relative loss difference still counted as "the same run": f32 on another backend and summation
// order leave ~1e-5; a wrong optimizer or schedule is off by far more. The core's own figure wins.
const LOSS_TOLERANCE = 2e-4;

/** The control: a file input and where the result goes. `check(file)` runs it. */
export function buildDiagnostics(check) {
  const file = el('input', { type: 'file', accept: '.json,application/json', onchange: () => file.files[0] && check(file.files[0]) });
  const out = el('div', { 'aria-live': 'polite' });
  const details = el('details', {}, el('summary', { text: 'Check this device against PyTorch' }),
    el('p', { class: 'note', text: 'Replays PyTorch’s reference training runs of all-MiniLM-L6-v2 (trajectories.json) on this device and compares every step. Load all-MiniLM-L6-v2 first; it takes a minute or more.' }),
    el('label', {}, 'Reference file (trajectories.json)', file), out);
  return { details, file, out };
}

const sci = (v) => (v == null ? '–' : Number(v).toExponential(1));

/** Runs the check through `tt` and shows each case as it finishes, then the verdict, in the
 *  element's controls `u` (Train stays off meanwhile); not while a run or search is `busy`. */
export async function checkDevice(tt, file, u, busy) {
  const ui = u.diagnostics;
  if (busy) { ui.out.textContent = 'A run or search is going: check the device when it has finished.'; return null; }
  u.train.disabled = true;
  const text = await file.text();
  let total = 0;
  try { total = Object.keys(JSON.parse(text).cases || {}).length; } catch { /* the core says what is wrong */ }
  const rows = [];
  const say = (msg, cls = '') => ui.out.replaceChildren(el('p', { class: cls, text: msg }), ...(rows.length ? [resultTable(rows)] : []));
  say('Checking: replaying the first reference run…');
  try {
    const report = await tt.checkTrajectory(text, {
      on_case: (c) => { rows.push(c); say(`Checked ${rows.length}${total ? ` of ${total}` : ''} runs…`); },
    });
    rows.length = 0;
    for (const [name, c] of Object.entries(report.cases)) rows.push({ name, ...c });
    const tol = report.tolerance ?? LOSS_TOLERANCE;
    const ok = report.worst_loss_rel < tol;
    say(ok ? `OK: every loss is within ${tol} (relative) of PyTorch’s; the worst is ${sci(report.worst_loss_rel)}. This device trains as PyTorch does.`
      : `NOT OK: a loss differs from PyTorch’s by ${sci(report.worst_loss_rel)} (relative), more than ${tol}. Runs on this device may not match other devices.`, ok ? 'ok' : 'error');
    return report;
  } catch (e) {
    say(`The check could not run: ${e.message}`, 'error');
    return null;
  }
}

function resultTable(rows) {
  return table('Each reference run: largest relative difference from PyTorch', ['run', 'steps', 'loss', 'learning rate', 'final head (abs)', 'final loss'],
    rows.map((r) => [r.name, r.steps, sci(r.max_loss_rel), sci(r.max_lr_rel), sci(r.final_head_max_abs), sci(r.final_loss_rel)]));
}
