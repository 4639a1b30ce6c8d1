// From what the page hands over (Files with their folder paths, zips) to a list of { name, label,
// bytes } plus a problem per file that cannot take part, and notes on what was decided. Which
// file gets which class follows the CLI (layout.js). Unzipping runs here in the worker (fflate).
import { unzipSync } from '../../node_modules/fflate/esm/browser.js';
import { folderLayout, labelsCsv } from './layout.js';
import { MAX_FILE_BYTES, hasImageExtension, isIgnored, normalizePath, tooLargeFile, unreadable } from './problems.js';

// all entries of one zip together: past this the rest is left out (a zip bomb would fill the tab)
const MAX_ZIP_TOTAL = 1024 * 2 ** 20;

/** items: [{ name (path, '/'-separated), file: Blob }]; label: the class for all of them (a
 *  class's own "Add images"), else by folder (or a zip's labels.csv). Resolves { files: [{ name,
 *  label, bytes: () => Promise<Uint8Array> }], problems: [{ name, message }], notes: [string] }. */
export async function collect(items, label = null) {
  const out = { files: [], problems: [], notes: [] };
  const loose = [];
  for (const item of items) {
    if (isIgnored(normalizePath(item.name))) continue;
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
  const layout = folderLayout([...byPath.keys()]);
  for (const { path, label: cls } of layout.placed) out.files.push({ name: path, label: cls, bytes: read(byPath.get(path)) });
  out.problems.push(...layout.problems);
  out.notes.push(...layout.notes);
  return out;
}

function fromZip(zipName, bytes, label, out) {
  let total = 0;
  let entries;
  const show = (p) => `${zipName}/${p}`;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || isIgnored(normalizePath(f.name))) return false;
        if (f.originalSize > MAX_FILE_BYTES) { out.problems.push({ name: show(f.name), message: tooLargeFile(f.originalSize) }); return false; }
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
  // labels.csv (the shallowest), else the only CSV, as the CLI chooses
  const csvs = paths.filter((p) => /\.csv$/i.test(p));
  const depth = (p) => p.split('/').length;
  const csv = csvs.filter((p) => p.split('/').pop().toLowerCase() === 'labels.csv').sort((a, b) => depth(a) - depth(b))[0] ?? (csvs.length === 1 ? csvs[0] : null);
  if (!csv) {
    if (csvs.length > 1 && !paths.some((p) => hasImageExtension(p) && p.includes('/'))) {
      out.problems.push({ name: zipName, message: `the zip has ${csvs.length} CSV files (${csvs.join(', ')}) and none is named labels.csv: name the one with path,label columns labels.csv` });
      return;
    }
    const layout = folderLayout(paths);
    for (const { path, label: cls } of layout.placed) take(path, cls);
    out.problems.push(...layout.problems.map((p) => ({ ...p, name: show(p.name) })));
    out.notes.push(...layout.notes.map((n) => `${zipName}: ${n}`));
    return;
  }
  const base = csv.includes('/') ? csv.slice(0, csv.lastIndexOf('/') + 1) : '';
  const resolve = (p) => [base + normalizePath(p), normalizePath(p)].find((c) => c in entries) ?? null;
  let parsed;
  try {
    parsed = labelsCsv(csv, new TextDecoder().decode(entries[csv]), resolve);
  } catch (e) {
    out.problems.push({ name: show(csv), message: e.message });
    return;
  }
  for (const { path, label: cls } of parsed.rows) take(path, cls);
  out.problems.push(...parsed.problems.map((p) => ({ ...p, name: show(p.name) })));
  const listed = new Set(parsed.rows.map((r) => r.path));
  const unlisted = paths.filter((p) => hasImageExtension(p) && !listed.has(p)).length;
  out.notes.push(`${zipName}: labels from ${csv}`);
  if (unlisted) out.notes.push(`${zipName}: ${unlisted} image file(s) in the zip are not listed in ${csv} and were left out`);
}
