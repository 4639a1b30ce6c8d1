// What <tabtune-trainer> keeps of a kind's runs (image runs, sound runs: side.js gives each its
// words). Under the kind's key (IndexedDB, store.js): the last finished run's trained blocks +
// head (a finished checkpoint, ~13 MB for an image run), its classes and epochs, and the model it
// started from (URL + fingerprint), applied again when the kind's mode loads that model. A stopped
// run's checkpoint (cancel, a failed step) stays in memory: its examples live in the worker, not
// in this browser's storage, so "Resume run" is offered while the page keeps them (the core
// refuses a resume on other examples, with a message that says so).
import { el } from '../dom.js';

/** store(): the element's store; tt(): the Tabtune; train(run): the element's #train with a run
 *  record; applyState(state) after a restore; fail(e, where) reports. words: { key (the store's),
 *  model ('image model'), items ('images') }. */
export function savedRuns({ store, tt, train, applyState, fail }, words) {
  const { key, model, items } = words;
  let stopped = null; // the last checkpoint of a run that did not finish
  const note = el('p', { class: 'note', 'aria-live': 'polite' });
  const resume = el('button', { type: 'button', hidden: true, text: 'Resume run', onclick: () => {
    const run = stopped;
    if (!run) return;
    resume.hidden = true;
    note.textContent = '';
    train(run);
  } });
  const forget = el('button', { type: 'button', class: 'secondary', hidden: true, text: `Forget the saved ${model}`, onclick: async () => {
    try {
      await store().delete(key);
      forget.hidden = true;
      note.textContent = `The saved ${model} was removed from this browser (the one in this tab stays until you leave).`;
    } catch (e) { fail(e, note); }
  } });
  return {
    resume,
    forget,
    note,
    /** A checkpoint of a run (c from on_checkpoint); run: { settings, epochs, total_steps, base }
     *  where base is the image (or sound) model's { url, fingerprint }. */
    async checkpoint(c, { settings, epochs, total_steps, base }) {
      const record = { settings, epochs, total_steps, step: c.step, checkpoint: new Blob([c.bytes]), model_url: base.url ?? null,
        base_fingerprint: base.fingerprint, date: Date.now() };
      if (!c.finished) { stopped = record; return; }
      stopped = null;
      try {
        await store().put(key, record);
        forget.hidden = false;
        note.textContent = `This ${model} is saved in this browser: it comes back when you open this page again.`;
      } catch (e) {
        note.textContent = e?.name === 'QuotaExceededError'
          ? `This browser has no room left for this site's data (the ${model} needs about ${(record.checkpoint.size / 1e6).toFixed(0)} MB): it was not saved; download it to keep it.`
          : `The ${model} could not be saved in this browser (${e?.message || e}): download it to keep it.`;
      }
    },
    /** A run ended: a stopped one (cancelled, failed) can go on from its last checkpoint. */
    ended() {
      resume.hidden = !stopped;
      if (stopped) note.textContent = `The run stopped at step ${stopped.step} of ${stopped.total_steps}: “Resume run” goes on from there, on the same ${items} (while this page is open).`;
    },
    /** A run starts: the stopped one it may resume is spent. */
    started() { resume.hidden = true; },
    /** The image (or sound) model `base` ({ fingerprint }) was loaded: the run saved on it, applied. */
    async restore(base) {
      const saved = await store().get(key);
      if (!saved) return;
      forget.hidden = false;
      if (saved.base_fingerprint !== base.fingerprint) return;
      try {
        applyState(await tt().loadTrained(await saved.checkpoint.arrayBuffer()));
        note.textContent = `Your ${model} fine-tuned on ${new Date(saved.date).toLocaleString()} is restored: try it below, or download it.`;
      } catch (e) {
        fail(new Error(`Your saved ${model} could not be restored: ${e.message}`), note);
      }
    },
  };
}
