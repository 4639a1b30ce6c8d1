// The predictions CSV. Its text and label cells are the user's data, and a spreadsheet runs a cell
// that starts with = + - @ (or a tab / carriage return before one) as a formula — a link to a
// command, a web request. So such cells get a leading ' (OWASP, "CSV Injection"); the
// probabilities are numbers we wrote and stay plain.

const FORMULA_START = /^[=+\-@\t\r]/;

/** rows: [{ text, label, probs: { label: p } }] → CSV text with text, label, p_<label> columns. */
export function predictionsCsv(rows) {
  const labels = Object.keys(rows[0]?.probs || {});
  const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const userText = (v) => quote(FORMULA_START.test(String(v)) ? `'${v}` : String(v));
  const header = ['text', 'label', ...labels.map((l) => `p_${l}`)].map(userText);
  const lines = rows.map((r) => [userText(r.text), userText(r.label), ...labels.map((l) => r.probs[l].toFixed(6))]);
  return [header, ...lines].map((cells) => cells.join(',')).join('\n') + '\n';
}
