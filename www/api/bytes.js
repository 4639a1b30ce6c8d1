// What the page hands the worker, as bytes it can transfer, and what comes back, as Blobs.

/** A File, Blob, ArrayBuffer, typed array or string as an ArrayBuffer of its own. */
export async function toBytes(input) {
  if (typeof input === 'string') return new TextEncoder().encode(input).buffer;
  if (input instanceof Blob) return input.arrayBuffer();
  if (input instanceof ArrayBuffer) return input.slice(0);
  if (ArrayBuffer.isView(input)) return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength);
  throw new Error('data must be a File, Blob, ArrayBuffer, typed array or string');
}

/** Checkpoint bytes (ArrayBuffer or a view) as a copy the worker can take. */
export const copyBuffer = (checkpoint) => (ArrayBuffer.isView(checkpoint) ? checkpoint.slice().buffer : checkpoint.slice(0));

/** A File's extension says its format unless the caller did. */
export function withFormat(input, options) {
  if (options.format || !(input instanceof File)) return options;
  const ext = input.name.split('.').pop().toLowerCase();
  const format = { csv: 'csv', tsv: 'tsv', tab: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', json: 'jsonl' }[ext];
  return format ? { ...options, format } : options;
}

/** A model's files (name → bytes) as Blobs. */
export const blobs = (files) => Object.fromEntries(Object.entries(files).map(([name, bytes]) =>
  [name, new Blob([bytes], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' })]));
