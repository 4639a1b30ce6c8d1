// What the worker's example sets (images/store.js, sounds/store.js) do alike to a class: its name
// as the page gave it, a rename (the examples move over; into an existing class, the two merge)
// and a removal. A set is a Map id → { label, … }; the class exists while it has examples.

/** A class name, trimmed; an empty one is refused. */
export function cleanLabel(label) {
  const l = String(label ?? '').trim();
  if (!l) throw new Error('a class needs a name');
  return l;
}

/** Class `from`'s examples in `set` become class `to`'s. */
export function renameClass(set, from, to) {
  const name = cleanLabel(to);
  for (const x of set.values()) if (x.label === from) x.label = name;
}

/** Class `label`'s examples, each given to drop(id); returns their ids. */
export function removeClass(set, label, drop) {
  const removed = [...set].filter(([, x]) => x.label === label).map(([id]) => id);
  removed.forEach(drop);
  return removed;
}
