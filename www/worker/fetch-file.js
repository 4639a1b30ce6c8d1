// Model files for the worker: from the Cache API when a visit stored them, else downloaded with
// progress and stored (models.js: a model folder of any kind).
const MODEL_CACHE = 'tabtune-models-v1';

// A file of the model: from the Cache API when a previous visit stored it, else downloaded
// with progress and stored. The cache only saves a download: when it fails (quota exceeded,
// private mode, no Cache API) the bytes are still returned, and a last progress call carries
// why (cacheError), so the page can say the model will be downloaded again next time.
// `fresh`: download it even when stored (the stored copy is replaced).
export async function fetchFile(url, onProgress, { fresh = false } = {}) {
  let cacheError = null;
  const orNull = async (f) => { try { return await f(); } catch (e) { cacheError ??= e?.message || String(e); return null; } };
  const cache = await orNull(() => {
    if (!self.caches) throw new Error('this browser offers no Cache API here');
    return self.caches.open(MODEL_CACHE);
  });
  const hit = cache && !fresh && await orNull(() => cache.match(url));
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress(bytes.length, bytes.length, true);
    return bytes;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not download ${url}: HTTP ${res.status}; check the model URL (a folder in the Hugging Face layout)`);
  const total = Number(res.headers.get('content-length')) || 0;
  const reader = res.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total, false);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  if (cache) await orNull(() => cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })));
  if (cacheError) onProgress(loaded, total, false, cacheError);
  return bytes;
}
