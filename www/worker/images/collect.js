// From what the page hands over (Files with their folder paths, zips) to a list of { name, label,
// bytes } plus a problem per file that cannot take part, and notes on what was decided. Which
// file gets which class is the core's rule, asked of the wasm (image_layout, image_labels_file in
// src/web/rules.rs). Unzipping runs here in the worker (fflate).
import { unzipSync } from '../../node_modules/fflate/esm/browser.js';
import { image_labels_file, image_layout } from '../../pkg/tabtune.js';
import { isIgnored, rules, rulesReady, tooLargeFile, unreadable } from './problems.js';

// all entries of one zip together: past this the rest is left out (a zip bomb would fill the tab)
const MAX_ZIP_TOTAL = 1024 * 2 ** 20;

/** items: [{ name (path, '/'-separated), file: Blob }]; label: the class for all of them (a
 *  class's own "Add images"), else by folder (or a zip's labels.csv). Resolves { files: [{ name,
 *  label, bytes: () => Promise<Uint8Array> }], problems: [{ name, message }], notes: [string] }. */
export async function collect(items, label = null) {
  await rulesReady();
  const out = { files: [], problems: [], notes: [] };
  const loose = [];
  for (const item of items) {
    if (isIgnored(item.name)) continue;
    if (/\.zip$/i.test(item.name)) {
      let bytes;
      try { bytes = new Uint8Array(await item.file.arrayBuffer()); } catch (e) { out.problems.push({ name: item.name, message: unreadable(e?.message || e) }); continue; }
      fromZip(item.name, bytes, label, out);
    } else loose.push(item);
  }
  const read = (file) => () => file.arrayBuffer().then((b) => new Uint8Array(b));
  if (label) {
    for (const { name, file } of loose) out.files.push({ name, label, bytes: read(file) });
    return out;
  }
  const byPath = new Map(loose.map((i) => [i.name, i.file]));
  const layout = image_layout({ paths: [...byPath.keys()] });
  for (const { path, label: cls } of layout.placed) out.files.push({ name: path, label: cls, bytes: read(byPath.get(path)) });
  out.problems.push(...layout.problems);
  out.notes.push(...layout.notes);
  return out;
}

function fromZip(zipName, bytes, label, out) {
  let total = 0;
  let entries;
  const show = (p) => `${zipName}/${p}`;
  const maxFile = rules().max_file_bytes;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || isIgnored(f.name)) return false;
        if (f.originalSize > maxFile) { out.problems.push({ name: show(f.name), message: tooLargeFile(f.originalSize) }); return false; }
        total += f.originalSize;
        return total <= MAX_ZIP_TOTAL;
      },
    });
  } catch (e) {
    out.problems.push({ name: zipName, message: unreadable(`not a zip this page can open: ${e?.message || e}`) });
    return;
  }
  if (total > MAX_ZIP_TOTAL) out.notes.push(`${zipName} unzips to over 1 GB: only the files before that were read`);
  const paths = Object.keys(entries).sort();
  const take = (p, cls) => out.files.push({ name: show(p), label: cls, bytes: async () => entries[p] });
  if (label) {
    for (const p of paths) if (!/\.csv$/i.test(p)) take(p, label);
    return;
  }
  // labels.csv (the shallowest), else the only CSV, as the CLI chooses; then the core places
  // every file: by that CSV, else by class folders
  let csv, layout;
  try {
    csv = image_labels_file(paths);
  } catch (e) {
    out.problems.push({ name: zipName, message: e.message });
    return;
  }
  try {
    layout = image_layout({ paths, csv: csv == null ? undefined : { name: csv, text: new TextDecoder().decode(entries[csv]) } });
  } catch (e) {
    out.problems.push({ name: show(csv), message: e.message });
    return;
  }
  for (const { path, label: cls } of layout.placed) take(path, cls);
  out.problems.push(...layout.problems.map((p) => ({ ...p, name: show(p.name) })));
  out.notes.push(...layout.notes.map((n) => `${zipName}: ${n}`));
}
