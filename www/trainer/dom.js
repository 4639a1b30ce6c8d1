// DOM helpers for <tabtune-trainer>. User text only ever goes through textContent.

/** el('p', { class: 'x', text: 'hi' }, child, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Makes `zone` take drops: it shows `.over` while something is dragged over it, and
 *  take(dataTransfer) gets what was dropped (inside the event: its items are gone after it). */
export function dropZone(zone, take) {
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    take(e.dataTransfer);
  });
  return zone;
}

let fieldCount = 0;

/** A labelled control, an optional line of help and the span for its error: both are outside
 *  the label, so they never become part of the control's name, and the control is described by
 *  them. */
export function field(labelText, input, { inline = false, help } = {}) {
  const n = ++fieldCount;
  const error = el('span', { class: 'field-error', 'aria-live': 'polite', id: `field-error-${n}` });
  const hint = help ? el('span', { class: 'field-help', id: `field-help-${n}`, text: help }) : null;
  input.setAttribute('aria-describedby', hint ? `${hint.id} ${error.id}` : error.id);
  const label = inline ? el('label', { class: 'inline' }, input, labelText) : el('label', {}, labelText, input);
  return { wrap: el('div', { class: 'field' }, label, hint, error), error };
}

/** A table from a header row and rows of cells; the first cell of a row heads it if `rowHeads`. */
export function table(caption, header, rows, { rowHeads = true } = {}) {
  const cell = (c, i) => (rowHeads && i === 0 ? el('th', { scope: 'row', text: String(c) }) : el('td', { text: String(c) }));
  return el('table', {}, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map(cell)))));
}

/** Horizontal bars: [{ label, value }] with the value written beside each bar; `max` is the
 *  full-width value (default: the largest). */
export function bars(caption, items, format = (v) => String(v), max = Math.max(1e-9, ...items.map((i) => i.value))) {
  return el('figure', { class: 'bars' }, el('figcaption', { text: caption }),
    ...items.map(({ label, value }) => el('div', { class: 'bar-row' },
      el('span', { class: 'bar-label', text: label }),
      el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill', style: `width:${(100 * value) / max}%` })),
      el('span', { class: 'bar-value', text: format(value) }))));
}

/** The confusion matrix: rows are true classes, columns predicted; darker = more. */
export function confusion(labels, matrix) {
  const max = Math.max(1, ...matrix.flat());
  return el('table', { class: 'confusion' }, el('caption', { text: 'Confusion matrix (rows: true class, columns: predicted)' }),
    el('thead', {}, el('tr', {}, el('th', { text: '' }), ...labels.map((l) => el('th', { scope: 'col', text: l })))),
    el('tbody', {}, ...matrix.map((row, i) => el('tr', {}, el('th', { scope: 'row', text: labels[i] }),
      ...row.map((n) => el('td', { text: String(n), style: `--shade:${n / max}` }))))));
}

export function formatSeconds(s) {
  if (!Number.isFinite(s)) return '–';
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.max(0, Math.round(s))} s`;
}

/** Saves a Blob under a file name through a temporary link. */
export function download(blob, name) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
