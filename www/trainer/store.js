// What survives a reload, in this browser's IndexedDB (nothing leaves the device): the last
// dataset's settings, the run in progress (its data and last checkpoint), and the last finished
// run's metrics and model until the user forgets them.
// Keys are per page and element, so a docs embed does not restore the app's run.
const DB = 'tabtune';
const STORE = 'saved';

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, op) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(STORE, mode);
    let req;
    try { req = op(tx.objectStore(STORE)); } catch (e) { tx.abort(); d.close(); reject(e); return; }
    tx.oncomplete = () => { d.close(); resolve(req?.result); };
    tx.onerror = tx.onabort = () => { d.close(); reject(tx.error); };
  });
}

export function storeFor(scope) {
  const key = (name) => `${scope}:${name}`;
  return {
    get: (name) => run('readonly', (s) => s.get(key(name))).catch(() => undefined),
    put: (name, value) => run('readwrite', (s) => s.put(value, key(name))),
    delete: (name) => run('readwrite', (s) => s.delete(key(name))),
    /** Puts { name: value } and deletes [names] in ONE transaction: all of it happens or none
     *  (a quota error leaves what was saved before as it was). */
    replace: (puts, deletes = []) => run('readwrite', (s) => {
      for (const [name, value] of Object.entries(puts)) s.put(value, key(name));
      for (const name of deletes) s.delete(key(name));
    }),
  };
}

/** Removes the downloaded model files from the Cache API; says what it did. */
export async function clearModelCache() {
  const removed = self.caches ? await caches.delete('tabtune-models-v1') : false;
  return removed ? 'The downloaded model files were removed from this browser’s cache; the next visit downloads them again.' : 'Nothing was cached.';
}
