// RFC 4180 records for labels.csv: quoted fields may hold the delimiter, quotes ("") and line
// breaks. Each record keeps the 1-based line it starts on, for messages ("labels.csv line 4").

/** text → [{ line, cells }] (blank lines dropped). */
export function parseCsv(text, delimiter = ',') {
  const records = [];
  let cells = [], cell = '', quoted = false, line = 1, start = 1;
  const end = () => {
    cells.push(cell);
    if (cells.some((x) => x !== '')) records.push({ line: start, cells });
    cells = []; cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line += 1;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { cells.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') { i++; line += 1; }
      end();
      start = line;
    } else cell += c;
  }
  end();
  return records;
}
