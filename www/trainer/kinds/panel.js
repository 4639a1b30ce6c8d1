// The data panel of a kind whose examples come as class folders (images/view.js, sounds/view.js):
// drop or pick a folder of class folders, a zip of them, files per class, or record from the
// kind's device (the camera, the microphone). The worker does the heavy part (unzip, decode, …)
// and answers every change with its `data`: the "N … in K classes" line and the per-class counts
// are its numbers. What the worker took is kept in the kind's journal, for a new engine.
import { droppedFiles } from './drop-files.js';
import { classBoard } from './classes.js';
import { dropZone, el } from '../dom.js';

// "1 image", "2 images"
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** tt(): the Tabtune (before it has started: the promise of it); onChange() after each change of
 *  the set; sampleUrl(): the element's sample zip attribute. kind: {
 *    set: 'images' | 'sounds' (the panel's class, its words), one: a set's single ('image', 'sound'),
 *    device: the capture device's word ('webcam', 'microphone'), css: the kind's styles,
 *    cards: what classes.js's cards say and draw (prefix, one / many: an example's nouns, accept, …),
 *    count(data), detail(data): the summary line's number and its words after the classes,
 *    calls: tt's methods { add, remove, rename, removeClass, clear }, journal: the kind's,
 *    texts: { folder, folderName, files, filesName, drop }: the pickers' labels and names,
 *      the drop zone's words,
 *    capture({ change, say }) → { device ({ holdButton, stop }), controls: beside Add class,
 *      below: after that row },
 *    settings?({ change }) → controls before "Remove all …",
 *    sampleLoaded?(): after the sample set has loaded } */
export function classFolderPanel(tt, onChange, sampleUrl, kind) {
  const { set, cards, calls } = kind;
  let withExamples = 0; // the worker's count of classes with examples: Train needs two
  const say = (text, error = false) => { status.textContent = text; status.className = error ? 'error' : ''; };
  const status = el('p', { 'aria-live': 'polite' });
  // not a live region: during a recording it changes several times a second; `status` announces instead
  const summary = el('p', { class: `${cards.prefix}-summary`, text: `No ${set} yet.` });
  const problems = el('div', { class: `${cards.prefix}-problems`, 'aria-live': 'polite' });
  const journal = kind.journal; // what a new engine is given again
  const capture = kind.capture({ change, say });
  const board = classBoard({
    remove: (ids) => change(calls.remove, [ids]),
    rename: (from, to) => change(calls.rename, [from, to]),
    removeClass: (name) => change(calls.removeClass, [name]),
    addFiles: (name, files) => load(files, name),
  }, capture.device.holdButton, cards);

  // tt()[method](...args), kept in the journal (with `kept`, the arguments to give again) once
  // the worker took it; every answer carries the worker's `data`: the counts shown are its own
  async function change(method, args, kept = args) {
    try {
      // before the engine has started, tt() is the promise of it: a pick or a drop waits for it
      const r = await (await tt())[method](...args);
      journal.record(method, kept, r);
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
    const n = kind.count(data);
    withExamples = data.classes.filter((c) => c.count > 0).length;
    need.hidden = withExamples >= 2;
    summary.textContent = `${plural(n, cards.one, cards.many)} in ${plural(k, 'class', 'classes')}` +
      (k ? ` (${data.classes.map((c) => `${c.name}: ${c.count}`).join(', ')})` : '') + `${kind.detail(data)}.`;
    board.counts(data);
    onChange();
  }

  // files: File[] (a folder pick's webkitRelativePath names the class), zips, or [{ path, file }]
  async function load(files, label) {
    if (!files.length) return;
    say(`Reading ${plural(files.length, 'file', 'files')}…`);
    const r = await change(calls.add, [files, { label, on_progress: (p) => say(`Decoding ${kind.one} ${p.done} of ${p.total}…`) }]).catch(() => null);
    if (!r) return;
    say(`Added ${plural(r.added.length, cards.one, cards.many)}.`);
    showProblems(r.problems, r.notes);
  }

  // the last load's files left out, and what it decided (a wrapper folder, labels.csv, …)
  function showProblems(list, notes = []) {
    problems.replaceChildren(...notes.map((n) => el('p', { class: 'note', text: `Note: ${n}.` })));
    if (!list.length) return;
    problems.append(el('p', { class: 'error', text: `Left out (${list.length}); the other ${set} are kept:` }),
      el('ul', {}, ...list.map((p) => el('li', { text: `${p.name}: ${p.message}` }))));
  }

  // the element's sample attribute (images-data, sounds-data): a zip of class folders to try the page with
  const sample = el('button', { type: 'button', class: 'sample', hidden: true, text: `Use the sample ${set}`, onclick: async () => {
    try {
      const url = new URL(sampleUrl(), document.baseURI);
      say(`Downloading the sample ${set}…`);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`the sample ${set} could not be loaded (HTTP ${res.status})`);
      await load([new File([await res.blob()], url.pathname.split('/').pop())]);
      kind.sampleLoaded?.();
    } catch (e) { say(e.message || String(e), true); }
  } });
  const { texts } = kind;
  // each kind's pickers are named apart (tests and assistive tools find each by name)
  const folder = el('input', { type: 'file', webkitdirectory: true, 'aria-label': texts.folderName,
    onchange: () => load([...folder.files]).finally(() => { folder.value = ''; }) });
  const files = el('input', { type: 'file', multiple: true, accept: `.zip,application/zip,${cards.accept}`, 'aria-label': texts.filesName,
    onchange: () => load([...files.files]).finally(() => { files.value = ''; }) });
  const drop = dropZone(el('div', { class: 'drop' }, el('p', { class: 'drop-help', text: texts.drop }),
    el('div', { class: 'row' }, el('label', {}, texts.folder, folder), el('label', {}, texts.files, files), sample)),
  (dropped) => droppedFiles(dropped).then((items) => load(items)).catch((err) => say(`The drop could not be read (${err?.message || err}).`, true)));

  const clearAll = el('button', { type: 'button', class: 'secondary', text: `Remove all ${set}`,
    onclick: () => change(calls.clear, []).then(() => { board.clear(); showProblems([]); }).catch(() => {}) });
  const addClass = el('button', { type: 'button', class: 'secondary', text: 'Add class', onclick: () => board.addClass() });

  // Train is off until two classes have examples: say so rather than leave it unexplained
  const need = el('p', { class: 'note', text: `Add ${set} to two classes or more (a folder, a zip, files or the ${kind.device}), then train in panel 2.` });
  const panel = el('div', { class: `${set}-panel`, hidden: true },
    el('style', { text: kind.css }),
    drop, // first: with the Train on switch and the sample button, on the first screen
    need,
    el('div', { class: 'row' }, ...(kind.settings?.({ change }) ?? []), clearAll),
    status, problems, summary,
    el('div', { class: 'row' }, ...capture.controls, addClass),
    ...(capture.below ?? []),
    board.list);

  return {
    mount(text) {
      sample.hidden = !sampleUrl();
      text.after(panel);
    },
    /** The kind's mode shown or left: leaving it turns the device off. */
    show(on) {
      panel.hidden = !on;
      if (!on) capture.device.stop();
    },
    /** Classes that hold examples, as the worker last reported. */
    get classes() { return withExamples; },
    device: capture.device,
    /** A new engine (the worker failed, the device was lost): the examples it held, given again.
     *  Resolves true when there were examples to restore. */
    async restore() {
      if (journal.empty) return false;
      say(`Giving the new engine the ${set} again…`);
      const had = kind.count(shown ?? {});
      try {
        show(await journal.replay(tt()));
        // a file changed or removed on disk since it was picked is left out this time
        const now = kind.count(shown);
        if (now === had) say(`The ${set} are back in the new engine.`);
        else say(`${now} of the ${had} ${cards.many} could be given to the new engine (files changed or removed since you picked them are left out): add the others again.`, true);
      } catch (e) {
        say(`The ${set} could not all be given to the new engine (${e.message || e}): add them again.`, true);
      }
      return true;
    },
  };
}
