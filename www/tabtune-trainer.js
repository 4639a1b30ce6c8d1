// <tabtune-trainer>: drop a file, pick columns, train MiniLM in a worker, watch it learn, try
// it, download it. Self-contained (shadow DOM). Attributes: model (base URL in the HF layout),
// data (URL of a sample file), layers, epochs, compact, teaching (the teaching view: see
// trainer/teach/), projector, mode ("images" opens Images mode: trainer/images/),
// image-model (the image model's base URL), images-data (a zip of class folders: the sample images). Events: tabtune-epoch, tabtune-done, tabtune-error
// (bubbling, composed).
//   <script type="module" src="/tabtune-trainer.js"></script>
//   <tabtune-trainer data="/samples/movie-reviews.csv"></tabtune-trainer>
import { Tabtune } from './tabtune.js';
import { UPLOT_CSS, trainingCharts } from './trainer/charts.js';
import { readAdvanced, setDefaults, setValues, showSettingError } from './trainer/advanced.js';
import { checkDevice } from './trainer/diagnostics.js';
import { endText, epochMetrics, prepareText, runNotes, showData, stepText, stoppedEarlyText, truncatedText } from './trainer/results.js';
import { downloadText, readModelFolder } from './trainer/export.js';
import { tryIt } from './trainer/tryit.js';
import { CSS } from './trainer/styles.js';
import { clearModelCache, storeFor } from './trainer/store.js';
import { recordBytes, restoredText, resumeText, runRecord, saveCheckpoint, saveError, savedText } from './trainer/runs.js';
import { buildUi, runStarted } from './trainer/layout.js';
import { checkFields, drawLayers } from './trainer/settings.js';
import { readStrategy, setStrategy } from './trainer/strategy.js';
import { syncSearch } from './trainer/search.js';
import { el } from './trainer/dom.js';
import { teachView } from './trainer/teach/view.js';
import { imagesView } from './trainer/images/view.js';
import { imageSide } from './trainer/images/train.js';

const DEFAULT_MODEL = new URL('./models/all-MiniLM-L6-v2/', import.meta.url).href;
class TabtuneTrainer extends HTMLElement {
  #ui = {};
  #tt = null;
  #model = null;
  #source = null; // the data as given (File or text), re-read when the columns change
  #labels = [];
  #dataTask = null; // the task the loaded data suggests (the Task control may override it)
  #try = tryIt(() => this.#ui, () => this.#tt, (e, where) => this.#fail(e, where));
  #charts = null;
  #store = null;
  #backendLine = '';
  #modelUrl = null; // where the loaded base model came from, so a saved run can refer to it
  #dataRecord = null; // { blob, name, options } of the loaded data, kept with a run
  #runId = null;
  #searching = false; // a search holds the worker's run slot: no training meanwhile
  #engineLost = false;
  #saving = Promise.resolve();
  #teach = teachView(this, () => this.#tt, (e, where) => this.#fail(e, where));
  // Text / Images: the data panel, and what an image run does differently
  #images = imagesView(() => this.#tt, (mode) => { this.#img?.setMode(mode); this.#checkSettings(); }, () => this.getAttribute('images-data'));
  #img = null;

  connectedCallback() {
    if (this.shadowRoot) return;
    this.#store = storeFor(`${location.pathname}#${this.id || 'tabtune-trainer'}`);
    const root = this.attachShadow({ mode: 'open' });
    const on = {
      loadModelFolder: () => this.#loadModelFolder(), forget: () => this.#forget(), loadModel: (url) => this.#loadModel(url),
      clearCache: () => clearModelCache().then((t) => this.#say(t)), useData: (file) => this.#useData(file), useSample: () => this.#useSample(),
      reloadData: () => this.#reloadData(), checkSettings: () => this.#checkSettings(), train: () => this.#train(),
      cancel: () => this.#runId && this.#tt?.cancel(this.#runId), resume: () => this.#resume(),
      schedulePredict: () => this.#try.schedulePredict(), predictFile: (file) => this.#try.predictFile(file), download: (format) => this.#try.download(format),
      checkDevice: (file) => this.#checkDevice(file),
      search: { tt: () => this.#tt, settings: () => this.#checkSettings(), trainWith: (c) => this.#trainWith(c),
        busy: (on) => { this.#searching = on; this.#checkSettings(); } },
    };
    const { root: ui, ui: controls } = buildUi(on, (name) => this.getAttribute(name));
    this.#ui = controls;
    root.append(el('style', { text: CSS }), el('link', { rel: 'stylesheet', href: UPLOT_CSS }), ui);
    this.#teach.mount(ui, controls);
    this.#images.mount(controls.textData);
    this.#img = imageSide({ host: this, ui: controls, images: this.#images, tt: () => this.#tt, say: (t) => this.#say(t), fail: (e, where) => this.#fail(e, where),
      ready: () => `Ready. ${this.#backendLine}`, changed: () => this.#checkSettings(), textLayers: () => this.#model?.layers,
      store: () => this.#store, train: (run) => this.#train(run), applyState: (s) => this.#applyState(s) });
    this.#img.mount(ui);
    if (this.getAttribute('mode') === 'images') this.#images.setMode('images');
    this.#start().catch((e) => this.#fail(e));
  }

  // the camera goes off with the widget
  disconnectedCallback() { this.#images.stopCamera(); } // live prediction stops with it

  async #start() {
    await this.#startEngine();
    if (this.#images.mode === 'images') await this.#img.load();
    const defaults = await this.#tt.defaults();
    setDefaults(this.#ui.advanced, defaults);
    const saved = await this.#store.get('model');
    await this.#loadModel(saved?.model_url || this.#defaultModel());
    if (saved) await this.#restoreModel(saved);
    const settings = (await this.#store.get('settings')) || {};
    for (const [key, f] of Object.entries(this.#ui.fields)) {
      if (this.hasAttribute(key) || settings[key] === undefined) continue;
      if (key === 'layers' && this.#img.mode === 'images') this.#img.restoreTextLayers(settings[key]); else f.input.value = settings[key];
    }
    setValues(this.#ui.advanced, settings);
    setStrategy(this.#ui.strategy, settings, defaults);
    const run = await this.#store.get('run');
    if (run) await this.#offerResume(run);
    this.#ui.sample.disabled = !this.getAttribute('data');
    this.#checkSettings();
  }

  #defaultModel() {
    return this.getAttribute('model') ? new URL(this.getAttribute('model'), document.baseURI).href : DEFAULT_MODEL;
  }

  /** A new worker and backend (at start, and after the GPU device was lost). */
  async #startEngine(backend = this.getAttribute('backend') || 'auto') {
    this.#tt?.dispose();
    this.#tt = await Tabtune.create({ backend });
    this.#tt.on_device_lost = (info) => this.#deviceLost(info);
    this.#engineLost = false;
    this.#model = null; // a new worker holds no model yet
    this.#img?.reset();
    const b = this.#tt.backend;
    // the CPU backend's adapter already reads "CPU (…)"
    this.#backendLine = `Backend: ${b.kind === 'webgpu' ? `WebGPU (${b.adapter})` : b.adapter} — ${b.reason}.`;
  }

  #deviceLost(info) {
    this.#engineLost = true;
    this.#say(`The GPU device was lost (${info.message}). What trained up to the last epoch is saved: press “Resume run” to go on from there.`);
  }

  /** The Try-it box, Download and “continue” follow what the worker says it holds. */
  #applyState(state) {
    const u = this.#ui;
    const model = state?.model || null;
    u.text.disabled = u.predictFile.disabled = u.download.disabled = !model;
    u.init.options[1].disabled = !model?.fine_tuned;
    if (u.init.options[1].disabled) u.init.value = 'pretrained';
    if (this.#model) this.#model.labels = model?.labels || null;
    this.#img.applyState(state);
  }

  /** The last finished run's trained part, applied to its base model, and its metrics. */
  async #restoreModel(saved) {
    try {
      if (!saved.checkpoint) throw new Error('it was saved by an older version of this page: train it again');
      if (saved.base_fingerprint !== this.#model?.fingerprint) throw new Error(`its base model (${saved.model_url}) could not be loaded`);
      this.#applyState(await this.#tt.loadTrained(await saved.checkpoint.arrayBuffer()));
      this.#ui.modelLine.textContent += ` Fine-tuned in this browser on ${new Date(saved.date).toLocaleString()}.`;
      this.#restoreRun(saved);
    } catch (e) {
      this.#fail(new Error(`Your saved model could not be restored: ${e.message}`));
    }
  }

  /** Loads a model through `load` (a function returning tt.loadModel's promise), named `name`. */
  async #setModel(load, name) {
    try {
      this.#model = await load();
      this.#applyState(await this.#tt.state());
      // in Images mode the field counts blocks; images/train.js puts this back on the way to Text
      if (this.#images.mode !== 'images') this.#ui.fields.layers.max = this.#ui.fields.layers.input.max = this.#model.layers;
      this.#ui.modelLine.textContent = `Model: ${name}; ${this.#model.layers} layers, ${this.#model.hidden_size} wide.`;
      this.#say(`Ready. ${this.#backendLine}`);
      this.#checkSettings();
    } catch (e) { this.#fail(e); }
  }

  #loadModel(url) {
    this.#modelUrl = url;
    return this.#setModel(() => this.#tt.loadModel(url, {
      on_progress: (p) => {
        this.#say(downloadText(p));
        // "Ready" replaces the status: this note stays
        if (p.cache_error) this.#ui.cacheNote.textContent = `The model could not be kept in this browser’s cache (${p.cache_error}): it will be downloaded again next time.`;
      },
    }), url === DEFAULT_MODEL ? 'all-MiniLM-L6-v2 (bundled)' : url);
  }

  async #loadModelFolder() {
    try {
      const { files, name } = await readModelFolder(this.#ui.modelDir.files);
      this.#modelUrl = null; // a run saved on it cannot reload it by itself
      await this.#setModel(() => this.#tt.loadModel(files), name);
    } catch (e) { this.#fail(e); }
  }

  async #forget() {
    await this.#store.replace({}, ['model', 'run']);
    this.#ui.forget.hidden = this.#ui.resume.hidden = true;
    this.#ui.resumeNote.textContent = this.#ui.saveNote.textContent = '';
    await this.#loadModel(this.#defaultModel());
  }

  #restoreRun(run) {
    const last = run.epochs.at(-1);
    this.#scoreEpochs(last?.metrics?.task, run.epochs);
    if (last) this.#showMetrics(last);
    this.#ui.stopNote.textContent = last ? stoppedEarlyText(last, run.epochs, run.settings?.early_stopping, this.#patience(run.settings)) ?? '' : '';
    this.#ui.progress.textContent = restoredText(run);
    this.#ui.forget.hidden = false;
  }

  /** The epoch chart drawn for `task`, with `epochs`' scores on it. */
  #scoreEpochs(task, epochs = []) {
    this.#charts ??= trainingCharts(this.#ui.lossChart, this.#ui.lrChart, this.#ui.epochChart);
    this.#charts.scores(task, epochs);
  }

  #patience(settings) { return settings?.patience ?? this.#ui.advanced.defaults?.patience; }

  #say(text) { this.#ui.status.textContent = text; this.#ui.status.className = ''; }

  #fail(e, where = this.#ui.status) {
    where.textContent = e.message || String(e);
    where.className = 'error';
    this.dispatchEvent(new CustomEvent('tabtune-error', { detail: { message: e.message || String(e) }, bubbles: true, composed: true }));
  }

  async #useSample() {
    try {
      const res = await fetch(new URL(this.getAttribute('data'), document.baseURI));
      if (!res.ok) throw new Error(`the sample data could not be loaded (HTTP ${res.status})`);
      await this.#useData(new File([await res.blob()], this.getAttribute('data').split('/').pop()));
    } catch (e) { this.#fail(e, this.#ui.dataError); }
  }

  async #useData(source, options = {}) {
    const u = this.#ui;
    u.dataError.textContent = '';
    u.truncated.textContent = '';
    u.train.disabled = true;
    try {
      // columns picked last time, when this file has them; otherwise inferred
      const remembered = Object.keys(options).length ? null : await this.#store.get('columns');
      const info = await this.#tt.loadData(source, remembered || options)
        .catch((e) => (remembered && /not found/.test(e.message) ? this.#tt.loadData(source, options) : Promise.reject(e)));
      this.#source = source;
      const blob = source instanceof Blob ? source : new Blob([source]);
      this.#dataRecord = { blob, name: source.name || 'data.csv', options: { format: info.format, text_column: info.text_column, label_column: info.label_column } };
      this.#showData(info);
      this.#checkSettings();
    } catch (e) {
      u.dataInfo.replaceChildren();
      this.#fail(e, u.dataError);
    }
  }

  #reloadData() {
    if (!this.#source) return;
    const columns = { text_column: this.#ui.textCol.value, label_column: this.#ui.labelCol.value };
    this.#store.put('columns', columns).catch(() => {});
    this.#useData(this.#source, columns);
  }

  #showData(info) {
    this.#labels = info.labels;
    this.#dataTask = info.task || null;
    showData(this.#ui, info, (settings) => this.#trainWith(settings, false));
  }

  /** Checks every field; shows each problem at its field. Returns the settings, or null. */
  #checkSettings() {
    const u = this.#ui;
    const images = this.#images.mode === 'images';
    const [basic, advanced, strategy] = [checkFields(u.fields), readAdvanced(u.advanced, images ? 'classification' : this.#dataTask), readStrategy(u.strategy)];
    if (images) return this.#img.check(basic, advanced, !this.#tt || this.#searching || Boolean(this.#runId));
    const config = basic && advanced && strategy ? { ...basic, ...advanced, ...strategy } : null;
    const task = advanced?.task || this.#dataTask || 'classification';
    if (basic) drawLayers(u, this.#model, basic.layers, task === 'regression' ? 1 : Math.max(2, this.#labels.length));
    u.train.disabled = !config || !this.#source || !this.#tt || this.#searching;
    u.search.run.disabled = u.train.disabled || Boolean(this.#runId);
    syncSearch(u.search, config, task, u.advanced.monitors);
    return config;
  }

  /** Trains with the settings in the page, or resumes `run` (a saved run record). */
  async #train(run = null) {
    const config = run ? run.settings : this.#checkSettings();
    if (!config) return;
    const u = this.#ui;
    // an image run: no init, sample, teaching or saved settings (text-only); its checkpoints: images/runs.js
    const images = config.task === 'image';
    if (!run && !images) {
      config.init = u.init.value;
      if (!u.subset.hidden && u.subsetOn.checked) config.sample = Math.max(10, Math.round(Number(u.subsetRows.value)));
      this.#store.put('settings', config).catch(() => {});
    }
    runStarted(u);
    this.#img.runStarted();
    this.#scoreEpochs(run?.epochs.at(-1)?.metrics?.task ?? config.task ?? this.#dataTask);
    this.#charts.reset();
    const epochs = run ? [...run.epochs] : [];
    let lastStep = 0;
    const model = { url: this.#modelUrl, fingerprint: this.#model.fingerprint };
    const data = run ? run.data : this.#dataRecord;
    let totalSteps = run?.total_steps || 0;
    let valOnLoss = true; // a contrastive run's step loss is the pairs' (cos − target)², not the head's cross-entropy
    const base = {
      on_start: ({ info }) => {
        this.#runId = info.run_id;
        totalSteps = info.total_steps;
        u.runNotes.textContent = runNotes(info);
        this.#scoreEpochs(info.task, info.history);
        valOnLoss = info.strategy !== 'contrastive';
        for (const e of info.history) if (e.val_loss != null && valOnLoss) this.#charts.loss.set(e.epoch * info.steps_per_epoch, 1, e.val_loss);
      },
      on_progress: (p) => {
        if (p.phase !== 'prepare') return;
        u.progress.textContent = prepareText(p);
        u.truncated.textContent = truncatedText(p.info.truncated, config.max_len);
      },
      on_step: (s) => {
        u.bar.max = s.total_steps; u.bar.value = s.step;
        if (s.step === 1) { this.#say(`Ready. ${this.#backendLine} First step (warm-up): ${s.seconds.toFixed(1)} s.`); }
        u.progress.textContent = stepText(s);
        lastStep = s.step;
        this.#charts.lr.push(s.step, s.lr);
        if (s.loss != null) this.#charts.loss.set(s.step, 0, s.loss);
      },
      on_epoch: (e) => {
        epochs.push(e);
        if (e.val_loss != null && valOnLoss) this.#charts.loss.set(lastStep, 1, e.val_loss);
        this.#scoreEpochs(e.metrics?.task, epochs);
        this.#showMetrics(e);
        if (e.stopped_early) u.stopNote.textContent = stoppedEarlyText(e, epochs, config.early_stopping, this.#patience(config));
        this.dispatchEvent(new CustomEvent('tabtune-epoch', { detail: e, bubbles: true, composed: true }));
      },
      on_checkpoint: (c) => {
        if (images) { this.#saving = this.#saving.then(() => this.#img.checkpoint(c, { settings: config, epochs: [...epochs], total_steps: totalSteps })); return; }
        const record = runRecord({ settings: config, model, data, checkpoint: c.bytes, step: c.step, total_steps: totalSteps,
          epochs: [...epochs], status: c.finished ? 'finished' : 'stopped' });
        this.#saving = this.#saving.then(() => this.#keep(record));
      },
    };
    const hooks = images ? base : this.#teach.hooks(base);
    let state = null;
    let refused = null, result = null;
    try {
      result = run ? await this.#tt.resume(await run.checkpoint.arrayBuffer(), hooks) : await this.#tt.train(images ? config : this.#teach.config(config), hooks);
      state = result.state;
      u.progress.textContent = endText(result);
      this.#applyState(state); // with "Done", not after the saves below
      await this.#saving;
      if (result.cancelled && !images) await this.#offerResume(await this.#store.get('run'), false);
      this.dispatchEvent(new CustomEvent('tabtune-done', { detail: result, bubbles: true, composed: true }));
    } catch (e) {
      state = e.state ?? (this.#engineLost ? null : await this.#tt.state().catch(() => null));
      this.#applyState(state); // with the message, as "Done" is
      this.#fail(e, u.progress);
      refused = e.message;
      showSettingError({ ...u.fields, ...u.strategy.controls }, u.advanced, refused); // with the message, not after the awaits
      await this.#saving;
      if (!images) await this.#offerResume(await this.#store.get('run'), false);
    }
    this.#runId = null;
    if (images) this.#img.ended(); else this.#teach.ended(refused ? null : result);
    u.cancel.disabled = true; u.init.disabled = false;
    this.#applyState(state);
    this.#checkSettings();
    // a setting the core refused: its message also at its control, every value as the user left it
    if (refused) showSettingError({ ...u.fields, ...u.strategy.controls }, u.advanced, refused);
  }

  /** Puts `config` (a search result's, or contrastive mode) into the settings; trains it if `train`. */
  #trainWith(config, train = true) {
    const u = this.#ui;
    for (const [key, f] of Object.entries(u.fields)) if (config[key] !== undefined) f.input.value = config[key] === 'all' ? f.max : config[key];
    if (train) setValues(u.advanced, config);
    setStrategy(u.strategy, train ? config : { ...readStrategy(u.strategy), ...config });
    if (train) this.#train(); else this.#checkSettings();
  }

  /** Saves a checkpoint record; says so, or says why not (nothing saved before is lost). */
  async #keep(record) {
    try {
      await saveCheckpoint(this.#store, record);
      this.#ui.forget.hidden = false;
      this.#ui.saveNote.textContent = '';
      this.#ui.resumeNote.textContent = savedText(record);
    } catch (e) {
      this.#ui.saveNote.textContent = saveError(e, recordBytes(record));
    }
  }

  /** Shows “Resume run” for a run that stopped (a reload, a crash, a lost device, a cancel). */
  async #offerResume(run, restoreData = true) {
    const u = this.#ui;
    if (!run?.checkpoint || run.status === 'finished') return;
    if (restoreData && run.data) await this.#useData(new File([run.data.blob], run.data.name), run.data.options);
    u.resume.hidden = false;
    u.resumeNote.textContent = resumeText(run);
    u.forget.hidden = false;
  }

  async #resume() {
    const run = await this.#store.get('run');
    if (!run) return;
    try {
      if (this.#engineLost) await this.#startEngine();
      if (this.#model?.fingerprint !== run.base_fingerprint) {
        await this.#loadModel(run.model_url);
        const saved = await this.#store.get('model');
        if (saved && run.settings.init === 'continue') await this.#restoreModel(saved);
      }
      await this.#useData(new File([run.data.blob], run.data.name), run.data.options);
      await this.#train(run);
    } catch (e) { this.#fail(e, this.#ui.progress); }
  }

  #showMetrics(e) { this.#ui.metrics.replaceChildren(...epochMetrics(e)); }

  async #checkDevice(file) {
    if (this.#runId || this.#searching) { this.#ui.diagnostics.out.textContent = 'A run or search is going: check the device when it has finished.'; return; }
    this.#ui.train.disabled = true;
    await checkDevice(this.#tt, file, this.#ui.diagnostics);
    this.#checkSettings();
  }
}

customElements.define('tabtune-trainer', TabtuneTrainer);
