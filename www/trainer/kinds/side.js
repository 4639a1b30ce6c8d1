// What a kind's mode of <tabtune-trainer> adds beside its data panel (images/train.js,
// sounds/train.js build on it): the kind's base model (loaded on the first switch to the mode; an
// attribute names another URL), Train's gate, live prediction after a run, the download, and its
// saved runs (runs.js). The element keeps one Train section (../train.js) for every kind; a kind
// says only what differs: its model, its settings and diagram, its run's config. What is enabled
// follows the worker's state.
import { downloadKindModel, downloadText } from '../export.js';
import { savedRuns } from './runs.js';
import { el } from '../dom.js';

// The settings an image or sound run takes from the Advanced panel; the others are text-only (the
// core refuses pooling, encoder dropout, …, for them) and hidden in these modes.
const KIND_KEYS = ['optimizer', 'momentum', 'nesterov', 'betas', 'eps', 'alpha', 'weight_decay', 'schedule', 'warmup',
  'step_every', 'gamma', 'l1', 'clip_norm', 'dropout', 'label_smoothing', 'early_stopping', 'patience'];

/** ctx: the element's { host, ui, tt, say, fail, ready, changed, store, train, applyState }
 *  (tabtune-trainer.js). kind: {
 *    mode: 'images' | 'sounds', only: the class of what shows in that mode only, task: the core's
 *      ('image', 'audio'), model: 'Image model' (the line's words), attr: the model URL attribute,
 *    defaultName: the app's model in words, load(url, options) → base ({ blocks, fingerprint }),
 *      url undefined for the app's model, loaded(base): the kind's fields follow it,
 *    trained(state): the worker's fine-tuned model of this kind, live: the kind's live prediction,
 *    words: runs.js's, download: { legend, buttons: [[text, format]], note },
 *    blocks: the diagram's blocks until the model says, draw(blocks, k, classes): the diagram,
 *    mount(): the kind's own parts put in }. The kind adds check, fields and remember. */
export function kindSide(ctx, kind) {
  const { host, ui, tt, say, fail, ready, changed, store, train, applyState } = ctx;
  let base = null; // the kind's load answer: { blocks, fingerprint, … }
  let loading = null;
  let mode = 'text';
  let root = null;

  const line = el('p', { class: kind.only, text: `${kind.model}: loading…` });
  const { live } = kind;
  const runs = savedRuns({ store, tt, train, applyState, fail }, kind.words);
  const downloadError = el('p', { class: 'field-error', 'aria-live': 'polite' });
  const button = ([text, format]) => el('button', { type: 'button', text, onclick: () => {
    downloadError.textContent = '';
    downloadKindModel(tt(), kind.task, format).catch((e) => fail(e, downloadError));
  } });
  // one fieldset: disabling it turns every button off
  const download = el('fieldset', { class: 'row', disabled: true }, el('legend', { text: kind.download.legend }),
    ...kind.download.buttons.map(button));
  const home = el('div', { class: kind.only }, download, downloadError, runs.forget,
    el('p', { class: 'note', text: kind.download.note }));

  async function load() {
    const named = host.getAttribute(kind.attr);
    const url = named ? new URL(named, document.baseURI).href : undefined;
    try {
      line.textContent = `${kind.model}: loading…`;
      base = await kind.load(url, { on_progress: (p) => { say(downloadText(p)); ui.load.bytes(p); } });
      line.textContent = `${kind.model}: ${url ?? kind.defaultName}, ${base.blocks} blocks.`;
      kind.loaded(base);
      await runs.restore(base);
      say(ready());
      changed();
    } catch (e) {
      base = null;
      loading = null; // the next switch tries again
      line.textContent = `${kind.model}: not loaded.`;
      fail(e);
    } finally { ui.load.done(); }
  }

  return {
    /** Puts the kind's parts beside the shared ones; `r` is the UI's root. kind.mount() puts its
     *  own and marks what its mode hides. */
    mount(r) {
      root = r;
      root.classList.add('tt-root'); // the styles hide .text-only in the kinds' modes, each kind's .only otherwise
      ui.modelLine.after(line);
      ui.tryText.after(live.box);
      ui.homeText.after(home);
      runs.resume.classList.add(kind.only);
      runs.note.classList.add(kind.only);
      ui.resume.after(runs.resume);
      ui.resumeNote.after(runs.note);
      kind.mount();
    },
    /** Follows the Train on switch; loads the kind's model on the first switch to its mode. */
    setMode(m) {
      if (m === mode) return;
      mode = m;
      const on = m === kind.mode;
      root.classList.toggle(`${kind.mode}-mode`, on);
      if (!on) live.stop();
      if (on && tt()) this.load();
    },
    /** The kind's model, loaded once (again after a failure). */
    load() { return (loading ??= load()); },
    /** The engine was replaced: it holds no model of this kind. */
    reset() { base = null; loading = null; live.enable(false); download.disabled = true; },
    /** Train's gate: draws the diagram from the checked settings `basic` (null when one is wrong);
     *  Train needs them, the `advanced` ones, the kind's model and two classes with examples, and
     *  not `busy` (a run or search going, no engine). The Advanced settings the kind takes, or null. */
    gate(basic, advanced, busy, classes) {
      ui.search.run.disabled = true; // search and cross-validation are text-only (hidden here)
      if (basic) kind.draw(base?.blocks ?? kind.blocks, basic.layers, Math.max(2, classes));
      if (!basic || !advanced) { ui.train.disabled = true; return null; }
      ui.train.disabled = busy || !base || classes < 2;
      return Object.fromEntries(Object.entries(advanced).filter(([k]) => KIND_KEYS.includes(k)));
    },
    /** Live prediction and the download follow the worker's fine-tuned model of this kind. */
    applyState(state) {
      const model = kind.trained(state);
      live.enable(Boolean(model));
      download.disabled = !model;
    },
    /** A run starts (any kind): live stops and nothing predicts until it ends. */
    runStarted() { live.enable(false); download.disabled = true; runs.started(); },
    /** A run's checkpoint (kept, or saved when finished) and its end (resume offered). */
    checkpoint: (c, run) => runs.checkpoint(c, { ...run, base: { url: host.getAttribute(kind.attr), fingerprint: base?.fingerprint } }),
    ended: () => runs.ended(),
    get mode() { return mode; },
  };
}
