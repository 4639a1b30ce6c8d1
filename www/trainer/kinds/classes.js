// The classes of an image or sound set as cards: a name you can edit (renames the class in the
// worker), the count the worker reports, Hold to record (webcam or microphone), Add images / Add
// sounds, Remove class, and a grid of thumbnails each with its own Delete. A class made with "Add
// class" exists here only until it has examples: the worker knows classes by their examples. File
// names reach the DOM through textContent and alt/aria-label attributes only.
import { el } from '../dom.js';

/** act: { remove(ids), rename(from, to), removeClass(name), addFiles(name, files) } (each resolves
 *  when the worker has answered); hold(labelFn): a Hold-to-record button; kind: what the cards say
 *  and draw (images/view.js's, sounds/view.js's): the class-name prefix, the nouns (one, many,
 *  items), the Add button's words and file picker (add, accept), the grid's class, and
 *  thumb(added) → { node, drop? } for one example. */
export function classBoard(act, hold, kind) {
  const cards = new Map(); // name → { card, grid, count, nameInput, record, ids: Map(id → li) }
  const list = el('div', { class: `${kind.prefix}-classes` });
  let made = 0;

  function card(name) {
    if (cards.has(name)) return cards.get(name);
    const c = { name, ids: new Map() };
    c.nameInput = el('input', { type: 'text', value: name, 'aria-label': `Name of class ${name}`, class: 'class-name' });
    // a refused rename (the worker's message is shown by `act`) leaves the old name
    c.nameInput.addEventListener('change', () => rename(c).catch(() => { c.nameInput.value = c.name; }));
    c.count = el('span', { class: 'class-count', text: `0 ${kind.many}` });
    c.record = hold(() => c.name);
    const files = el('input', { type: 'file', multiple: true, accept: kind.accept, class: 'visually-hidden',
      onchange: () => { if (files.files.length) act.addFiles(c.name, [...files.files]).finally(() => { files.value = ''; }); } });
    const addLabel = el('label', { class: 'button-like' }, kind.add, files);
    c.remove = el('button', { type: 'button', class: 'secondary', text: 'Remove class', onclick: () => removeClass(c).catch(() => {}) });
    c.grid = el('ul', { class: kind.grid, 'aria-label': `${kind.items} of class ${name}` });
    c.card = el('section', { class: `${kind.prefix}-class`, 'aria-label': `Class ${name}` },
      el('div', { class: 'row' }, c.nameInput, c.count), el('div', { class: 'row' }, c.record, addLabel, c.remove), c.grid);
    cards.set(name, c);
    list.append(c.card);
    return c;
  }

  // to an existing class: the two merge (the worker relabels, the thumbnails move over)
  async function rename(c) {
    const to = c.nameInput.value.trim();
    if (!to || to === c.name) { c.nameInput.value = c.name; return; }
    if (c.ids.size) await act.rename(c.name, to);
    cards.delete(c.name);
    const into = cards.get(to);
    if (into) {
      for (const [id, li] of c.ids) { into.ids.set(id, li); into.grid.append(li); }
      c.record.forget();
      c.card.remove();
    } else {
      c.name = to;
      cards.set(to, c);
      labelCard(c);
    }
  }

  const labelCard = (c) => {
    c.nameInput.setAttribute('aria-label', `Name of class ${c.name}`);
    c.grid.setAttribute('aria-label', `${kind.items} of class ${c.name}`);
    c.card.setAttribute('aria-label', `Class ${c.name}`);
  };

  async function removeClass(c) {
    if (c.ids.size) await act.removeClass(c.name);
    for (const li of c.ids.values()) li.drop();
    c.record.forget();
    c.card.remove();
    cards.delete(c.name);
  }

  /** Thumbnails of examples the worker kept: [{ id, name, label, … }] (an image's `thumb`, a
   *  clip's `peaks`: what kind.thumb draws). */
  function add(added) {
    for (const item of added) {
      const { id, name, label } = item;
      const c = card(label);
      const { node, drop } = kind.thumb(item);
      const li = el('li', {}, node);
      li.drop = () => { drop?.(); li.remove(); };
      li.append(el('button', { type: 'button', class: 'thumb-delete', 'aria-label': `Delete ${name}`, text: '×',
        onclick: () => act.remove([id]).then(() => {
          // keyboard users stay in the grid: focus goes to the next thumbnail's Delete (or the previous, or the class name)
          const next = li.nextElementSibling || li.previousElementSibling;
          const owner = [...cards.values()].find((x) => x.ids.has(id));
          owner?.ids.delete(id);
          li.drop();
          (next?.querySelector('button') || owner?.nameInput)?.focus();
        }).catch(() => {}) }));
      c.ids.set(id, li);
      c.grid.append(li);
    }
  }

  /** The worker's counts ({ classes: [{ name, count }] }) on each card. */
  function counts(data) {
    const by = new Map(data.classes.map((x) => [x.name, x.count]));
    for (const c of cards.values()) {
      const n = by.get(c.name) || 0;
      c.count.textContent = `${n} ${n === 1 ? kind.one : kind.many}`;
    }
  }

  function addClass() {
    let name;
    do name = `Class ${++made}`; while (cards.has(name));
    card(name).nameInput.focus();
  }

  function clear() {
    for (const c of cards.values()) { for (const li of c.ids.values()) li.drop(); c.record.forget(); }
    cards.clear();
    list.replaceChildren();
  }

  return { list, add, counts, addClass, clear, has: (name) => cards.has(name) };
}
