// Which file gets which class: the same rules as the CLI's src/data/images/layout.rs and
// labels_csv.rs (keep them in step). Pure: paths in, { placed, problems, notes } out.
import { NOT_IN_CLASS_FOLDER, isIgnored, normalizePath } from './problems.js';
import { parseCsv } from './csv.js';

const parts = (path) => normalizePath(path).split('/').filter(Boolean);

/** Folder of class folders: a file's class is its first folder. While every file shares one top
 *  folder and some lie two below it, that folder is a wrapper (zipping or picking a folder adds
 *  one) and is looked through. Files in the root: a problem; in sub-folders of a class: that
 *  class, with a note. paths: [string] → { placed: [{ path, label }], problems, notes }. */
export function folderLayout(paths) {
  const files = paths.filter((p) => !isIgnored(normalizePath(p))).map((p) => [p, parts(p)]).filter(([, p]) => p.length);
  let depth = 0;
  for (;;) {
    const top = files[0]?.[1][depth];
    if (top === undefined) break;
    const shared = files.every(([, p]) => p.length > depth + 1 && p[depth] === top);
    if (!(shared && files.some(([, p]) => p.length > depth + 2))) break;
    depth += 1;
  }
  const out = { placed: [], problems: [], notes: [] };
  const nested = new Map();
  for (const [path, p] of files) {
    const rest = p.slice(depth);
    if (rest.length === 1) { out.problems.push({ name: path, message: NOT_IN_CLASS_FOLDER }); continue; }
    const label = rest[0].trim();
    if (rest.length > 2) nested.set(label, (nested.get(label) || new Set()).add(rest.slice(1, -1).join('/')));
    out.placed.push({ path, label });
  }
  for (const [label, subs] of nested) {
    out.notes.push(`images in sub-folders of '${label}' (${[...subs].map((s) => `'${label}/${s}'`).join(', ')}) count as class '${label}'`);
  }
  if (depth > 0) out.notes.push(`the class folders are inside '${files[0][1].slice(0, depth).join('/')}/'`);
  return out;
}

const PATH_NAMES = ['path', 'file', 'filename', 'file_name', 'image', 'image_path', 'filepath', 'name'];
const LABEL_NAMES = ['label', 'class', 'category', 'target', 'y', 'class_name'];

/** A zip's `path,label` CSV (named csvName, its text): resolve(path) → the entry it names or null.
 *  A header row is optional (columns found by name); `;` or tab also separate. Rows naming a
 *  missing file, with no label, or repeating a path are problems. Throws when it has no rows. */
export function labelsCsv(csvName, text, resolve) {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim()) || '';
  const delimiter = firstLine.includes('\t') ? '\t' : firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const records = parseCsv(text, delimiter).map(({ line, cells }) => ({ line, cells: cells.map((c) => c.trim()) }))
    .filter((r) => r.cells.some((c) => c));
  if (!records.length) throw new Error(`${csvName} has no rows: write one line per image, like cats/1.jpg,cat`);
  let [pathCol, labelCol] = [0, 1];
  const lower = records[0].cells.map((c) => c.toLowerCase());
  const named = (names) => lower.findIndex((c) => names.includes(c));
  if (resolve(records[0].cells[0]) === null && (named(PATH_NAMES) >= 0 || named(LABEL_NAMES) >= 0)) {
    pathCol = named(PATH_NAMES) >= 0 ? named(PATH_NAMES) : 0;
    labelCol = named(LABEL_NAMES) >= 0 ? named(LABEL_NAMES) : pathCol === 0 ? 1 : 0;
    records.shift();
  }
  const rows = [], problems = [], seen = new Set();
  for (const { line, cells } of records) {
    const name = `${csvName} line ${line}`;
    const [path, label] = [cells[pathCol] ?? '', cells[labelCol] ?? ''];
    const found = cells.length < 2 || !label ? null : resolve(path);
    if (cells.length < 2) problems.push({ name, message: `'${path}' has no label (the line has one field): write path,label, like cats/1.jpg,cat` });
    else if (!label) problems.push({ name, message: `'${path}' has an empty label: fill in its class` });
    else if (found === null) problems.push({ name, message: `'${path}' is not in the zip: correct the path (relative to ${csvName} or to the zip's top) or add the file` });
    else if (seen.has(found)) problems.push({ name, message: `'${path}' is listed again; the first line's label is kept: remove the repeated line` });
    else { seen.add(found); rows.push({ path: found, label }); }
  }
  return { rows, problems };
}
