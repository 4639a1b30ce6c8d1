// The teaching view's "What it looks at" and "Mistakes": a sentence with each token shaded by the
// last layer's attention from [CLS] (averaged over heads) and the model's probability per class;
// and the validation rows the model gets wrong, sortable by any column. All of it is what the
// worker computed (tt.attention, tt.mistakes); text reaches the DOM through textContent only.
import { bars, el } from '../dom.js';

const pct = (v) => `${(v * 100).toFixed(1)} %`;

/** The sentence as spans: each token's characters shaded by its weight (the largest weight is
 *  the darkest); text between tokens (spaces) as it is. Tokens without characters ([CLS], [SEP])
 *  are left out of the sentence but their weight is in the list under it. */
export function attentionView(text, a) {
  const max = Math.max(1e-9, ...a.tokens.map((t) => t.weight));
  const parts = [];
  let at = 0;
  const chars = [...a.tokens].filter((t) => t.end > t.start).sort((x, y) => x.start - y.start);
  for (const t of chars) {
    if (t.start < at) continue; // overlapping offsets: the first token keeps the characters
    if (t.start > at) parts.push(document.createTextNode(text.slice(at, t.start)));
    parts.push(el('mark', { class: 'att', style: `--w:${(t.weight / max).toFixed(3)}`, title: `${t.token}: ${pct(t.weight)}`, 'data-token': t.token, text: text.slice(t.start, t.end) }));
    at = t.end;
  }
  if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
  const special = a.tokens.filter((t) => t.end <= t.start);
  const nodes = [el('p', { class: 'attention', 'aria-label': 'The sentence, shaded by attention' }, ...parts),
    el('p', { class: 'note', text: `Shading: the last layer’s attention from [CLS], averaged over heads; the darkest token has ${pct(max)}.${special.length ? ` Special tokens: ${special.map((t) => `${t.token} ${pct(t.weight)}`).join(', ')}.` : ''}` })];
  if (a.probs?.length) nodes.push(bars('Probability per class', a.probs.map((p) => ({ label: p.label, value: p.p })), pct, 1));
  return nodes;
}

const COLUMNS = [['text', 'text'], ['label', 'true'], ['predicted', 'predicted'], ['confidence', 'confidence']];
const SHOWN = 200; // rows drawn at once: a big validation set's mistakes still sort as a whole

/** The mistakes table; `rows` as tt.mistakes() gives them. Sorted by confidence (most confident
 *  mistakes first) until a header is clicked; a second click reverses. */
export function mistakesTable() {
  const wrap = el('div', { class: 'mistakes' });
  let rows = [];
  let by = 'confidence', desc = true;
  const name = (v, labels) => (typeof v === 'number' && labels?.[v] != null ? labels[v] : String(v));
  let labels = null;

  function draw() {
    if (!rows.length) { wrap.replaceChildren(el('p', { class: 'note', text: 'No mistakes on the validation rows.' })); return; }
    const key = (r) => (by === 'confidence' ? r.confidence : by === 'text' ? r.text : name(r[by], labels));
    const sorted = [...rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return (desc ? -c : c) || a.row - b.row;
    });
    const head = COLUMNS.map(([k, words]) => el('th', { scope: 'col', 'aria-sort': k === by ? (desc ? 'descending' : 'ascending') : 'none' },
      el('button', { type: 'button', class: 'sort', text: `${words}${k === by ? (desc ? ' ▼' : ' ▲') : ''}`,
        onclick: () => { desc = k === by ? !desc : k === 'confidence'; by = k; draw(); } })));
    wrap.replaceChildren(el('table', { class: 'mistakes-table' },
      el('caption', { text: `Mistakes: ${rows.length} validation row${rows.length === 1 ? '' : 's'} predicted wrong${rows.length > SHOWN ? ` (the first ${SHOWN} shown)` : ''}` }),
      el('thead', {}, el('tr', {}, ...head)),
      el('tbody', {}, ...sorted.slice(0, SHOWN).map((r) => el('tr', { 'data-row': r.row },
        el('td', { text: r.text }), el('td', { text: name(r.label, labels) }), el('td', { text: name(r.predicted, labels) }),
        el('td', { class: 'num', text: pct(r.confidence) }))))));
  }

  return {
    wrap,
    /** tt.mistakes()'s rows (label indices are named from `classes`), or a note why there are none. */
    show(list, classes) {
      if (!Array.isArray(list)) { wrap.replaceChildren(el('p', { class: 'note', text: list?.note || 'Mistakes are shown for classification runs.' })); return; }
      rows = list; labels = classes; draw();
    },
    clear(note = '') { rows = []; wrap.replaceChildren(el('p', { class: 'note', text: note })); },
  };
}
