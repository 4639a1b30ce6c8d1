// From what the page hands over (Files with their folder paths, zips) to a list of { name, label,
// bytes } plus a problem per file that cannot take part. The class is the file's parent folder
// (a folder per class, as `tabtune train --data DIR` reads it), or the row of a labels.csv
// (`path,label`) inside a zip. Unzipping runs here in the worker (fflate), never on the page.
import { unzipSync } from '../node_modules/fflate/esm/browser.js';

// an unzipped entry over this is refused (a zip bomb would otherwise fill the tab's memory)
const MAX_ENTRY_BYTES = 100 * 2 ** 20;
const MAX_ZIP_TOTAL = 1024 * 2 ** 20;

const base = (path) => path.split('/').pop();
const parent = (path) => path.split('/').slice(-2, -1)[0] || '';
// files a file manager leaves behind: never images, never worth a message
const clutter = (path) => path.split('/').some((p) => p.startsWith('.') || p === '__MACOSX') || /^(thumbs\.db|desktop\.ini)$/i.test(base(path));
const NOT_IN_FOLDER = 'not in a class folder — put it in a folder named after its class (or add it with a class’s “Add images”)';

/** items: [{ name (path, '/'-separated), file: Blob }]; label: the class for all of them (a
 *  class's own "Add images"), else each file's parent folder. Resolves { files: [{ name, label,
 *  bytes }], problems: [{ name, message }] }. */
export async function collect(items, label = null) {
  const files = [], problems = [];
  for (const { name, file } of items) {
    if (clutter(name)) continue;
    if (/\.zip$/i.test(name)) {
      fromZip(name, new Uint8Array(await file.arrayBuffer()), label, files, problems);
      continue;
    }
    const cls = label ?? parent(name);
    if (!cls) { problems.push({ name, message: NOT_IN_FOLDER }); continue; }
    files.push({ name, label: cls, bytes: () => file.arrayBuffer().then((b) => new Uint8Array(b)) });
  }
  return { files, problems };
}

function fromZip(zipName, bytes, label, files, problems) {
  let total = 0;
  let entries;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || clutter(f.name)) return false;
        total += f.originalSize;
        if (f.originalSize > MAX_ENTRY_BYTES) {
          problems.push({ name: `${zipName}/${f.name}`, message: `${Math.round(f.originalSize / 2 ** 20)} MB unzipped is too large a file for an image (at most 100 MB)` });
          return false;
        }
        return total <= MAX_ZIP_TOTAL;
      },
    });
  } catch (e) {
    problems.push({ name: zipName, message: `could not be read as a zip (${e?.message || e})` });
    return;
  }
  if (total > MAX_ZIP_TOTAL) problems.push({ name: zipName, message: `unzips to over ${MAX_ZIP_TOTAL / 2 ** 30} GB: only the files before that were read` });
  const paths = Object.keys(entries);
  // the shallowest labels.csv decides the classes, its paths relative to its own folder
  const csvPath = paths.filter((p) => base(p).toLowerCase() === 'labels.csv').sort((a, b) => a.split('/').length - b.split('/').length)[0];
  const show = (p) => `${zipName}/${p}`;
  const take = (p, cls) => files.push({ name: show(p), label: cls, bytes: async () => entries[p] });
  if (!csvPath || label) {
    for (const p of paths) {
      if (p === csvPath) continue;
      const cls = label ?? parent(p);
      if (cls) take(p, cls); else problems.push({ name: show(p), message: NOT_IN_FOLDER });
    }
    return;
  }
  const dir = csvPath.slice(0, csvPath.length - base(csvPath).length);
  const listed = new Set([csvPath]);
  const rows = parseCsv(new TextDecoder().decode(entries[csvPath]));
  if (rows.length && rows[0][0]?.trim().toLowerCase() === 'path') rows.shift(); // the header
  for (const [rawPath = '', rawLabel = ''] of rows) {
    const path = dir + rawPath.trim().replace(/^\.\//, '');
    const cls = rawLabel.trim();
    if (!rawPath.trim()) continue;
    if (!entries[path]) { problems.push({ name: show(path), message: `${base(csvPath)} names it but the zip has no such file` }); continue; }
    listed.add(path);
    if (!cls) { problems.push({ name: show(path), message: `${base(csvPath)} gives it no label` }); continue; }
    take(path, cls);
  }
  for (const p of paths) if (!listed.has(p)) problems.push({ name: show(p), message: `not listed in ${base(csvPath)}, so it has no class` });
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
    } else cell += c;
  }
  row.push(cell);
  if (row.some((x) => x !== '')) rows.push(row);
  return rows;
}
