// "Try it" after a run of a kind with a capture device (images/live.js, sounds/live.js): the
// device's live predictions and one file's, drawn alike — the top class in large text and a bar
// per class. Predictions go one at a time (input → predict → show → next), so a slow device
// predicts less often instead of queueing; one that comes back after a stop (or a restart) is
// dropped. The device is the data panel's: stopping live releases it, and the device stopping
// (leaving the mode, a disconnect) stops live.
import { bars, dropZone, el } from '../dom.js';

const pct = (v) => `${(v * 100).toFixed(1)} %`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** kind: {
 *    device: { on, start() → started?, stop(), onStop(f) },
 *    toggle: { text, stop?, class? }: a toggle with `stop` words swaps its words while on, one
 *      without is a toggle button (aria-pressed),
 *    box: the box's class, intro: its note, prefix: of the top line's and the bars' classes,
 *    needs: said when the device does not start,
 *    listening?: the rate line from the start until the first prediction (cleared on stop),
 *    input(note) → the next input, or null: none yet, try again in `idle` ms (note(text) writes
 *      the rate line),
 *    predict(input) → prediction, every: ms from one prediction to the next,
 *    over: how many predictions the rate is measured over, rate(perSecond, ms): its words,
 *    announce?(label): said (aria-live) when the top class changes,
 *    file: { accept, label, predict(file) → prediction } } */
export function livePrediction(kind) {
  const { device } = kind;
  let running = false;
  let generation = 0; // a prediction that comes back after a stop (or a restart) is dropped
  let announced = null;
  const top = el('p', { class: `${kind.prefix}-top` }); // not live: it changes several times a second
  // the top class, only when it changes: several announcements a second would drown a screen reader
  const heard = kind.announce ? el('p', { class: 'visually-hidden', 'aria-live': 'polite' }) : null;
  const probs = el('div', { class: `${kind.prefix}-probs` });
  const rate = el('p', { class: 'note', 'aria-live': 'off' });
  const note = (text) => { rate.textContent = text; };
  const error = el('p', { class: 'error', role: 'alert' });
  const { text, stop: stopText, class: toggleClass } = kind.toggle;
  const toggle = el('button', { type: 'button', ...(toggleClass ? { class: toggleClass } : {}), disabled: true,
    'aria-pressed': stopText ? null : 'false', text, onclick: () => (running ? stop() : start()) });
  const showRunning = (on) => (stopText ? (toggle.textContent = on ? stopText : text) : toggle.setAttribute('aria-pressed', String(on)));

  function show(p) {
    top.textContent = p.label;
    const items = Object.entries(p.probs).map(([label, value]) => ({ label, value }));
    probs.replaceChildren(bars('Probability per class', items, pct, 1));
    probs.prediction = p; // the numbers behind the bars, unrounded (tests read them)
    if (heard && p.label !== announced) heard.textContent = kind.announce((announced = p.label));
  }

  async function start() {
    error.textContent = '';
    const me = ++generation;
    running = true;
    showRunning(true);
    if (!device.on && !(await device.start())) {
      stop();
      error.textContent = kind.needs;
      return;
    }
    if (kind.listening) note(kind.listening);
    const times = []; // the last predictions' end times: the rate shown is over them
    while (running && me === generation) {
      const t = performance.now();
      const input = await kind.input(note);
      if (!input) { await sleep(kind.idle); continue; }
      let p;
      try {
        p = await kind.predict(input);
      } catch (e) {
        if (me !== generation) break;
        error.textContent = e.message || String(e);
        stop();
        break;
      }
      if (me !== generation) break;
      show(p);
      times.push(performance.now());
      if (times.length > kind.over) times.shift();
      if (times.length > 1) note(kind.rate((1000 * (times.length - 1)) / (times.at(-1) - times[0]), p.ms));
      await sleep(Math.max(0, kind.every - (performance.now() - t)));
    }
  }

  /** Stops the loop and releases the device (unless the device's own stop called this). */
  function stop(release = true) {
    if (!running) return;
    running = false;
    generation += 1;
    showRunning(false);
    if (kind.listening) note('');
    if (release) device.stop();
  }
  device.onStop(() => stop(false));

  async function predictFile(file) {
    if (!file) return;
    error.textContent = '';
    try { show(await kind.file.predict(file)); } catch (e) { error.textContent = `${file.name}: ${e.message || e}`; }
  }
  const picker = el('input', { type: 'file', accept: kind.file.accept, disabled: true,
    onchange: () => predictFile(picker.files[0]).finally(() => { picker.value = ''; }) });
  const drop = dropZone(el('div', { class: 'drop' }, el('label', {}, kind.file.label, picker)),
    (dropped) => { if (!picker.disabled) predictFile(dropped.files[0]); });

  const box = el('div', { class: kind.box }, el('p', { class: 'note', text: kind.intro }),
    el('div', { class: 'row' }, toggle), error, top, heard, probs, rate, drop);
  return {
    box,
    /** On once the worker holds the kind's fine-tuned model; off (and live stopped) otherwise. */
    enable(on) {
      toggle.disabled = picker.disabled = !on;
      if (!on) stop();
    },
    stop,
  };
}
