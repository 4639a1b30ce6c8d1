// What a drop holds, folders included: [{ path, file }] with the path from the dropped item down
// ("pets/cat/1.png"), so the worker can take each file's parent folder as its class.
// DataTransfer.files lists a dropped folder as one useless entry; webkitGetAsEntry walks it.

/** Call it inside the drop handler, before any await: the items are gone once the event ends. */
export function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer.items || [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  const files = [...dataTransfer.files];
  if (!entries.length) return Promise.resolve(files.map((file) => ({ path: file.name, file })));
  return walkAll(entries);
}

async function walkAll(entries) {
  const out = [];
  const fileOf = (entry) => new Promise((ok, fail) => entry.file(ok, fail));
  const batchOf = (reader) => new Promise((ok, fail) => reader.readEntries(ok, fail));
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      out.push({ path: prefix + entry.name, file: await fileOf(entry) });
    } else if (entry.isDirectory) {
      // readEntries gives a folder's entries in batches (Chromium: 100 at a time) until an empty one
      const reader = entry.createReader();
      for (let batch = await batchOf(reader); batch.length; batch = await batchOf(reader)) {
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
