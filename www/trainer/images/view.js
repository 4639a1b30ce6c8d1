// The widget's Text / Images switch and the Images data panel: drop or pick a folder of class
// folders, a zip (class folders or a labels.csv), images per class, or record from the webcam.
// Everything heavy (unzip, decode, resize) happens in the worker; the page shows what the worker
// reports — the "N images in K classes" line and the per-class counts are its numbers.
import { droppedFiles } from './drop-files.js';
import { classBoard } from './classes.js';
import { webcam } from './webcam.js';
import { el } from '../dom.js';
import { imageJournal } from './journal.js';
import { IMAGES_CSS } from './styles.js';

const SIZES = [96, 128, 160, 224];

/** tt(): the Tabtune; onChange(mode) after each switch and each change of the images.
 *  mount(textData) puts the switch before the Data section's text controls (hidden in Images
 *  mode) and the panel after them. */
export function imagesView(tt, onChange, sampleUrl = () => null) {
  let mode = 'text';
  let classesWithImages = 0; // the worker's count: Train needs two
  const say = (text, error = false) => { status.textContent = text; status.className = error ? 'error' : ''; };
  const status = el('p', { 'aria-live': 'polite' });
  // not a live region: during a recording it changes ten times a second; `status` announces instead
  const summary = el('p', { class: 'img-summary', text: 'No images yet.' });
  const problems = el('div', { class: 'img-problems', 'aria-live': 'polite' });
  const journal = imageJournal(); // what a new engine is given again (journal.js)
  const cam = webcam((frames, label) => change('addFrames', [frames, label]), (t, e) => say(t, e));
  const board = classBoard({
    remove: (ids) => change('removeImages', [ids]),
    rename: (from, to) => change('renameClass', [from, to]),
    removeClass: (name) => change('removeClass', [name]),
    addFiles: (name, files) => load(files, name),
  }, cam.holdButton);

  // tt()[method](...args), kept in the journal once the worker took it; every answer carries the
  // worker's `data`: the counts shown are always the worker's own
  async function change(method, args) {
    try {
      // the worker starts with the page: a pick or a drop in its first seconds must not vanish
      if (!tt()) throw new Error('tabtune is still starting (its engine is loading): add the images again in a moment');
      const r = await tt()[method](...args);
      journal.record(method, args, r);
      if (r.added) board.add(r.added);
      show(r.data);
      return r;
    } catch (e) {
      say(e.message || String(e), true);
      throw e;
    }
  }

  let shown = null; // the worker's last `data`
  function show(data) {
    shown = data;
    const k = data.classes.length;
    classesWithImages = data.classes.filter((c) => c.count > 0).length;
    need.hidden = classesWithImages >= 2;
    summary.textContent = `${data.images} image${data.images === 1 ? '' : 's'} in ${k} class${k === 1 ? '' : 'es'}` +
      (k ? ` (${data.classes.map((c) => `${c.name}: ${c.count}`).join(', ')})` : '') + `, at ${data.image_size}×${data.image_size} px.`;
    board.counts(data);
    onChange(mode);
  }

  // files: File[] (a folder pick's webkitRelativePath names the class) or [{ path, file }]
  async function load(files, label) {
    if (!files.length) return;
    say(`Reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
    const r = await change('addImages', [files, { label, on_progress: (p) => say(`Decoding image ${p.done} of ${p.total}…`) }]).catch(() => null);
    if (!r) return;
    say(`Added ${r.added.length} image${r.added.length === 1 ? '' : 's'}.`);
    showProblems(r.problems, r.notes);
  }

  // the last load's files left out, and what it decided (a wrapper folder, labels.csv, …)
  function showProblems(list, notes = []) {
    problems.replaceChildren(...notes.map((n) => el('p', { class: 'note', text: `Note: ${n}.` })));
    if (!list.length) return;
    problems.append(el('p', { class: 'error', text: `Left out (${list.length}); the other images are kept:` }),
      el('ul', {}, ...list.map((p) => el('li', { text: `${p.name}: ${p.message}` }))));
  }

  // the element's images-data attribute: a zip of class folders to try the page with
  const sample = el('button', { type: 'button', class: 'secondary', hidden: true, text: 'Use the sample images', onclick: async () => {
    try {
      const url = new URL(sampleUrl(), document.baseURI);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`the sample images could not be loaded (HTTP ${res.status})`);
      await load([new File([await res.blob()], url.pathname.split('/').pop())]);
    } catch (e) { say(e.message || String(e), true); }
  } });
  const folder = el('input', { type: 'file', webkitdirectory: true, 'aria-label': 'Choose a folder of class folders',
    onchange: () => load([...folder.files]).finally(() => { folder.value = ''; }) });
  const files = el('input', { type: 'file', multiple: true, accept: '.zip,application/zip,image/*', 'aria-label': 'Choose a zip (or images inside class folders)',
    onchange: () => load([...files.files]).finally(() => { files.value = ''; }) });
  const drop = el('div', { class: 'drop' },
    el('p', { text: 'Drop a folder holding one folder per class (the folder name is the class), or a zip of such folders or with a labels.csv (path,label).' }),
    el('div', { class: 'row' }, el('label', {}, 'Choose a folder', folder), el('label', {}, 'or a zip', files), sample));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    droppedFiles(e.dataTransfer).then((items) => load(items)).catch((err) => say(`The drop could not be read (${err?.message || err}).`, true));
  });

  const size = el('select', { name: 'image_size', onchange: () => change('setImageSize', [Number(size.value)]).catch(() => {}) },
    ...SIZES.map((s) => el('option', { value: s, text: `${s} px`, selected: s === 224 })));
  const clearAll = el('button', { type: 'button', class: 'secondary', text: 'Remove all images',
    onclick: () => change('clearImages', []).then(() => { board.clear(); showProblems([]); }).catch(() => {}) });
  const addClass = el('button', { type: 'button', class: 'secondary', text: 'Add class', onclick: () => board.addClass() });

  // Train is off until two classes have images: say so rather than leave it unexplained
  const need = el('p', { class: 'note', text: 'Add images to two classes or more (a folder, a zip, files or the webcam), then train in section 3.' });
  const panel = el('div', { class: 'images-panel', hidden: true },
    el('style', { text: IMAGES_CSS }),
    need,
    drop,
    el('div', { class: 'row' }, el('label', {}, 'Image size (the network sees this square)', size), clearAll),
    status, problems, summary,
    el('div', { class: 'row' }, cam.toggle, addClass),
    cam.video,
    board.list);

  const radio = (value, text) => el('label', { class: 'inline' },
    el('input', { type: 'radio', name: 'tabtune-mode', value, checked: value === mode, onchange: () => setMode(value) }), text);
  const modeSwitch = el('fieldset', { class: 'mode-switch' }, el('legend', { text: 'Train on' }), radio('text', 'Text'), radio('images', 'Images'));
  let textData = null;

  function setMode(value, notify = true) {
    mode = value === 'images' ? 'images' : 'text';
    for (const r of modeSwitch.querySelectorAll('input')) r.checked = r.value === mode;
    panel.hidden = mode !== 'images';
    textData.hidden = mode === 'images';
    if (mode !== 'images') cam.stop(); // leaving Images mode turns the camera off
    if (notify) onChange(mode);
  }

  return {
    mount(text) {
      textData = text;
      sample.hidden = !sampleUrl();
      text.before(modeSwitch);
      text.after(panel);
    },
    setMode,
    get mode() { return mode; },
    /** The Image size control's value: the run's image_size. */
    get imageSize() { return Number(size.value); },
    /** Classes that hold images, as the worker last reported. */
    get classes() { return classesWithImages; },
    camera: cam,
    stopCamera: () => cam.stop(),
    /** A new engine (the worker failed, the device was lost): the images it held, given again.
     *  Resolves true when there were images to restore. */
    async restore() {
      if (journal.empty) return false;
      say('Giving the new engine the images again…');
      const had = shown?.images;
      try {
        show(await journal.replay(tt()));
        // a file changed or removed on disk since it was picked is left out this time
        if (shown.images === had) say('The images are back in the new engine.');
        else say(`${shown.images} of the ${had} images could be given to the new engine (files changed or removed since you picked them are left out): add the others again.`, true);
      } catch (e) {
        say(`The images could not all be given to the new engine (${e.message || e}): add them again.`, true);
      }
      return true;
    },
  };
}
