// What <tabtune-trainer> keeps of runs in this browser (IndexedDB, through store.js):
//   'run'   the run in progress: its settings, its data, the base model's URL and fingerprint,
//           and its last checkpoint (trained layers + head + optimizer state, ~20 MB for MiniLM's
//           top layer), written at every epoch end and on cancel — what "Resume run" continues;
//   'model' the last finished run: its metrics and its trained part (no optimizer state) plus a
//           reference to its base model (URL + fingerprint), not a 90 MB copy of the model;
//   both:   `chain`, the finished checkpoints (base first) of the runs a continue run built on:
//           applied in order to the base, then `checkpoint`, they rebuild the model (null: it
//           continued a cancelled run's model, which nothing rebuilds).
// Each write is one transaction, so a quota error leaves what was saved before untouched.

/** The record of a run at a checkpoint; `data` is { blob, name, options } as the user loaded it. */
export function runRecord({ settings, model, data, chain, checkpoint, step, total_steps, epochs, status }) {
  return { settings, model_url: model.url, base_fingerprint: model.fingerprint, data, chain, checkpoint: new Blob([checkpoint]),
    step, total_steps, epochs, status, date: Date.now() };
}

/** Saves the run at a checkpoint; a finished one becomes the saved model and the run ends. */
export async function saveCheckpoint(store, record) {
  if (record.status !== 'finished') return store.replace({ run: record });
  const { data, ...model } = record; // the finished model does not need the data
  return store.replace({ model }, ['run']);
}

/** Why a save failed, in words: what it needs and what to do; nothing saved before is lost. */
export function saveError(e, bytes) {
  const mb = (bytes / 1e6).toFixed(0);
  if (e?.name === 'QuotaExceededError') {
    return `This browser has no room left for this site's data (QuotaExceededError: the run needs about ${mb} MB). Nothing saved before was lost. To make room, press “Forget the saved run” here, or clear other sites' data in the browser's settings.`;
  }
  return `The run could not be saved in this browser (${e?.message || e}). Nothing saved before was lost.`;
}

/** Bytes a record will take (the checkpoint and the data dominate). */
export function recordBytes(record) {
  return (record.checkpoint?.size || 0) + (record.data?.blob?.size || 0);
}

/** What the page says once a record is saved. */
export function savedText(record) {
  return record.status === 'finished'
    ? 'This model and its metrics are saved in this browser until you press “Forget the saved run”.'
    : `Saved in this browser at step ${record.step} of ${record.total_steps} (epoch ${record.epochs.length}).`;
}

/** The note beside “Resume run” for a run that stopped. */
export function resumeText(run) {
  return `Your run of ${new Date(run.date).toLocaleString()} stopped at step ${run.step} of ${run.total_steps} (${run.epochs.length} epochs done). “Resume run” goes on from there to the same result.`;
}

export function restoredText(run) {
  return `Your last run, finished ${new Date(run.date).toLocaleString()}, restored.`;
}
