// What survives a reload, in this browser's IndexedDB (nothing leaves the device): the last
// dataset's settings, the last finished run's metrics, and its model until the user forgets it.
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
    const req = op(tx.objectStore(STORE));
    tx.oncomplete = () => { d.close(); resolve(req.result); };
    tx.onerror = tx.onabort = () => { d.close(); reject(tx.error); };
  });
}

export function storeFor(scope) {
  const key = (name) => `${scope}:${name}`;
  return {
    get: (name) => run('readonly', (s) => s.get(key(name))).catch(() => undefined),
    put: (name, value) => run('readwrite', (s) => s.put(value, key(name))),
    delete: (name) => run('readwrite', (s) => s.delete(key(name))),
  };
}
