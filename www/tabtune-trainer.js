// <tabtune-trainer>: drop a file, pick columns, train MiniLM in a worker, watch it learn, try
// it, download it. Self-contained (shadow DOM). Attributes: model (base URL in the HF layout),
// data (URL of a sample file), layers, epochs, compact. Events: tabtune-epoch, tabtune-done,
// tabtune-error (bubbling, composed).
//   <script type="module" src="/tabtune-trainer.js"></script>
//   <tabtune-trainer data="/samples/movie-reviews.csv"></tabtune-trainer>
import { Tabtune } from './tabtune.js';
import { UPLOT_CSS, trainingCharts } from './trainer/charts.js';
import { CSS } from './trainer/styles.js';
import { storeFor } from './trainer/store.js';
import { bars, confusion, download, el, formatSeconds, table } from './trainer/view.js';
import { zipSync } from './node_modules/fflate/esm/browser.js';

const DEFAULT_MODEL = new URL('./models/all-MiniLM-L6-v2/', import.meta.url).href;
// key, label, default, min, max, integer
const SETTINGS = [
  ['layers', 'Trainable layers', 1, 0, 6, true], ['epochs', 'Epochs', 2, 1, 50, true],
  ['lr', 'Learning rate', 1e-4, 1e-7, 0.1, false], ['batch_size', 'Batch size', 16, 1, 512, true],
  ['max_len', 'Max length (tokens)', 64, 8, 512, true], ['val_split', 'Validation share', 0.1, 0, 0.9, false],
  ['seed', 'Seed', 0, 0, 2 ** 31, true],
];
const PYTHON = `from transformers import AutoModel
from safetensors.torch import load_file
encoder = AutoModel.from_pretrained("tabtune-model")       # the unzipped folder
head = load_file("tabtune-model/model.safetensors")          # classifier.weight, classifier.bias
# logits = mean-pooled encoder output @ head["classifier.weight"].T + head["classifier.bias"]`;

class TabtuneTrainer extends HTMLElement {
  #ui = {};
  #tt = null;
  #model = null;
  #source = null; // the data as given (File or text), re-read when the columns change
  #labels = [];
  #predictTimer = 0;
  #charts = null;
  #store = null;
  #backendLine = '';

  connectedCallback() {
    if (this.shadowRoot) return;
    this.#store = storeFor(`${location.pathname}#${this.id || 'tabtune-trainer'}`);
    const root = this.attachShadow({ mode: 'open' });
    root.append(el('style', { text: CSS }), el('link', { rel: 'stylesheet', href: UPLOT_CSS }), this.#build());
    this.#start().catch((e) => this.#fail(e));
  }

  #build() {
    const u = this.#ui;
    u.status = el('p', { role: 'status', 'aria-live': 'polite', text: 'Starting…' });
    u.modelLine = el('p');
    u.modelUrl = el('input', { type: 'url', size: 36, 'aria-label': 'Model base URL', placeholder: 'https://example.org/my-model/' });
    u.modelDir = el('input', { type: 'file', webkitdirectory: true, onchange: () => this.#loadModelFolder() });
    u.forget = el('button', { class: 'secondary', hidden: true, text: 'Forget the saved model', onclick: () => this.#forget() });
    u.modelSource = el('details', {}, el('summary', { text: 'Use another model' }),
      el('div', { class: 'row' },
        el('label', {}, 'A folder in the Hugging Face layout', u.modelDir),
        el('label', {}, 'or its base URL', u.modelUrl),
        el('button', { class: 'secondary', text: 'Load from URL', onclick: () => u.modelUrl.value && this.#loadModel(u.modelUrl.value) })),
      el('div', { class: 'row' },
        el('button', { class: 'secondary', text: 'Clear the download cache', onclick: () => this.#clearCache() }), u.forget));
    u.file = el('input', { type: 'file', accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,text/csv', onchange: () => u.file.files[0] && this.#useData(u.file.files[0]) });
    u.sample = el('button', { class: 'secondary', disabled: true, text: 'Use sample data', onclick: () => this.#useSample() });
    u.drop = el('div', { class: 'drop' }, el('label', {}, 'Drop a CSV, TSV or JSONL file here, or choose one', u.file), u.sample);
    u.drop.addEventListener('dragover', (e) => { e.preventDefault(); u.drop.classList.add('over'); });
    u.drop.addEventListener('dragleave', () => u.drop.classList.remove('over'));
    u.drop.addEventListener('drop', (e) => { e.preventDefault(); u.drop.classList.remove('over'); e.dataTransfer.files[0] && this.#useData(e.dataTransfer.files[0]); });
    u.dataError = el('p', { class: 'error', role: 'alert' });
    u.textCol = el('select', { onchange: () => this.#reloadData() });
    u.labelCol = el('select', { onchange: () => this.#reloadData() });
    u.columns = el('div', { class: 'row', hidden: true }, el('label', {}, 'Text column', u.textCol), el('label', {}, 'Label column', u.labelCol));
    u.dataInfo = el('div');
    u.truncated = el('p', { class: 'note', 'aria-live': 'polite' });

    u.fields = {};
    const settings = SETTINGS.map(([key, label, def, min, max, int]) => {
      const value = this.getAttribute(key) ?? def;
      const input = el('input', { type: 'number', name: key, value, min, max, step: int ? 1 : 'any', oninput: () => this.#checkSettings() });
      const error = el('span', { class: 'field-error', 'aria-live': 'polite' });
      u.fields[key] = { input, error, min, max, int, label };
      return el('label', {}, label, input, error);
    });
    u.layers = el('div', { class: 'layers', 'aria-label': 'Encoder blocks: frozen and trained' });
    u.params = el('p', { class: 'note' });

    u.train = el('button', { disabled: true, text: 'Train', onclick: () => this.#train() });
    u.cancel = el('button', { class: 'secondary', disabled: true, text: 'Cancel', onclick: () => this.#tt?.cancel() });
    u.bar = el('progress', { value: 0, max: 1, 'aria-label': 'Training progress' });
    u.progress = el('p', { 'aria-live': 'polite' });
    u.lossChart = el('div', { 'data-chart': 'loss' });
    u.epochChart = el('div', { 'data-chart': 'epochs' });
    u.metrics = el('div', { 'aria-live': 'polite' });

    u.text = el('input', { type: 'text', size: 40, disabled: true, 'aria-label': 'Text to classify', placeholder: 'Type a text to classify', oninput: () => this.#schedulePredict() });
    u.prediction = el('div', { 'aria-live': 'polite' });
    u.predictFile = el('input', { type: 'file', disabled: true, accept: '.txt,.csv,.tsv,.jsonl', onchange: () => u.predictFile.files[0] && this.#predictFile(u.predictFile.files[0]) });
    u.download = el('button', { disabled: true, text: 'Download model (.zip)', onclick: () => this.#download() });

    return el('div', {},
      u.status,
      el('section', { 'aria-labelledby': 'h-model' }, el('h2', { id: 'h-model', text: 'Model' }), u.modelLine, u.modelSource),
      el('section', { 'aria-labelledby': 'h-data' }, el('h2', { id: 'h-data', text: '1. Data' }), u.drop, u.dataError, u.columns, u.dataInfo, u.truncated),
      el('section', { 'aria-labelledby': 'h-set' }, el('h2', { id: 'h-set', text: '2. Settings' }), el('div', { class: 'row' }, ...settings), u.layers, u.params),
      el('section', { 'aria-labelledby': 'h-train' }, el('h2', { id: 'h-train', text: '3. Train' }),
        el('div', { class: 'row' }, u.train, u.cancel), u.bar, u.progress, el('div', { class: 'charts' }, u.lossChart, u.epochChart), u.metrics),
      el('section', { 'aria-labelledby': 'h-try' }, el('h2', { id: 'h-try', text: '4. Try it' }), u.text, u.prediction,
        el('label', {}, 'Predict a whole file (one text per line, or a CSV / TSV / JSONL text column); you get a CSV back', u.predictFile)),
      el('section', { 'aria-labelledby': 'h-home' }, el('h2', { id: 'h-home', text: '5. Take it home' }), u.download,
        el('p', { class: 'note', text: 'The zip is a Hugging Face folder (config.json with id2label, model.safetensors, tokenizer.json). In Python:' }),
        el('pre', { text: PYTHON })));
  }

  async #start() {
    this.#tt = await Tabtune.create({ backend: this.getAttribute('backend') || 'auto' });
    const b = this.#tt.backend;
    this.#backendLine = `Backend: ${b.kind === 'webgpu' ? 'WebGPU' : 'CPU'} (${b.adapter}) — ${b.reason}.`;
    const saved = await this.#store.get('model');
    if (saved) {
      this.#say(`${this.#backendLine} Restoring your last fine-tuned model…`);
      const bytes = async (blob) => blob.arrayBuffer();
      const [config, weights, tokenizer] = await Promise.all([saved.config, saved.weights, saved.tokenizer].map(bytes));
      await this.#setModel(() => this.#tt.loadModel({ config, weights, tokenizer }), `your model fine-tuned on ${new Date(saved.date).toLocaleString()} (saved in this browser)`);
    } else {
      const url = this.getAttribute('model') ? new URL(this.getAttribute('model'), document.baseURI).href : DEFAULT_MODEL;
      await this.#loadModel(url);
    }
    const settings = (await this.#store.get('settings')) || {};
    for (const [key, f] of Object.entries(this.#ui.fields)) {
      if (!this.hasAttribute(key) && settings[key] !== undefined) f.input.value = settings[key];
    }
    const run = await this.#store.get('run');
    if (run && saved) this.#restoreRun(run);
    this.#ui.sample.disabled = !this.getAttribute('data');
    this.#checkSettings();
  }

  /** Loads a model through `load` (a function returning tt.loadModel's promise), named `name`. */
  async #setModel(load, name) {
    try {
      this.#model = await load();
      this.#ui.fields.layers.max = this.#model.layers;
      this.#ui.fields.layers.input.max = this.#model.layers;
      this.#ui.modelLine.textContent = `Model: ${name}; ${this.#model.layers} layers, ${this.#model.hidden_size} wide.`;
      this.#say(`Ready. ${this.#backendLine}`);
      const trained = Boolean(this.#model.labels);
      this.#ui.text.disabled = this.#ui.predictFile.disabled = this.#ui.download.disabled = !trained;
      this.#checkSettings();
    } catch (e) { this.#fail(e); }
  }

  #loadModel(url) {
    return this.#setModel(() => this.#tt.loadModel(url, {
      on_progress: (p) => this.#say(`Loading ${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}${p.cached ? ' (from this browser’s cache)' : ''}`),
    }), url === DEFAULT_MODEL ? 'all-MiniLM-L6-v2 (bundled)' : url);
  }

  async #loadModelFolder() {
    const files = Object.fromEntries([...this.#ui.modelDir.files].map((f) => [f.name, f]));
    const need = ['config.json', 'model.safetensors', 'tokenizer.json'];
    const missing = need.filter((n) => !files[n]);
    if (missing.length) { this.#fail(new Error(`the folder has no ${missing.join(', ')}: choose a model folder in the Hugging Face layout`)); return; }
    const [config, weights, tokenizer] = await Promise.all(need.map((n) => files[n].arrayBuffer()));
    await this.#setModel(() => this.#tt.loadModel({ config, weights, tokenizer }), `the folder ${files['config.json'].webkitRelativePath.split('/')[0] || 'you chose'}`);
  }

  async #clearCache() {
    const removed = self.caches ? await caches.delete('tabtune-models-v1') : false;
    this.#say(removed ? 'The downloaded model files were removed from this browser’s cache; the next visit downloads them again.' : 'Nothing was cached.');
  }

  async #forget() {
    await Promise.all(['model', 'run'].map((k) => this.#store.delete(k)));
    this.#ui.forget.hidden = true;
    await this.#loadModel(this.getAttribute('model') ? new URL(this.getAttribute('model'), document.baseURI).href : DEFAULT_MODEL);
  }

  #restoreRun(run) {
    if (!this.#charts) this.#charts = trainingCharts(this.#ui.lossChart, this.#ui.epochChart);
    for (const e of run.epochs) if (e.val_loss !== null) this.#charts.epochs.push(e.epoch, e.val_loss, e.val_acc);
    const last = run.epochs.at(-1);
    if (last) this.#showMetrics(last);
    this.#ui.progress.textContent = `Your last run, finished ${new Date(run.date).toLocaleString()}, restored.`;
    this.#ui.forget.hidden = false;
  }

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
    const u = this.#ui;
    const options = (select, chosen) => select.replaceChildren(...info.columns.map((c) => el('option', { value: c, text: c, selected: c === chosen })));
    options(u.textCol, info.text_column);
    options(u.labelCol, info.label_column);
    u.columns.hidden = false;
    this.#labels = info.labels;
    const dropped = `Dropped ${info.dropped.empty_text} rows with an empty text and ${info.dropped.duplicate} duplicates.`;
    // a tab trains a few dozen rows a second on a CPU: say so before a long run
    const large = info.rows > 20_000 ? el('p', { class: 'note', role: 'note', text: `That is a large file (${info.rows.toLocaleString()} rows): every epoch runs over all of them, which can take a long time in a browser. A first run on a few thousand rows shows quickly whether it learns.` }) : null;
    u.dataInfo.replaceChildren(large,
      el('p', { text: `${info.rows} rows; text column “${info.text_column}”, label column “${info.label_column}”${info.inferred_columns ? ' (guessed: change them above)' : ''}. ${dropped}` }),
      table('First rows', ['text', 'label'], info.preview.map((r) => [r.text, r.label]), { rowHeads: false }),
      bars('Rows per class', info.labels.map((l) => ({ label: l, value: info.classes[l] }))));
  }

  /** Checks every field; shows each problem at its field. Returns the settings, or null. */
  #checkSettings() {
    const u = this.#ui;
    const config = {};
    let ok = true;
    for (const [key, f] of Object.entries(u.fields)) {
      const v = Number(f.input.value);
      let problem = '';
      if (f.input.value.trim() === '' || !Number.isFinite(v)) problem = 'enter a number';
      else if (f.int && !Number.isInteger(v)) problem = 'must be a whole number';
      else if (v < f.min || v > f.max) problem = `must be between ${f.min} and ${f.max}`;
      f.error.textContent = problem;
      f.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
      ok &&= !problem;
      config[key] = v;
    }
    this.#drawLayers(ok ? config.layers : null);
    u.train.disabled = !ok || !this.#source || !this.#tt;
    return ok ? config : null;
  }

  #drawLayers(k) {
    const m = this.#model;
    if (!m || k === null) return;
    const blocks = [el('span', { class: 'block frozen', text: 'embeddings' })];
    for (let i = 0; i < m.layers; i++) {
      const trained = i >= m.layers - k;
      blocks.push(el('span', { class: `block ${trained ? 'trained' : 'frozen'}`, text: `layer ${i + 1}${trained ? ' (trained)' : ''}` }));
    }
    blocks.push(el('span', { class: 'block trained', text: 'head (trained)' }));
    this.#ui.layers.replaceChildren(...blocks);
    const h = m.hidden_size, f = m.intermediate_size;
    const perLayer = 4 * h * h + 4 * h + 2 * h * f + f + h + 4 * h; // attention, FFN, two LayerNorms
    const classes = Math.max(2, this.#labels.length);
    const n = k * perLayer + h * classes + classes;
    this.#ui.params.textContent = `${n.toLocaleString()} trainable parameters (${k} of ${m.layers} layers + the head); the rest stays frozen and runs once.`;
  }

  async #train() {
    const config = this.#checkSettings();
    if (!config) return;
    const u = this.#ui;
    u.train.disabled = true; u.cancel.disabled = false; u.download.disabled = true; u.text.disabled = true; u.predictFile.disabled = true;
    this.#store.put('settings', config).catch(() => {});
    u.metrics.replaceChildren();
    if (!this.#charts) this.#charts = trainingCharts(u.lossChart, u.epochChart);
    this.#charts.loss.reset(); this.#charts.epochs.reset();
    try {
      const result = await this.#tt.train(config, {
        on_progress: (p) => {
          if (p.phase !== 'prepare') return;
          u.progress.textContent = `Running the frozen layers once over the data: ${p.done} of ${p.total} rows`;
          const n = p.info.truncated;
          u.truncated.textContent = n ? `${n} ${n === 1 ? 'text is' : 'texts are'} longer than ${config.max_len} tokens and ${n === 1 ? 'was' : 'were'} cut to that length (raise “Max length” to keep more).` : '';
        },
        on_step: (s) => {
          u.bar.max = s.total_steps; u.bar.value = s.step;
          if (s.step === 1) { this.#say(`Ready. ${this.#backendLine} First step (warm-up): ${s.seconds.toFixed(1)} s.`); }
          const rate = (s.step * config.batch_size) / Math.max(s.seconds, 1e-9);
          u.progress.textContent = `Step ${s.step} of ${s.total_steps} · epoch ${s.epoch} · ${rate.toFixed(1)} samples/s · ETA ${formatSeconds(s.eta_s)}`;
          if (s.loss !== null) this.#charts.loss.push(s.step, s.loss);
        },
        on_epoch: (e) => {
          if (e.val_loss !== null) this.#charts.epochs.push(e.epoch, e.val_loss, e.val_acc);
          this.#showMetrics(e);
          this.dispatchEvent(new CustomEvent('tabtune-epoch', { detail: e, bubbles: true, composed: true }));
        },
      });
      u.progress.textContent = result.cancelled ? 'Cancelled: the model keeps what it learned so far.' : `Done in ${formatSeconds(result.seconds)}.`;
      if (!result.cancelled) await this.#save(result);
      this.dispatchEvent(new CustomEvent('tabtune-done', { detail: result, bubbles: true, composed: true }));
    } catch (e) {
      this.#fail(e, u.progress);
    }
    u.cancel.disabled = true; u.text.disabled = false; u.download.disabled = false; u.predictFile.disabled = false;
    this.#model.labels = this.#labels;
    this.#checkSettings();
  }

  /** Keeps the finished run's metrics and its model in this browser until the user forgets them. */
  async #save(result) {
    try {
      const date = Date.now();
      await this.#store.put('run', { epochs: result.epochs, seconds: result.seconds, date });
      const files = await this.#tt.exportModel();
      await this.#store.put('model', { config: files['config.json'], weights: files['model.safetensors'], tokenizer: files['tokenizer.json'], date });
      this.#ui.forget.hidden = false;
    } catch (e) {
      this.#ui.progress.textContent += ` (It could not be saved in this browser: ${e.message}.)`;
    }
  }

  async #predictFile(file) {
    try {
      const rows = await this.#tt.predictFile(file);
      const labels = Object.keys(rows[0]?.probs || {});
      const cell = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
      const csv = [['text', 'label', ...labels.map((l) => `p_${l}`)], ...rows.map((r) => [r.text, r.label, ...labels.map((l) => r.probs[l].toFixed(6))])]
        .map((r) => r.map(cell).join(',')).join('\n') + '\n';
      download(new Blob([csv], { type: 'text/csv' }), file.name.replace(/\.[^.]*$/, '') + '-predictions.csv');
      this.#ui.prediction.replaceChildren(el('p', { text: `Predicted ${rows.length} texts from ${file.name}; the CSV was downloaded.` }));
    } catch (e) { this.#fail(e, this.#ui.prediction); }
  }

  #showMetrics(e) {
    if (!e.per_class) {
      this.#ui.metrics.replaceChildren(el('p', { text: `Epoch ${e.epoch}: train loss ${e.train_loss.toFixed(4)} (no validation rows)` }));
      return;
    }
    const pct = (v) => `${(v * 100).toFixed(1)} %`;
    this.#ui.metrics.replaceChildren(
      el('p', { text: `Epoch ${e.epoch}: validation accuracy ${pct(e.val_acc)}, macro-F1 ${pct(e.val_macro_f1)}, train loss ${e.train_loss.toFixed(4)}` }),
      table('Per class (validation)', ['class', 'precision', 'recall', 'F1', 'rows'], e.per_class.map((c) => [c.label, pct(c.precision), pct(c.recall), pct(c.f1), c.support])),
      confusion(e.per_class.map((c) => c.label), e.confusion));
  }

  #schedulePredict() {
    clearTimeout(this.#predictTimer);
    this.#predictTimer = setTimeout(() => this.#predict(), 250);
  }

  async #predict() {
    const text = this.#ui.text.value.trim();
    if (!text) { this.#ui.prediction.replaceChildren(); return; }
    try {
      const [p] = await this.#tt.predict([text]);
      const pct = (v) => `${(v * 100).toFixed(1)} %`;
      this.#ui.prediction.replaceChildren(el('p', { class: 'predicted', text: `Predicted: ${p.label}` }),
        bars('Probability per class', Object.entries(p.probs).map(([label, value]) => ({ label, value })), pct, 1));
    } catch (e) { this.#fail(e, this.#ui.prediction); }
  }

  async #download() {
    try {
      const files = await this.#tt.exportModel();
      const entries = {};
      for (const [name, blob] of Object.entries(files)) entries[`tabtune-model/${name}`] = new Uint8Array(await blob.arrayBuffer());
      download(new Blob([zipSync(entries, { level: 0 })], { type: 'application/zip' }), 'tabtune-model.zip');
    } catch (e) { this.#fail(e); }
  }
}

customElements.define('tabtune-trainer', TabtuneTrainer);
