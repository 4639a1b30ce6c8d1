// <tabtune-trainer>: drop a file, pick columns, train MiniLM in a worker, watch it learn, try
// it, download it. Self-contained (shadow DOM). Attributes: model (base URL in the HF layout),
// data (URL of a sample file), layers, epochs, compact. Events: tabtune-epoch, tabtune-done,
// tabtune-error (bubbling, composed).
//   <script type="module" src="/tabtune-trainer.js"></script>
//   <tabtune-trainer data="/samples/movie-reviews.csv"></tabtune-trainer>
import { Tabtune } from './tabtune.js';
import { UPLOT_CSS, trainingCharts } from './trainer/charts.js';
import { CSS } from './trainer/styles.js';
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

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.append(el('style', { text: CSS }), el('link', { rel: 'stylesheet', href: UPLOT_CSS }), this.#build());
    this.#start().catch((e) => this.#fail(e));
  }

  #build() {
    const u = this.#ui;
    u.status = el('p', { role: 'status', 'aria-live': 'polite', text: 'Starting…' });
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
    u.download = el('button', { disabled: true, text: 'Download model (.zip)', onclick: () => this.#download() });

    return el('div', {},
      u.status,
      el('section', { 'aria-labelledby': 'h-data' }, el('h2', { id: 'h-data', text: '1. Data' }), u.drop, u.dataError, u.columns, u.dataInfo),
      el('section', { 'aria-labelledby': 'h-set' }, el('h2', { id: 'h-set', text: '2. Settings' }), el('div', { class: 'row' }, ...settings), u.layers, u.params),
      el('section', { 'aria-labelledby': 'h-train' }, el('h2', { id: 'h-train', text: '3. Train' }),
        el('div', { class: 'row' }, u.train, u.cancel), u.bar, u.progress, el('div', { class: 'charts' }, u.lossChart, u.epochChart), u.metrics),
      el('section', { 'aria-labelledby': 'h-try' }, el('h2', { id: 'h-try', text: '4. Try it' }), u.text, u.prediction),
      el('section', { 'aria-labelledby': 'h-home' }, el('h2', { id: 'h-home', text: '5. Take it home' }), u.download,
        el('p', { class: 'note', text: 'The zip is a Hugging Face folder (config.json with id2label, model.safetensors, tokenizer.json). In Python:' }),
        el('pre', { text: PYTHON })));
  }

  async #start() {
    this.#tt = await Tabtune.create({ backend: this.getAttribute('backend') || 'auto' });
    const b = this.#tt.backend;
    const backendLine = `Backend: ${b.kind === 'webgpu' ? 'WebGPU' : 'CPU'} (${b.adapter}) — ${b.reason}.`;
    this.#say(`${backendLine} Loading the model…`);
    const model = this.getAttribute('model') ? new URL(this.getAttribute('model'), document.baseURI).href : DEFAULT_MODEL;
    this.#model = await this.#tt.loadModel(model, {
      on_progress: (p) => this.#say(`Loading ${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}${p.cached ? ' (from this browser’s cache)' : ''}`),
    });
    this.#ui.fields.layers.max = this.#model.layers;
    this.#ui.fields.layers.input.max = this.#model.layers;
    this.#say(`Ready. ${backendLine}`);
    this.#ui.sample.disabled = !this.getAttribute('data');
    this.#checkSettings();
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
    u.train.disabled = true;
    try {
      const info = await this.#tt.loadData(source, options);
      this.#source = source;
      this.#showData(info);
      this.#checkSettings();
    } catch (e) {
      u.dataInfo.replaceChildren();
      this.#fail(e, u.dataError);
    }
  }

  #reloadData() {
    if (this.#source) this.#useData(this.#source, { text_column: this.#ui.textCol.value, label_column: this.#ui.labelCol.value });
  }

  #showData(info) {
    const u = this.#ui;
    const options = (select, chosen) => select.replaceChildren(...info.columns.map((c) => el('option', { value: c, text: c, selected: c === chosen })));
    options(u.textCol, info.text_column);
    options(u.labelCol, info.label_column);
    u.columns.hidden = false;
    this.#labels = info.labels;
    const dropped = `Dropped ${info.dropped.empty_text} rows with an empty text and ${info.dropped.duplicate} duplicates.`;
    u.dataInfo.replaceChildren(
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
    u.train.disabled = true; u.cancel.disabled = false; u.download.disabled = true; u.text.disabled = true;
    u.metrics.replaceChildren();
    if (!this.#charts) this.#charts = trainingCharts(u.lossChart, u.epochChart);
    this.#charts.loss.reset(); this.#charts.epochs.reset();
    try {
      const result = await this.#tt.train(config, {
        on_progress: (p) => p.phase === 'prepare' && (u.progress.textContent = `Running the frozen layers once over the data: ${p.done} of ${p.total} rows`),
        on_step: (s) => {
          u.bar.max = s.total_steps; u.bar.value = s.step;
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
      this.dispatchEvent(new CustomEvent('tabtune-done', { detail: result, bubbles: true, composed: true }));
    } catch (e) {
      this.#fail(e, u.progress);
    }
    u.cancel.disabled = true; u.text.disabled = false; u.download.disabled = false;
    this.#checkSettings();
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
