// The predictions CSV. Its text and label cells are the user's data, and a spreadsheet runs a cell
// that starts with = + - @ (or a tab / carriage return before one) as a formula — a link to a
// command, a web request. So such cells get a leading ' (OWASP, "CSV Injection"); the
// probabilities are numbers we wrote and stay plain.

const FORMULA_START = /^[=+\-@\t\r]/;

/** rows: [{ text, label, probs: { label: p } }] (classification; multi-label: label "a|b" and a
 *  sigmoid p per label) → text, label, p_<label> columns; [{ text, label, value }] (regression)
 *  → text, value. */
export function predictionsCsv(rows) {
  const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const userText = (v) => quote(FORMULA_START.test(String(v)) ? `'${v}` : String(v));
  if (rows[0] && !rows[0].probs) {
    // a value we computed: a plain number, never a formula (a negative one starts with '-')
    return [['text', 'value'], ...rows.map((r) => [userText(r.text), String(r.value)])].map((cells) => cells.join(',')).join('\n') + '\n';
  }
  const labels = Object.keys(rows[0]?.probs || {});
  const header = ['text', 'label', ...labels.map((l) => `p_${l}`)].map(userText);
  const lines = rows.map((r) => [userText(r.text), userText(r.label), ...labels.map((l) => r.probs[l].toFixed(6))]);
  return [header, ...lines].map((cells) => cells.join(',')).join('\n') + '\n';
}
