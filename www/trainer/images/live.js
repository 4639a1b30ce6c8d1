// After an image run, "Try it" in Images mode: live webcam prediction (the top class in large
// text and a bar per class) and one picture's prediction. Frames go one at a time — grab →
// predictImage → show → next — so a slow device lowers the rate instead of queueing frames; at
// most FPS a second. The camera is the Images panel's (webcam.js): stopping live releases it, and
// the camera stopping (leaving Images mode, disconnect) stops live.
import { bars, el } from '../dom.js';

const FPS = 10;
const pct = (v) => `${(v * 100).toFixed(1)} %`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** tt(): the Tabtune; camera: webcam.js's. Returns { box, enable(on), stop() }. */
export function imagesLive(tt, camera) {
  let running = false;
  let generation = 0; // a prediction that comes back after a stop (or a restart) is dropped
  const top = el('p', { class: 'live-top' }); // not live: it changes ten times a second
  const probs = el('div', { class: 'live-probs' });
  const rate = el('p', { class: 'note', 'aria-live': 'off' });
  const error = el('p', { class: 'error', role: 'alert' });
  const toggle = el('button', { type: 'button', disabled: true, text: 'Start live prediction', onclick: () => (running ? stop() : start()) });

  function show(p) {
    top.textContent = p.label;
    const items = Object.entries(p.probs).map(([label, value]) => ({ label, value }));
    probs.replaceChildren(bars('Probability per class', items, pct, 1));
    probs.prediction = p; // the numbers behind the bars, unrounded (tests read them)
  }

  async function start() {
    error.textContent = '';
    const me = ++generation;
    running = true;
    toggle.textContent = 'Stop live prediction';
    if (!camera.on && !(await camera.start())) {
      stop();
      error.textContent = 'Live prediction needs the camera: see the Images panel’s message above.';
      return;
    }
    const times = []; // the last frames' end times: the rate shown is over them
    while (running && me === generation) {
      const t = performance.now();
      let frame = null;
      try { frame = await camera.frame(); } catch { /* between stream states: try the next */ }
      if (!frame) { await sleep(50); continue; } // the preview is not playing yet
      let p;
      try {
        p = await tt().predictImage(frame);
      } catch (e) {
        if (me !== generation) break;
        error.textContent = e.message || String(e);
        stop();
        break;
      }
      if (me !== generation) break;
      show(p);
      times.push(performance.now());
      if (times.length > 10) times.shift();
      if (times.length > 1) rate.textContent = `${((1000 * (times.length - 1)) / (times.at(-1) - times[0])).toFixed(1)} frames per second (${Math.round(p.ms)} ms per prediction)`;
      await sleep(Math.max(0, 1000 / FPS - (performance.now() - t)));
    }
  }

  /** Stops the loop and releases the camera (unless the camera's own stop called this). */
  function stop(release = true) {
    if (!running) return;
    running = false;
    generation += 1;
    toggle.textContent = 'Start live prediction';
    if (release) camera.stop();
  }
  camera.onStop(() => stop(false));

  async function predictPicture(file) {
    if (!file) return;
    error.textContent = '';
    try { show(await tt().predictImage(file)); } catch (e) { error.textContent = `${file.name}: ${e.message || e}`; }
  }
  const picture = el('input', { type: 'file', accept: 'image/*', disabled: true,
    onchange: () => predictPicture(picture.files[0]).finally(() => { picture.value = ''; }) });
  const drop = el('div', { class: 'drop' }, el('label', {}, 'Predict a picture: drop one image file here, or choose one', picture));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (!picture.disabled) predictPicture(e.dataTransfer.files[0]);
  });

  const box = el('div', { class: 'image-only live' },
    el('p', { class: 'note', text: 'After training: the webcam’s frames or a picture, through the fine-tuned model.' }),
    el('div', { class: 'row' }, toggle), error, top, probs, rate, drop);
  return {
    box,
    /** On once the worker holds a fine-tuned image model; off (and live stopped) otherwise. */
    enable(on) {
      toggle.disabled = picture.disabled = !on;
      if (!on) stop();
    },
    stop,
  };
}
