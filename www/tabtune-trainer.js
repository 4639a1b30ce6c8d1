// <tabtune-trainer>: drop a file, pick columns, train MiniLM in a worker, watch it learn, try
// it, download it. Self-contained (shadow DOM). Attributes: model (base URL in the HF layout),
// data (URL of a sample file), layers (Text mode's trainable layers), blocks (Images mode's
// trainable blocks), epochs, compact, teaching (the teaching view: see trainer/teach/),
// projector, mode ("images" or "sounds" opens that mode: trainer/images/, trainer/sounds/),
// image-model (the image model's base URL), images-data (a zip of class folders: the sample
// images), sound-model and sounds-data (the same for sounds). Events: tabtune-epoch,
// tabtune-done, tabtune-error (bubbling, composed).
//   <script type="module" src="/tabtune-trainer.js"></script>
//   <tabtune-trainer data="/samples/movie-reviews.csv"></tabtune-trainer>
// The element only wires the modules of trainer/: layout.js builds the DOM, settings.js (with
// advanced.js, strategy.js) the settings, data.js the text data, train.js a run and its resume,
// runs.js + store.js what is kept in this browser, charts.js, results.js, tryit.js + export.js,
// search.js, teach/, mode.js (the Train on switch), images/ and sounds/ (each kind's own, on
// kinds/: what the two share). It holds the engine (a Tabtune) and the base model.
import { Tabtune } from './tabtune.js';
import { UPLOT_CSS } from './trainer/charts.js';
import { readAdvanced, setDefaults, setValues } from './trainer/advanced.js';
import { checkDevice } from './trainer/diagnostics.js';
import { textData } from './trainer/data.js';
import { downloadText, readModelFolder } from './trainer/export.js';
import { tryIt } from './trainer/tryit.js';
import { CSS } from './trainer/styles.js';
import { clearModelCache, storeFor } from './trainer/store.js';
import { buildUi } from './trainer/layout.js';
import { trainSection } from './trainer/train.js';
import { checkFields, drawLayers, fieldsFor, restoreFields } from './trainer/settings.js';
import { readStrategy, setStrategy } from './trainer/strategy.js';
import { syncSearch } from './trainer/search.js';
import { el } from './trainer/dom.js';
import { DEFAULT_MODEL, modelName, modelSample, showModel } from './trainer/base-models.js';
import { teachView } from './trainer/teach/view.js';
import { imagesView } from './trainer/images/view.js';
import { imageSide } from './trainer/images/train.js';
import { soundsView } from './trainer/sounds/view.js';
import { soundSide } from './trainer/sounds/train.js';
import { modeSwitch } from './trainer/mode.js';

class TabtuneTrainer extends HTMLElement {
  #ui = {};
  #tt = null;
  #model = null;
  #try = tryIt(() => this.#ui, () => this.#tt, (e, where) => this.#fail(e, where));
  #store = null;
  #backendLine = '';
  #modelUrl = null; // where the loaded base model came from, so a saved run can refer to it
  #searching = false; // a search holds the worker's run slot: no training meanwhile
  #engineLost = false;
  #reviving = null;
  #modelFiles = null; // a model loaded from a folder: its files, to load again in a new engine
  #teach = teachView(this, () => this.#tt, (e, where) => this.#fail(e, where));
  // the first engine: data picked before it has started waits for it (data.js, kinds/panel.js)
  #firstEngine = Promise.withResolvers();
  #engineSoon = () => this.#tt ?? this.#firstEngine.promise;
  // Text / Images / Sounds: the data panels, and what an image or sound run does differently
  #images = imagesView(this.#engineSoon, () => this.#checkSettings(), () => this.getAttribute('images-data'));
  #sounds = soundsView(this.#engineSoon, () => this.#checkSettings(), () => this.getAttribute('sounds-data'));
  #modes = modeSwitch({ images: this.#images, sounds: this.#sounds }, (mode) => { this.#img?.setMode(mode); this.#snd?.setMode(mode); this.#checkSettings(); });
  #img = null;
  #snd = null;
  #data = textData({ ui: () => this.#ui, tt: this.#engineSoon, store: () => this.#store, sample: () => modelSample(this.#modelUrl)?.url ?? this.getAttribute('data'),
    changed: () => this.#checkSettings(), fail: (e, where) => this.#fail(e, where), trainWith: (c) => this.#run.trainWith(c, false) });
  #run = trainSection({ element: this, ui: () => this.#ui, tt: () => this.#tt, store: () => this.#store, teach: this.#teach,
    side: (task) => ({ image: this.#img, audio: this.#snd })[task] ?? null, sides: () => [this.#img, this.#snd],
    model: () => ({ url: this.#modelUrl, fingerprint: this.#model?.fingerprint }), data: () => this.#data.record, dataTask: () => this.#data.task,
    engineLost: () => this.#engineLost, restartEngine: () => this.#startEngine(), revive: () => this.#revive(), loadModel: (url) => this.#loadModel(url),
    restoreModel: (saved) => this.#restoreModel(saved), applyChain: (chain) => this.#applyChain(chain), useData: (file, options) => this.#data.use(file, options),
    settings: () => this.#checkSettings(), applyState: (s) => this.#applyState(s), say: (t) => this.#say(t),
    ready: () => `Ready. ${this.#backendLine}`, fail: (e, where) => this.#fail(e, where) });

  connectedCallback() {
    if (this.shadowRoot) return;
    this.#store = storeFor(`${location.pathname}#${this.id || 'tabtune-trainer'}`);
    const root = this.attachShadow({ mode: 'open' });
    const on = {
      loadModelFolder: () => this.#loadModelFolder(), forget: () => this.#forget(), loadModel: (url) => this.#loadModel(url),
      clearCache: () => clearModelCache().then((t) => this.#say(t)), useData: (file) => this.#data.use(file), useSample: () => this.#data.useSample(),
      reloadData: () => this.#data.reload(), checkSettings: () => this.#checkSettings(), train: () => this.#run.train(),
      cancel: () => this.#run.cancel(), resume: () => this.#run.resume(),
      schedulePredict: () => this.#try.schedulePredict(), predictFile: (file) => this.#try.predictFile(file), download: (format) => this.#try.download(format),
      checkDevice: (file) => checkDevice(this.#tt, file, this.#ui, this.#run.busy || this.#searching).then(() => this.#checkSettings()),
      search: { tt: () => this.#tt, settings: () => this.#checkSettings(), trainWith: (c) => this.#run.trainWith(c),
        busy: (on) => { this.#searching = on; this.#checkSettings(); } },
    };
    const { root: ui, ui: controls } = buildUi(on, (name) => this.getAttribute(name));
    this.#ui = controls;
    const chartCss = el('link', { rel: 'stylesheet', href: UPLOT_CSS });
    root.append(el('style', { text: CSS }), chartCss, ui);
    this.#teach.mount(ui, controls);
    this.#modes.mount(controls.textData);
    this.#sounds.mount(controls.textData);
    this.#images.mount(controls.textData);
    const side = { host: this, ui: controls, tt: () => this.#tt, say: (t) => this.#say(t), fail: (e, where) => this.#fail(e, where),
      ready: () => `Ready. ${this.#backendLine}`, changed: () => this.#checkSettings(),
      store: () => this.#store, train: (run) => this.#run.train(run), applyState: (s) => this.#applyState(s) };
    this.#img = imageSide({ ...side, images: this.#images });
    this.#snd = soundSide({ ...side, sounds: this.#sounds });
    this.#img.mount(ui);
    this.#snd.mount(ui);
    if (['images', 'sounds'].includes(this.getAttribute('mode'))) this.#modes.set(this.getAttribute('mode'));
    // the empty charts once uPlot's stylesheet is in: drawn before it, their parts would move
    chartCss.addEventListener('load', () => this.#run.drawCharts(), { once: true });
    this.#start().catch((e) => { controls.load.done(); this.#fail(e); });
  }

  // the camera and the microphone go off with the widget (live prediction stops with them)
  disconnectedCallback() { this.#images.stopCamera(); this.#sounds.stopMic(); }

  async #start() {
    await this.#startEngine();
    await this.#kindModel();
    const defaults = await this.#tt.defaults();
    setDefaults(this.#ui.advanced, defaults);
    const saved = await this.#store.get('model');
    await this.#loadModel(saved?.model_url || this.#defaultModel());
    if (saved) await this.#restoreModel(saved);
    const settings = (await this.#store.get('settings')) || {};
    // each field's own saved value: Layers from the last text run, Blocks from the last image run
    restoreFields(this.#ui.fields, { text: settings, image: (await this.#store.get('image-settings')) || {} }, (name) => this.hasAttribute(name));
    setValues(this.#ui.advanced, settings);
    setStrategy(this.#ui.strategy, settings, defaults);
    const run = await this.#store.get('run');
    if (run) await this.#run.offerResume(run);
    this.#checkSettings();
  }

  #defaultModel() {
    return this.getAttribute('model') ? new URL(this.getAttribute('model'), document.baseURI).href : DEFAULT_MODEL;
  }

  /** A new worker and backend (at start, and after the GPU device was lost). */
  async #startEngine(backend = this.getAttribute('backend') || 'auto') {
    this.#tt?.dispose();
    this.#ui.load.engine();
    this.#tt = await Tabtune.create({ backend });
    this.#firstEngine.resolve(this.#tt);
    this.#tt.on_device_lost = (info) => this.#deviceLost(info);
    this.#tt.on_failed = (info) => this.#workerFailed(info);
    this.#engineLost = false;
    this.#model = null; // a new worker holds no model yet
    this.#img?.reset();
    this.#snd?.reset();
    const b = this.#tt.backend;
    // the CPU backend's adapter already reads "CPU (…)"
    this.#backendLine = `Backend: ${b.kind === 'webgpu' ? `WebGPU (${b.adapter})` : b.adapter} — ${b.reason}.`;
  }

  #deviceLost(info) {
    this.#engineLost = true;
    this.#say(`The GPU device was lost (${info.message}). What trained up to the last epoch is saved: press “Resume run” to go on from there.`);
    // idle or paused: a new engine at once (a run going gets one when it has stopped)
    if (!this.#run.busy) this.#revive().catch((e) => this.#fail(e));
  }

  #workerFailed(info) {
    this.#engineLost = true;
    this.#fail(new Error(`The engine stopped (${info.message}); a new one is starting. What trained up to the last epoch is saved: press “Resume run” to go on from there.`));
    if (!this.#run.busy) this.#revive().catch((e) => this.#fail(e));
  }

  /** A new engine after a lost device or a failed worker, holding what the page had: the base
   *  model, the fine-tuned model saved in this browser, the data, Images mode's model and images. */
  #revive() {
    this.#reviving ??= (async () => {
      const message = this.#ui.status.textContent;
      await this.#startEngine();
      await this.#kindModel();
      if (this.#modelFiles) await this.#setModel(() => this.#tt.loadModel(this.#modelFiles.files), this.#modelFiles.name);
      else await this.#loadModel(this.#modelUrl || this.#defaultModel());
      const saved = await this.#store.get('model');
      if (saved && saved.base_fingerprint === this.#model?.fingerprint) await this.#restoreModel(saved);
      const data = this.#data.record;
      if (data) await this.#data.use(new File([data.blob], data.name), data.options);
      await this.#images.restore();
      await this.#sounds.restore();
      this.#say(`${message} A new engine is ready.`);
    })().finally(() => { this.#reviving = null; });
    return this.#reviving;
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
    this.#snd.applyState(state);
  }

  /** Images or Sounds mode shown: its kind's model (the switch loads it once the engine is up). */
  #kindModel() {
    return { images: this.#img, sounds: this.#snd }[this.#modes.mode]?.load();
  }

  /** The last finished run's trained part, applied to its base model (after the runs it
   *  continued, in order), and its metrics. */
  async #restoreModel(saved) {
    try {
      if (!saved.checkpoint) throw new Error('it was saved by an older version of this page: train it again');
      if (saved.base_fingerprint !== this.#model?.fingerprint) throw new Error(`its base model (${saved.model_url}) could not be loaded`);
      if (saved.chain === null) throw new Error('it continued the model of a cancelled run, which this browser could not keep: train it again');
      const chain = [...(saved.chain ?? []), saved.checkpoint];
      this.#run.restored(chain, await this.#applyChain(chain));
      this.#ui.modelLine.textContent += ` Fine-tuned in this browser on ${new Date(saved.date).toLocaleString()}.`;
      this.#run.restoreRun(saved);
    } catch (e) {
      this.#fail(new Error(`Your saved model could not be restored: ${e.message}`));
    }
  }

  /** Finished checkpoints applied in order (each onto the model the one before made); the state. */
  async #applyChain(chain) {
    let state = null;
    for (const blob of chain) state = await this.#tt.loadTrained(await blob.arrayBuffer());
    this.#applyState(state);
    return state;
  }

  /** Loads a model through `load` (a function returning tt.loadModel's promise), named `name`. */
  async #setModel(load, name, loaded = () => {}) {
    try {
      this.#model = await load();
      loaded();
      showModel(this.#ui.modelMenu, this.#modelUrl);
      const sample = modelSample(this.#modelUrl); // a page that offers a sample offers the model's
      this.#ui.sample.textContent = sample ? `Use sample data (${sample.name})` : 'Use sample data';
      this.#applyState(await this.#tt.state());
      // the Layers field's bounds are the text model's (Blocks has its own: images/train.js)
      this.#ui.fields.layers.max = this.#ui.fields.layers.input.max = this.#model.layers;
      this.#ui.modelLine.textContent = `Model: ${name}; ${this.#model.layers} layers, ${this.#model.hidden_size} wide.`;
      this.#say(`Ready. ${this.#backendLine}`);
      this.#checkSettings();
    } catch (e) {
      showModel(this.#ui.modelMenu, this.#modelFiles ? null : this.#modelUrl); // the model that stays
      this.#fail(e);
    } finally { this.#ui.load.done(); }
  }

  #loadModel(url) {
    // the URL a saved run refers to changes only once its model has loaded (a failed load
    // leaves the model, and the URL, as they were)
    return this.#setModel(() => this.#tt.loadModel(url, {
      on_progress: (p) => {
        this.#say(downloadText(p));
        this.#ui.load.bytes(p);
        // "Ready" replaces the status: this note stays
        if (p.cache_error) this.#ui.cacheNote.textContent = `The model could not be kept in this browser’s cache (${p.cache_error}): it will be downloaded again next time.`;
      },
    }), modelName(url), () => { this.#modelUrl = url; this.#modelFiles = null; });
  }

  async #loadModelFolder() {
    try {
      const { files, name } = await readModelFolder(this.#ui.modelDir.files);
      // a run saved on it cannot reload it by itself; a new engine can (this page keeps the files)
      await this.#setModel(() => this.#tt.loadModel(files), name, () => { this.#modelUrl = null; this.#modelFiles = { files, name }; });
    } catch (e) { this.#fail(e); }
  }

  async #forget() {
    // mid-run the run would save itself again at its next epoch: cancel it first
    if (this.#run.busy) { this.#fail(new Error('A run is going: cancel it first, then forget the saved run.')); return; }
    await this.#store.replace({}, ['model', 'run']);
    this.#ui.forget.hidden = this.#ui.resume.hidden = true;
    this.#ui.resumeNote.textContent = this.#ui.saveNote.textContent = '';
    await this.#loadModel(this.#defaultModel());
  }

  #say(text) { this.#ui.status.textContent = text; this.#ui.status.className = ''; }

  #fail(e, where = this.#ui.status) {
    where.textContent = e.message || String(e);
    where.className = 'error';
    this.dispatchEvent(new CustomEvent('tabtune-error', { detail: { message: e.message || String(e) }, bubbles: true, composed: true }));
  }

  /** Checks the fields of the mode shown; shows each problem at its field. Returns the settings, or null. */
  #checkSettings() {
    const u = this.#ui;
    const busy = !this.#tt || this.#searching || this.#run.busy;
    if (this.#modes.mode === 'sounds') return this.#snd.check(readAdvanced(u.advanced, 'classification'), busy);
    const images = this.#modes.mode === 'images';
    const dataTask = this.#data.task;
    const [basic, advanced, strategy] = [checkFields(fieldsFor(u.fields, images ? 'image' : 'text')), readAdvanced(u.advanced, images ? 'classification' : dataTask), readStrategy(u.strategy)];
    if (images) return this.#img.check(basic, advanced, busy);
    const config = basic && advanced && strategy ? { ...basic, ...advanced, ...strategy } : null;
    const task = advanced?.task || dataTask || 'classification';
    if (basic) drawLayers(u, this.#model, basic.layers, task === 'regression' ? 1 : Math.max(2, this.#data.labels.length));
    // a run going (named by the worker or not yet) keeps Train off whatever field is edited
    u.train.disabled = !config || !this.#data.loaded || !this.#tt || this.#searching || this.#run.busy;
    u.search.run.disabled = u.train.disabled;
    syncSearch(u.search, config, task, u.advanced.monitors);
    return config;
  }
}

customElements.define('tabtune-trainer', TabtuneTrainer);
