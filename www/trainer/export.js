// Files in and out of <tabtune-trainer>: a model folder the user picks, the model as a zip (the
// Hugging Face or the sentence-transformers folder) or an .onnx file, and a file's predictions as
// CSV (csv.js makes it safe for a spreadsheet).
import { zipSync } from '../node_modules/fflate/esm/browser.js';
import { predictionsCsv } from './csv.js';
import { download } from './dom.js';

/** Each export format's download: the folder (and zip) name, or the single file's. */
export const EXPORTS = {
  hf: { folder: 'tabtune-model' },
  'sentence-transformers': { folder: 'tabtune-sentence-transformers' },
  onnx: { file: 'tabtune-model.onnx' },
};

/** Downloads the worker's model in `format`: a folder as NAME.zip (stored, not compressed:
 *  safetensors barely shrink), ONNX as one file. */
export async function downloadModel(tt, format = 'hf') {
  const files = await tt.exportModel({ format });
  const { folder, file } = EXPORTS[format];
  if (file) {
    download(new Blob([files['model.onnx']], { type: 'application/octet-stream' }), file);
    return;
  }
  await downloadFolder(folder, files);
}

// each kind's download name: its folder (and zip), or its single .onnx file
const KIND_NAMES = { image: 'tabtune-image-model', audio: 'tabtune-sound-model' };

/** Downloads the fine-tuned model of `kind` ('image' | 'audio'): 'hf' → NAME.zip, the folder the
 *  CLI reads (`tabtune predict --model DIR`: config.json, model.safetensors, and a sound model's
 *  melspectrogram.onnx); 'onnx' → one NAME.onnx file. */
export async function downloadKindModel(tt, kind, format = 'hf') {
  const files = await tt.exportModel({ format, kind });
  const name = KIND_NAMES[kind];
  if (format === 'onnx') download(new Blob([files['model.onnx']], { type: 'application/octet-stream' }), `${name}.onnx`);
  else await downloadFolder(name, files);
}

// Blobs by name → FOLDER.zip holding FOLDER/name (stored, not compressed: safetensors barely shrink)
async function downloadFolder(folder, files) {
  const entries = {};
  for (const [name, blob] of Object.entries(files)) entries[`${folder}/${name}`] = new Uint8Array(await blob.arrayBuffer());
  download(new Blob([zipSync(entries, { level: 0 })], { type: 'application/zip' }), `${folder}.zip`);
}

/** Predicts every text of `file` and downloads NAME-predictions.csv; returns how many rows. */
export async function downloadPredictions(tt, file) {
  const rows = await tt.predictFile(file);
  download(new Blob([predictionsCsv(rows)], { type: 'text/csv' }), file.name.replace(/\.[^.]*$/, '') + '-predictions.csv');
  return rows.length;
}

const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

/** A picked folder's model files: { files: { config, weights, tokenizer, readme? } (ArrayBuffers), name }. */
export async function readModelFolder(fileList) {
  const files = Object.fromEntries([...fileList].map((f) => [f.name, f]));
  const missing = MODEL_FILES.filter((n) => !files[n]);
  if (missing.length) throw new Error(`the folder has no ${missing.join(', ')}: choose a model folder in the Hugging Face layout`);
  const [config, weights, tokenizer] = await Promise.all(MODEL_FILES.map((n) => files[n].arrayBuffer()));
  // its model card, when it has one (the id and licence a fine-tuned model's card names)
  const readme = files['README.md'] ? await files['README.md'].arrayBuffer() : undefined;
  return { files: { config, weights, tokenizer, ...(readme && { readme }) }, name: `the folder ${files['config.json'].webkitRelativePath.split('/')[0] || 'you chose'}` };
}

/** A model download's progress in words. */
export function downloadText(p) {
  return `Loading ${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}${p.cached ? ' (from this browser’s cache)' : ''}`;
}
