// <tabtune-trainer>'s DOM: the status line and three panels side by side on a wide screen (the
// styles stack them on a narrow one): 1. Data, 2. Train (its settings below the Train button and
// the charts, so Train, the loss and the Try-it box share one screen), 3. Try it & take it home.
// What is used less (another model, the device check, Advanced, Find settings) opens in place,
// at the end of its panel, so opening it moves nothing above it.
// `on` holds the element's handlers and `attr(name)` reads its attributes; nothing here keeps
// state. User text only ever reaches the DOM through textContent (el()).
import { buildAdvanced } from './advanced.js';
import { buildDiagnostics } from './diagnostics.js';
import { buildSearch } from './search.js';
import { buildStrategy } from './strategy.js';
import { el, field } from './dom.js';
import { modelMenu } from './base-models.js';
import { loadBar } from './loading.js';

// name (the input's name and the element's attribute), label, default, min, max, integer; then
// { key: the core's RunConfig key (default: name), kind: the mode it belongs to ('text' |
// 'image'; none: both), help }. Layers and Blocks are two fields, each with its own value and
// bounds (the element sets max from the loaded model: its layers, its MBConv blocks).
export const SETTINGS = [
  ['layers', 'Trainable layers', 1, 0, 6, true, { kind: 'text', help: 'encoder layers trained, from the top (0: the head only)' }],
  ['blocks', 'Trainable blocks', 2, 0, 16, true, { key: 'layers', kind: 'image', help: 'MBConv blocks trained, from the top (0: the head conv and the new head only)' }],
  ['epochs', 'Epochs', 2, 1, 50, true], ['lr', 'Learning rate', 1e-4, 1e-7, 0.1, false], ['batch_size', 'Batch size', 16, 1, 512, true],
  ['max_len', 'Max length (tokens)', 64, 8, 512, true, { kind: 'text' }], ['val_split', 'Validation share', 0.1, 0, 0.9, false],
  ['seed', 'Seed', 0, 0, 2 ** 31, true],
];
export const PYTHON = `# Pooling [CLS]: the unzipped folder is a BertForSequenceClassification
from transformers import pipeline
pipeline("text-classification", model="tabtune-model", top_k=None)("a fine film")
# Pooling mean (default): the encoder, and the head applied to the mean over tokens
from transformers import AutoModel
from safetensors.torch import load_file
encoder = AutoModel.from_pretrained("tabtune-model")
head = load_file("tabtune-model/model.safetensors")          # classifier.weight, classifier.bias
# sentence-transformers zip: embeddings as tabtune embed gives them
from sentence_transformers import SentenceTransformer
SentenceTransformer("tabtune-sentence-transformers").encode(["a fine film"])`;

/** Builds the widget's DOM: { root, ui } where ui names every control the element updates. */
export function buildUi(on, attr) {
  const u = {};
  u.status = el('p', { role: 'status', 'aria-live': 'polite', text: 'Starting the engine (its WebAssembly is downloading)…' });
  u.load = loadBar();
  // worded before the model has loaded: the line keeps its room (no shift when it arrives)
  u.modelLine = el('p', { class: 'text-only', text: 'Model: loading…' });
  u.modelMenu = modelMenu((url) => on.loadModel(url), attr('model') ? new URL(attr('model'), document.baseURI).href : null);
  u.cacheNote = el('p', { class: 'note', 'aria-live': 'polite' });
  u.modelUrl = el('input', { type: 'url', size: 36, 'aria-label': 'Model base URL', placeholder: 'https://example.org/my-model/' });
  u.modelDir = el('input', { type: 'file', webkitdirectory: true, onchange: () => on.loadModelFolder() });
  u.forget = el('button', { class: 'secondary', hidden: true, text: 'Forget the saved run', onclick: () => on.forget() });
  u.modelSource = el('details', {}, el('summary', { text: 'Use another model' }),
    el('div', { class: 'row' },
      el('label', {}, 'A folder in the Hugging Face layout', u.modelDir),
      el('label', {}, 'or its base URL', u.modelUrl),
      el('button', { class: 'secondary', text: 'Load from URL', onclick: () => u.modelUrl.value && on.loadModel(u.modelUrl.value) })),
    el('div', { class: 'row' },
      el('button', { class: 'secondary', text: 'Clear the download cache', onclick: () => on.clearCache() }), u.forget));
  u.diagnostics = buildDiagnostics((file) => on.checkDevice(file));
  u.file = el('input', { type: 'file', accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,text/csv', onchange: () => u.file.files[0] && on.useData(u.file.files[0]) });
  // usable before the engine has started: what it reads waits for it (data.js)
  u.sample = el('button', { class: 'sample', disabled: !attr('data'), text: 'Use sample data', onclick: () => on.useSample() });
  u.drop = el('div', { class: 'drop' }, el('label', {}, 'Drop a CSV, TSV or JSONL file here, or choose one', u.file), u.sample);
  u.drop.addEventListener('dragover', (e) => { e.preventDefault(); u.drop.classList.add('over'); });
  u.drop.addEventListener('dragleave', () => u.drop.classList.remove('over'));
  u.drop.addEventListener('drop', (e) => { e.preventDefault(); u.drop.classList.remove('over'); e.dataTransfer.files[0] && on.useData(e.dataTransfer.files[0]); });
  u.dataError = el('p', { class: 'error', role: 'alert' });
  u.textCol = el('select', { onchange: () => on.reloadData() });
  u.labelCol = el('select', { onchange: () => on.reloadData() });
  u.columns = el('div', { class: 'row', hidden: true }, el('label', {}, 'Text column', u.textCol), el('label', {}, 'Label column', u.labelCol));
  u.dataInfo = el('div');
  u.truncated = el('p', { class: 'note', 'aria-live': 'polite' });
  // the text-mode data controls, in one box that the Images mode hides (images/view.js)
  u.textData = el('div', {}, u.drop, u.dataError, u.columns, u.dataInfo, u.truncated);

  u.fields = {};
  const settings = SETTINGS.map(([name, label, def, min, max, int, { key = name, kind, help } = {}]) => {
    const value = attr(name) ?? def;
    const input = el('input', { type: 'number', name, value, min, max, step: int ? 1 : 'any', oninput: () => on.checkSettings() });
    const { wrap, error } = field(label, input, { help });
    if (kind) wrap.classList.add(kind === 'image' ? 'image-only' : 'text-only');
    u.fields[name] = { input, error, min, max, int, label, name, key, kind };
    return wrap;
  });
  u.init = el('select', { name: 'init' },
    el('option', { value: 'pretrained', text: 'the pretrained model (a fresh head)' }),
    el('option', { value: 'continue', text: 'the model fine-tuned so far', disabled: true }));
  settings.push(el('label', {}, 'Start from', u.init));
  u.subsetOn = el('input', { type: 'checkbox', checked: true });
  u.subsetRows = el('input', { type: 'number', min: 10, step: 1, value: 2000, 'aria-label': 'Rows in the sample' });
  u.subset = el('div', { class: 'row', hidden: true }, el('label', { class: 'inline' }, u.subsetOn, 'Train on a sample of'), u.subsetRows, el('span', { text: 'rows (drawn per class, seeded)' }));
  u.layers = el('div', { class: 'layers', role: 'group', 'aria-label': 'Encoder blocks: frozen and trained' });
  u.params = el('p', { class: 'note' });
  u.advanced = buildAdvanced(() => on.checkSettings());
  u.strategy = buildStrategy(() => on.checkSettings());
  u.advanced.details.append(u.strategy.augmentWrap);
  u.search = buildSearch(on.search);
  // the basic settings, which Sounds mode swaps for its own (sounds/settings.js)
  u.settingsRow = el('div', { class: 'fields' }, ...settings);

  u.train = el('button', { disabled: true, text: 'Train', onclick: () => on.train() });
  u.cancel = el('button', { class: 'secondary', disabled: true, text: 'Cancel', onclick: () => on.cancel() });
  u.resume = el('button', { class: 'secondary', hidden: true, text: 'Resume run', onclick: () => on.resume() });
  // the run's state as the worker reports it (showRunState); the progress line below speaks it
  u.runState = el('span', { class: 'run-badge', 'data-state': 'idle' });
  u.runNotes = el('p', { class: 'note' });
  u.resumeNote = el('p', { class: 'note', 'aria-live': 'polite' });
  u.saveNote = el('p', { class: 'error', role: 'alert' });
  u.bar = el('progress', { value: 0, max: 1, 'aria-label': 'Training progress' });
  u.progress = el('p', { 'aria-live': 'polite' });
  u.stopNote = el('p', { class: 'note', 'aria-live': 'polite' });
  u.lossChart = el('div', { 'data-chart': 'loss' });
  u.lrChart = el('div', { 'data-chart': 'lr' });
  u.epochChart = el('div', { 'data-chart': 'epochs' });
  u.metrics = el('div', { class: 'metrics', 'aria-live': 'polite' });

  u.text = el('input', { type: 'text', size: 40, disabled: true, 'aria-label': 'Text to classify', placeholder: 'Type a text to classify', oninput: () => on.schedulePredict() });
  u.prediction = el('div', { 'aria-live': 'polite' });
  u.predictFile = el('input', { type: 'file', disabled: true, accept: '.txt,.csv,.tsv,.jsonl', onchange: () => u.predictFile.files[0] && on.predictFile(u.predictFile.files[0]) });
  // one fieldset, so the element's `u.download.disabled = …` turns all three on and off
  const exportButton = (text, format) => el('button', { type: 'button', text, onclick: () => on.download(format) });
  u.downloadError = el('p', { class: 'field-error', 'aria-live': 'polite' });
  u.download = el('fieldset', { class: 'row', disabled: true },
    el('legend', { text: 'Download the model' }),
    exportButton('Download model (.zip)', 'hf'), exportButton('sentence-transformers (.zip)', 'sentence-transformers'),
    exportButton('Download ONNX (.onnx)', 'onnx'));

  // the text-mode halves of Try it and Take it home: Images mode puts its own beside them
  u.tryText = el('div', { class: 'text-only' }, u.text, u.prediction,
    el('label', {}, 'Predict a whole file (one text per line, or a CSV / TSV / JSONL text column); you get a CSV back', u.predictFile));
  u.homeText = el('div', { class: 'text-only' }, u.download, u.downloadError,
    el('p', { class: 'note', text: 'The first zip is a Hugging Face folder (config.json with id2label, model.safetensors, tokenizer.json, and README.md: its model card, with the data, the settings, every epoch and the scores per class); with Pooling “[CLS]” (Advanced) it is a BertForSequenceClassification. The second loads in SentenceTransformer(dir) (embeddings); the .onnx file takes token ids and gives probabilities. In Python:' }),
    // it scrolls sideways in a narrow widget, so it takes focus for keyboard scrolling
    el('pre', { tabindex: 0, 'aria-label': 'Python code that loads the downloaded model', text: PYTHON }));

  const panel = (id, title, ...children) => el('section', { class: 'panel', 'aria-labelledby': id }, el('h2', { id, text: title }), ...children);
  const root = el('div', { class: 'tt-app' },
    el('div', { class: 'status-bar' }, u.status, u.load.node),
    el('div', { class: 'panels' },
      panel('h-data', '1. Data', u.textData),
      panel('h-train', '2. Train', u.modelLine,
        el('div', { class: 'row train-row' }, u.train, u.cancel, u.resume, u.runState), u.bar,
        el('div', { class: 'train-progress' }, u.progress), u.saveNote,
        el('div', { class: 'charts' }, u.lossChart, u.lrChart, u.epochChart), u.stopNote, u.metrics, u.runNotes, u.resumeNote,
        el('div', { class: 'settings', role: 'group', 'aria-labelledby': 'h-set' }, el('h3', { id: 'h-set', text: 'Settings' }),
          el('label', { class: 'text-only' }, 'Base model', u.modelMenu), u.cacheNote, u.settingsRow, u.strategy.wrap, u.subset,
          u.layers, u.params, u.advanced.details, u.modelSource, u.diagnostics.details, u.search.section)),
      panel('h-try', '3. Try it & take it home', u.tryText, el('h3', { id: 'h-home', text: 'Take it home' }), u.homeText)));
  return { root, ui: u };
}

/** The controls while a run goes: only Cancel; the notes and metrics of the run before cleared. */
export function runStarted(u) {
  u.train.disabled = true; u.cancel.disabled = false; u.resume.hidden = true; u.search.run.disabled = true;
  u.runNotes.textContent = u.resumeNote.textContent = u.saveNote.textContent = '';
  u.download.disabled = true; u.text.disabled = true; u.predictFile.disabled = true; u.init.disabled = true;
  u.metrics.replaceChildren();
  u.stopNote.textContent = '';
  u.progress.className = ''; // a failure's red from a run before
  showRunState(u, 'idle'); // the run before's end; the worker reports this one's from `preparing`
}

const STATE_WORDS = { idle: '', preparing: 'Preparing', training: 'Training', paused: 'Paused', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

/** Draws the state the worker reported for the run (worker/lifecycle.js): the badge, and Cancel,
 *  which stays on until the run has ended. */
export function showRunState(u, state) {
  u.runState.dataset.state = state;
  u.runState.textContent = STATE_WORDS[state] ?? state;
  if (['done', 'failed', 'cancelled'].includes(state)) u.cancel.disabled = true;
}
