// What <tabtune-trainer> shows of a task's numbers: the data summary, each epoch's validation
// metrics, why early stopping ended a run, and a prediction — for classification, multi-label
// and regression alike. Everything here is drawn from what the worker reported.
import { MONITOR_WORDS, setClasses } from './advanced.js';
import { suggestStrategy } from './strategy.js';
import { bars, confusion, el, formatSeconds, table } from './dom.js';

const pct = (v) => `${(v * 100).toFixed(1)} %`;
const num = (v) => (v == null ? '–' : Number(v).toPrecision(3));
const TASK_WORDS = { classification: 'classification', multi_label: 'multi-label', regression: 'regression' };

/** The loaded data in words and tables: { nodes, large } (large: worth training on a sample). */
export function dataSummary(info) {
  const dropped = `${info.used} used; dropped ${info.dropped.empty_text} rows with an empty text and ${info.dropped.duplicate} duplicates.`;
  const notes = (info.notes || []).map((note) => el('p', { class: 'note', role: 'note', text: `Note: ${note}.` }));
  // a tab trains a few dozen rows a second on a CPU: say so before a long run
  const large = info.rows > 20_000 ? el('p', { class: 'note', role: 'note', text: `That is a large file (${info.rows.toLocaleString()} rows): every epoch runs over all of them, which can take a long time in a browser. A first run on a sample (see Settings) shows quickly whether it learns.` }) : null;
  const nodes = [large, ...notes,
    el('p', { text: `${info.rows} rows; text column “${info.text_column}”, label column “${info.label_column}”${info.inferred_columns ? ' (guessed: change them above)' : ''}. ${dropped}` }),
    taskLine(info),
    table('First rows', ['text', 'label'], info.preview.map((r) => [r.text, r.label]), { rowHeads: false }),
    labelSummary(info)].filter(Boolean);
  return { nodes, large: Boolean(large) };
}

/** The loaded data into the element's controls `u`: the column pickers, the classes the
 *  Advanced settings weigh, the strategy suggested for it (`trainWith(settings)` applies it), the
 *  summary. */
export function showData(u, info, trainWith) {
  const options = (select, chosen) => select.replaceChildren(...info.columns.map((c) => el('option', { value: c, text: c, selected: c === chosen })));
  options(u.textCol, info.text_column);
  options(u.labelCol, info.label_column);
  u.columns.hidden = false;
  setClasses(u.advanced, info.task === 'classification' || !info.task ? info.labels : []);
  suggestStrategy(u.strategy, info, trainWith);
  const { nodes, large } = dataSummary(info);
  u.subset.hidden = !large;
  u.subsetRows.max = info.rows;
  u.dataInfo.replaceChildren(...nodes);
}

/** What a run does, beyond the settings: task and schedule, contrastive pairs, augmented rows, the
 *  worker's notes, the prefix cache,
 *  and each parameter group's LR scale when a layer-wise decay makes them differ. */
export function runNotes(info) {
  const how = info.task ? `${TASK_WORDS[info.task] || info.task}, ${info.optimizer} with a ${info.schedule} schedule` : '';
  const cache = info.cached ? `the frozen layers' output is cached (${info.cache_mb.toFixed(0)} MB of the ${info.cache_budget_mb} MB budget)` : '';
  const groups = (info.param_groups || []).some((g) => g.lr_scale !== 1)
    ? `learning rate × ${info.param_groups.map((g) => `${Number(g.lr_scale.toPrecision(3))} for ${g.name}`).join(', ')}` : '';
  const pairs = info.strategy === 'contrastive' ? `contrastive: the layers learn from ${info.pairs} pairs of rows (same class or not), then the head is fitted; the loss chart shows the pairs' loss, (cosine − target)², and the head's validation loss is in the epoch metrics` : '';
  // the core says it among its notes; an engine that does not, here
  const aug = info.augmented_rows && !info.notes.some((n) => n.startsWith('augmentation')) ? `augmentation added ${info.augmented_rows} altered copies of training rows; validation rows untouched` : '';
  return [how, pairs, aug, ...info.notes, cache, groups].filter(Boolean).join('; ');
}

/** How many texts the run cuts to max_len, in words ('' for none). */
/** The progress line while the frozen layers run once over the rows. */
export function prepareText(p) {
  const eta = p.done > 0 && p.done < p.total ? ` · ETA ${formatSeconds(p.eta_s)}` : '';
  const on = p.workers > 1 ? ` on ${p.workers} workers` : '';
  return `Running the frozen ${p.info?.image ? 'blocks' : 'layers'} once over the data${on}: ${p.done} of ${p.total} ${p.info?.image ? 'images' : 'rows'}${eta}`;
}

/** The progress line of a step: where the run is, its learning rate (and pre-clip norm), ETA. */
export function stepText(s) {
  const norm = s.grad_norm != null ? ` · gradient norm ${s.grad_norm.toPrecision(3)}` : '';
  const on = s.workers > 1 ? ` · on ${s.workers} workers` : '';
  return `Step ${s.step} of ${s.total_steps} · epoch ${s.epoch} · learning rate ${s.lr.toExponential(2)}${norm}${on} · ETA ${formatSeconds(s.eta_s)}`;
}

/** The progress line once a run has ended (finished or cancelled); image runs keep no
 *  checkpoint yet, so they cannot be resumed. */
export function endText(result) {
  if (!result.cancelled) return `Done in ${formatSeconds(result.seconds)}.`;
  return 'Cancelled: the model keeps what it learned so far; “Resume run” goes on from there.';
}

export function truncatedText(n, maxLen) {
  return n ? `${n} ${n === 1 ? 'text is' : 'texts are'} longer than ${maxLen} tokens and ${n === 1 ? 'was' : 'were'} cut to that length (raise “Max length” to keep more).` : '';
}

/** The task in words and why it was chosen: "Task: regression — the labels are all numbers". */
export function taskLine(info) {
  if (!info.task) return null;
  const why = info.task_reason ? ` — ${info.task_reason}` : '';
  return el('p', { 'data-task': info.task, text: `Task: ${TASK_WORDS[info.task] || info.task}${why} (Settings › Advanced › Task).` });
}

/** Rows per class, rows per label, or the range of the values. */
export function labelSummary(info) {
  if (info.task === 'regression' && info.values) {
    const v = info.values;
    return el('p', { text: `Values from ${num(v.min)} to ${num(v.max)}, mean ${num(v.mean)}.` });
  }
  const caption = info.task === 'multi_label' ? 'Rows per label' : 'Rows per class';
  return bars(caption, info.labels.map((l) => ({ label: l, value: info.classes[l] })));
}

/** An epoch's validation metrics by task (`metrics`), or those of a run saved before tasks. */
export function epochMetrics(e) {
  const m = e.metrics ?? (e.per_class ? { task: 'classification', acc: e.val_acc, macro_f1: e.val_macro_f1, per_class: e.per_class, confusion: e.confusion } : null);
  // runs saved before the padding share was reported have none
  const padding = e.padding_share != null ? `, batch padding ${Math.round(e.padding_share * 100)} %` : '';
  if (!m) return [el('p', { text: `Epoch ${e.epoch}: train loss ${e.train_loss.toFixed(4)}${padding} (no validation rows)` })];
  const head = `Epoch ${e.epoch}: validation `;
  const best = e.best_epoch != null ? ` Best epoch so far: ${e.best_epoch}.` : '';
  const tail = `; validation loss ${num(e.val_loss)}, train loss ${e.train_loss.toFixed(4)}${padding}.${best}`;
  if (m.task === 'regression') {
    return [el('p', { text: `${head}MSE ${num(m.mse)}, MAE ${num(m.mae)}, R² ${num(m.r2)}, Pearson r ${num(m.pearson)} on ${m.n} rows${tail}` })];
  }
  if (m.task === 'multi_label') {
    return [el('p', { text: `${head}micro-F1 ${pct(m.micro_f1)}, macro-F1 ${pct(m.macro_f1)}, subset accuracy ${pct(m.subset_acc)}${tail}` }),
      table('Per label (validation)', ['label', 'precision', 'recall', 'F1', 'rows'], m.per_label.map((c) => [c.label, pct(c.precision), pct(c.recall), pct(c.f1), c.support]))];
  }
  return [el('p', { text: `${head}accuracy ${pct(m.acc)}, macro-F1 ${pct(m.macro_f1)}${tail}` }),
    table('Per class (validation)', ['class', 'precision', 'recall', 'F1', 'rows'], m.per_class.map((c) => [c.label, pct(c.precision), pct(c.recall), pct(c.f1), c.support])),
    confusion(m.per_class.map((c) => c.label), m.confusion)];
}

/** "Stopped early after epoch 5: validation loss had not improved for 2 epochs. The model kept
 *  is epoch 3's (val_loss 0.412)." — for the epoch that ended the run, else null. */
export function stoppedEarlyText(e, epochs, monitor, patience) {
  if (!e.stopped_early) return null;
  const words = MONITOR_WORDS[monitor] || monitor;
  const best = epochs.find((x) => x.epoch === e.best_epoch);
  const value = best?.val_scores?.[monitor] ?? (monitor === 'val_loss' ? best?.val_loss : undefined);
  const kept = e.best_epoch != null ? ` The model kept is epoch ${e.best_epoch}'s${value != null ? ` (${monitor} ${num(value)})` : ''}.` : '';
  return `Stopped early after epoch ${e.epoch}: ${words} had not improved for ${patience} epoch${patience === 1 ? '' : 's'}.${kept}`;
}

/** Try it: the class, the label set or the value, with the probabilities where there are some. */
export function predictionView(p) {
  if (p.value !== undefined && !p.probs) return [el('p', { class: 'predicted', text: `Predicted: ${p.label}` })];
  if (Array.isArray(p.labels)) {
    const set = p.labels.length ? p.labels.join(' + ') : 'no label (none reaches the threshold)';
    return [el('p', { class: 'predicted', text: `Predicted: ${set}` }),
      bars('Probability per label', Object.entries(p.probs).map(([label, value]) => ({ label, value })), pct, 1)];
  }
  return [el('p', { class: 'predicted', text: `Predicted: ${p.label}` }),
    bars('Probability per class', Object.entries(p.probs).map(([label, value]) => ({ label, value })), pct, 1)];
}
