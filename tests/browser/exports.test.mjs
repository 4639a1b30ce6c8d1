// The three downloads of "Take it home", through the UI (the widget on the tiny random BERT, CPU
// backend), after a run with Advanced → Pooling “[CLS]”: the Hugging Face zip is a
// BertForSequenceClassification folder, the sentence-transformers zip has that library's files,
// and "Download ONNX" gives an ONNX protobuf. Both folders carry the model card (README.md): its
// YAML front matter parses (PyYAML) and its epochs are the run's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doneEvent, makeFixtures, openTinyTrainer, screenshotPath, startServer } from './harness.mjs';

let fixtures, server;
const T = { timeout: 300_000 };

before(async () => {
  fixtures = makeFixtures();
  server = await startServer(fixtures);
});
after(() => server?.stop());

/** Clicks `button` and saves the download: its path and suggested name. */
async function download(page, w, button) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), w.getByRole('button', { name: button, exact: true }).click()]);
  const path = join(mkdtempSync(join(tmpdir(), 'tabtune-export-')), d.suggestedFilename());
  await d.saveAs(path);
  return { path, name: d.suggestedFilename() };
}

/** A model card's YAML front matter, as PyYAML reads it. */
function frontMatter(text) {
  const py = 'import json,sys,yaml; t=sys.stdin.read(); assert t.startswith("---\\n"); print(json.dumps(yaml.safe_load(t[4:].split("\\n---\\n")[0])))';
  return JSON.parse(execFileSync('python3', ['-c', py], { input: text, encoding: 'utf8' }));
}

/** The card a downloaded folder carries: the run's epochs, data and settings, and `library`. */
function checkCard(zip, folder, result, library) {
  const card = frontMatter(unzip(zip, `${folder}/README.md`).text ?? '');
  assert.equal(card.library_name, library);
  assert.equal(card.pipeline_tag, 'text-classification');
  // the tiny test model's folder has no card of its own: its licence is said to be unknown
  assert.deepEqual([card.license, card.license_name, card.base_model], ['other', 'unknown', undefined]);
  const facts = card.tabtune;
  // the loss is an f32: the card writes its shortest form, the page's epoch its f64 widening
  const epochs = (list) => list.map((e) => [e.epoch, Math.fround(e.train_loss), e.val_scores]);
  assert.deepEqual(epochs(facts.epochs), epochs(result.epochs));
  assert.deepEqual([facts.data.used, facts.train_rows + facts.val_rows, facts.settings.pooling, facts.settings.epochs], [32, 32, 'cls', 1]);
}

/** A zip's file names, and the text of one of its files. */
function unzip(path, read) {
  const py = 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({"names": z.namelist(), "text": z.read(sys.argv[2]).decode() if sys.argv[2] in z.namelist() else None}))';
  return JSON.parse(execFileSync('python3', ['-c', py, path, read], { encoding: 'utf8' }));
}

test('a [CLS]-pooled run downloads as Hugging Face, sentence-transformers and ONNX', T, async () => {
  const { browser, page, w } = await openTinyTrainer(server.origin);
  try {
    await w.getByLabel(/^Drop a CSV, TSV or JSONL file/).setInputFiles(join(fixtures, 'toy.csv'));
    await w.getByText(/^32 rows/).waitFor();
    for (const [name, value] of Object.entries({ 'Batch size': 8, 'Max length (tokens)': 16, Epochs: 1 })) {
      await w.getByRole('spinbutton', { name, exact: true }).fill(String(value));
    }
    await w.getByText('Advanced', { exact: true }).click();
    await w.getByRole('combobox', { name: 'Pooling' }).selectOption('cls');
    assert.equal(await w.getByRole('button', { name: 'Download model (.zip)' }).isDisabled(), true, 'nothing to download before a run');
    const done = doneEvent(page);
    await w.getByRole('button', { name: 'Train', exact: true }).click();
    await w.getByText(/^Done in/).waitFor({ timeout: 120_000 });
    const result = await done;

    const hf = await download(page, w, 'Download model (.zip)');
    assert.equal(hf.name, 'tabtune-model.zip');
    const h = unzip(hf.path, 'tabtune-model/config.json');
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) assert.ok(h.names.includes(`tabtune-model/${f}`), `${f} in ${h.names}`);
    const config = JSON.parse(h.text);
    assert.deepEqual(config.architectures, ['BertForSequenceClassification']);
    assert.deepEqual(config.label2id, { neg: 0, pos: 1 });
    assert.equal(config.problem_type, 'single_label_classification');
    assert.equal(config.tabtune.pooling, 'cls');
    checkCard(hf.path, 'tabtune-model', result, 'transformers');

    const st = await download(page, w, 'sentence-transformers (.zip)');
    assert.equal(st.name, 'tabtune-sentence-transformers.zip');
    const s = unzip(st.path, 'tabtune-sentence-transformers/modules.json');
    for (const f of ['modules.json', '1_Pooling/config.json', 'config_sentence_transformers.json', 'sentence_bert_config.json', 'model.safetensors', 'tokenizer.json']) {
      assert.ok(s.names.includes(`tabtune-sentence-transformers/${f}`), `${f} in ${s.names}`);
    }
    assert.deepEqual(JSON.parse(s.text).map((m) => m.path), ['', '1_Pooling', '2_Normalize']);
    checkCard(st.path, 'tabtune-sentence-transformers', result, 'sentence-transformers');

    // ONNX: a file whose first byte is field 1 (ir_version, varint) of ModelProto
    const onnx = await download(page, w, 'Download ONNX (.onnx)').catch(async (e) => {
      throw new Error(`${e.message}; the page says ${JSON.stringify(await w.locator('[aria-live]').allTextContents())}`);
    });
    assert.equal(onnx.name, 'tabtune-model.onnx');
    const bytes = readFileSync(onnx.path);
    assert.ok(bytes.length > 10_000, `${bytes.length} bytes`);
    assert.equal(bytes[0], 0x08, 'an ONNX ModelProto starts with ir_version');
    await page.screenshot({ path: screenshotPath('exports'), fullPage: true });
  } finally { await browser.close(); }
});
