// <tabtune-trainer>'s Train section: a run, from Train (or "Resume run") to its end, in every mode
// (images/train.js and sounds/train.js, each kind's `side`, say what an image or sound run does
// differently): the settings it starts with, what it draws as it goes (progress, charts,
// metrics), its checkpoints kept in this browser (runs.js says what a record holds) and "Resume
// run" for a text run that stopped. The element owns the engine, the model and the data; `host`
// gives them as they are now.
import { setValues, showSettingError } from './advanced.js';
import { trainingCharts } from './charts.js';
import { runStarted, showRunState } from './layout.js';
import { endText, epochMetrics, prepareText, runNotes, stepText, stoppedEarlyText, truncatedText } from './results.js';
import { recordBytes, restoredText, resumeText, runRecord, saveCheckpoint, saveError, savedText } from './runs.js';
import { fieldsFor } from './settings.js';
import { readStrategy, setStrategy } from './strategy.js';

/** host: { element (for its events), ui(), tt(), store(), side(task) (an image or sound run's
 *  side: images/train.js's imageSide, sounds/train.js's soundSide; null for text), sides() (every
 *  side), teach (teach/view.js), model() ({ url, fingerprint } of the base model), data() (the loaded
 *  data's record), dataTask(), engineLost(), restartEngine(), revive() (a new engine holding what
 *  the page had), loadModel(url), restoreModel(saved), applyChain(checkpoints), useData(file,
 *  options), settings() (the checked settings, or null), applyState(state), say(text), ready()
 *  (the "Ready. Backend …" line), fail(e, where) }. */
export function trainSection(host) {
  let charts = null;
  let runId = null;
  let busy = false; // from Train (or Resume) to the run's end, on_start or not
  let cancelAsked = false; // Cancel before the worker named the run: sent once it does
  // the finished checkpoints, base first, that rebuild the session's fine-tuned text model (what
  // a continue run starts from); null when it cannot be rebuilt (it came from a cancelled run)
  let tunedChain = [];
  let saving = Promise.resolve();
  const emit = (name, detail) => host.element.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  const patience = (settings) => settings?.patience ?? host.ui().advanced.defaults?.patience;
  const showMetrics = (e) => host.ui().metrics.replaceChildren(...epochMetrics(e));

  /** The epoch chart drawn for `task`, with `epochs`' scores on it. */
  function scoreEpochs(task, epochs = []) {
    const u = host.ui();
    charts ??= trainingCharts(u.lossChart, u.lrChart, u.epochChart);
    charts.scores(task, epochs);
  }

  /** A refused setting's message at its control; an image or sound run's are its side's fields
   *  (an image run's `layers` is the Blocks field). */
  function showRefused(u, side, message) {
    showSettingError({ ...(side ? side.fields() : fieldsFor(u.fields, 'text')), ...u.strategy.controls }, u.advanced, message);
  }

  /** Saves a checkpoint record; says so, or says why not (nothing saved before is lost). */
  async function keep(record) {
    const u = host.ui();
    try {
      await saveCheckpoint(host.store(), record);
      u.forget.hidden = false;
      u.saveNote.textContent = '';
      u.resumeNote.textContent = savedText(record);
    } catch (e) {
      u.saveNote.textContent = saveError(e, recordBytes(record));
    }
  }

  /** Shows “Resume run” for a run that stopped (a reload, a crash, a lost device, a cancel). */
  async function offerResume(run, restoreData = true) {
    const u = host.ui();
    if (!run?.checkpoint || run.status === 'finished') return;
    if (restoreData && run.data) await host.useData(new File([run.data.blob], run.data.name), run.data.options);
    u.resume.hidden = false;
    u.resumeNote.textContent = resumeText(run);
    u.forget.hidden = false;
  }

  /** Trains with the settings in the page, or resumes `run` (a saved run record). */
  async function train(run = null) {
    if (busy) return;
    // after a lost device or a failed worker: a new engine, holding the model and data again
    if (host.engineLost()) await host.revive();
    const config = run ? run.settings : host.settings();
    if (!config) return;
    const u = host.ui();
    // an image or sound run: no init, sample, teaching or saved text settings; its checkpoints:
    // images/runs.js (through its side)
    const side = host.side(config.task);
    if (!run && !side) {
      config.init = u.init.value;
      if (!u.subset.hidden && u.subsetOn.checked) config.sample = Math.max(10, Math.round(Number(u.subsetRows.value)));
      host.store().put('settings', config).catch(() => {});
    }
    if (!run && side) side.remember(config);
    busy = true;
    cancelAsked = false;
    runStarted(u);
    for (const s of host.sides()) s.runStarted();
    scoreEpochs(run?.epochs.at(-1)?.metrics?.task ?? config.task ?? host.dataTask());
    charts.reset();
    const epochs = run ? [...run.epochs] : [];
    let lastStep = 0;
    const model = host.model();
    const data = run ? run.data : host.data();
    // what this run's model is built on: a continue run's starting model's own chain
    const chain = run ? (run.chain ?? []) : (config.init === 'continue' ? tunedChain : []);
    let finished = null; // the chain of the model this run finishes with
    if (!chain && !side) u.saveNote.textContent = 'This run continues the model of a cancelled run, which this browser cannot rebuild: after a reload it will not come back. Train it again from the pretrained model to keep it.';
    let totalSteps = run?.total_steps || 0;
    let valOnLoss = true; // a contrastive run's step loss is the pairs' (cos − target)², not the head's cross-entropy
    const base = {
      on_state: (s) => showRunState(u, s.state),
      on_start: ({ info }) => {
        runId = info.run_id;
        if (cancelAsked) host.tt().cancel(runId);
        totalSteps = info.total_steps;
        u.runNotes.textContent = runNotes(info);
        scoreEpochs(info.task, info.history);
        valOnLoss = info.strategy !== 'contrastive';
        for (const e of info.history) if (e.val_loss != null && valOnLoss) charts.loss.set(e.epoch * info.steps_per_epoch, 1, e.val_loss);
      },
      on_progress: (p) => {
        if (p.phase !== 'prepare') return;
        u.progress.textContent = prepareText(p);
        u.truncated.textContent = truncatedText(p.info.truncated, config.max_len);
      },
      on_step: (s) => {
        u.bar.max = s.total_steps; u.bar.value = s.step;
        if (s.step === 1) { host.say(`${host.ready()} First step (warm-up): ${s.seconds.toFixed(1)} s.`); }
        u.progress.textContent = stepText(s);
        lastStep = s.step;
        charts.lr.push(s.step, s.lr);
        if (s.loss != null) charts.loss.set(s.step, 0, s.loss);
      },
      on_epoch: (e) => {
        epochs.push(e);
        if (e.val_loss != null && valOnLoss) charts.loss.set(lastStep, 1, e.val_loss);
        scoreEpochs(e.metrics?.task, epochs);
        showMetrics(e);
        if (e.stopped_early) u.stopNote.textContent = stoppedEarlyText(e, epochs, config.early_stopping, patience(config));
        emit('tabtune-epoch', e);
      },
      on_checkpoint: (c) => {
        if (side) { saving = saving.then(() => side.checkpoint(c, { settings: config, epochs: [...epochs], total_steps: totalSteps })); return; }
        const record = runRecord({ settings: config, model, data, chain, checkpoint: c.bytes, step: c.step, total_steps: totalSteps,
          epochs: [...epochs], status: c.finished ? 'finished' : 'stopped' });
        if (c.finished) finished = chain && [...chain, record.checkpoint];
        saving = saving.then(() => keep(record));
      },
    };
    const hooks = side ? base : host.teach.hooks(base);
    let state = null;
    let refused = null, result = null;
    try {
      result = run ? await host.tt().resume(await run.checkpoint.arrayBuffer(), hooks) : await host.tt().train(side ? config : host.teach.config(config), hooks);
      state = result.state;
      // a cancelled run that trained leaves its model in the session, and no finished
      // checkpoint rebuilds it: a run continued from it cannot be restored after a reload
      if (!side) tunedChain = finished ? named(finished, state) : chainOf(state, tunedChain);
      u.progress.textContent = endText(result);
      host.applyState(state); // with "Done", not after the saves below
      await saving;
      if (result.cancelled && !side) await offerResume(await host.store().get('run'), false);
      emit('tabtune-done', result);
    } catch (e) {
      state = e.state ?? (host.engineLost() ? null : await host.tt().state().catch(() => null));
      host.applyState(state); // with the message, as "Done" is
      host.fail(e, u.progress);
      refused = e.message;
      showRefused(u, side, refused); // with the message, not after the awaits
      await saving;
      if (!side) await offerResume(await host.store().get('run'), false);
    }
    runId = null;
    busy = false;
    if (side) side.ended(); else host.teach.ended(refused ? null : result);
    u.cancel.disabled = true; u.init.disabled = false;
    host.applyState(state);
    host.settings();
    // a setting the core refused: its message also at its control, every value as the user left it
    if (refused) showRefused(u, side, refused);
    // the worker failed or the device was lost mid-run: a new engine now, so Try-it and Train work
    if (host.engineLost()) await host.revive().catch((e) => host.fail(e));
  }

  return {
    train,
    offerResume,
    /** The charts, empty, drawn with the page: their room is there before the first run. */
    drawCharts: () => scoreEpochs(null),
    /** The run going (its id), or null. */
    get runId() { return runId; },
    /** From Train (or Resume) until the run has ended, whether or not the worker has named it. */
    get busy() { return busy; },
    /** Cancel: the run going, or the one starting as soon as the worker names it. */
    cancel() {
      if (runId != null) host.tt()?.cancel(runId);
      else if (busy) cancelAsked = true;
    },
    /** The session's fine-tuned text model was rebuilt from `chain` (finished checkpoints, base
     *  first) and is the one `state` describes: a continue run is saved with it. */
    restored(chain, state) { tunedChain = named(chain, state); },

    /** Puts `config` (a search result's, or contrastive mode) into the text settings; trains it if `train`. */
    trainWith(config, go = true) {
      const u = host.ui();
      for (const [key, f] of Object.entries(fieldsFor(u.fields, 'text'))) if (config[key] !== undefined) f.input.value = config[key] === 'all' ? f.max : config[key];
      if (go) setValues(u.advanced, config);
      setStrategy(u.strategy, go ? config : { ...readStrategy(u.strategy), ...config });
      if (go) train(); else host.settings();
    },

    /** The last finished run's charts, metrics and notes (its model is restored by the element). */
    restoreRun(run) {
      const u = host.ui();
      const last = run.epochs.at(-1);
      scoreEpochs(last?.metrics?.task, run.epochs);
      if (last) showMetrics(last);
      u.stopNote.textContent = last ? stoppedEarlyText(last, run.epochs, run.settings?.early_stopping, patience(run.settings)) ?? '' : '';
      u.progress.textContent = restoredText(run);
      u.forget.hidden = false;
    },

    /** “Resume run”: the saved run on its base model (restarting the engine after a lost GPU)
     *  and its data, from its last checkpoint. */
    async resume() {
      const run = await host.store().get('run');
      if (!run) return;
      try {
        if (host.engineLost()) await host.restartEngine();
        if (host.model().fingerprint !== run.base_fingerprint) {
          await host.loadModel(run.model_url);
          // a continue run resumes on the model it continued: its chain of finished runs (older
          // records have none: the saved model was that model)
          if (run.chain?.length) await host.applyChain(run.chain);
          else if (run.settings.init === 'continue') {
            const saved = await host.store().get('model');
            if (saved) await host.restoreModel(saved);
          }
        }
        await host.useData(new File([run.data.blob], run.data.name), run.data.options);
        await train(run);
      } catch (e) { host.fail(e, host.ui().progress); }
    },
  };
}

/** `chain` as the chain of the fine-tuned model `state` holds (its fingerprint noted on it). */
function named(chain, state) {
  return Object.assign([...chain], { fingerprint: state?.model?.fine_tuned ? state.model.fingerprint : null });
}

/** The chain after a run that did not finish: still `chain` when the session's fine-tuned model
 *  is still the one it rebuilds, else null (a cancelled run's model: nothing rebuilds it). */
function chainOf(state, chain) {
  if (!state?.model?.fine_tuned) return [];
  return chain && chain.fingerprint === state.model.fingerprint ? chain : null;
}
