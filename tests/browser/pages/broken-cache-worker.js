// Test only: the app's worker (www/worker/worker.js) with a Cache API that fails the way browsers fail:
//   ?break=open  caches.open rejects (quota exceeded)
//   ?break=put   storing rejects (quota exceeded while writing)
//   ?break=none  no Cache API at all (e.g. an insecure context)
// The worker reads self.caches only when a model loads, so patching after its import is in time.
import '/worker/worker.js';

const quota = () => Promise.reject(new DOMException('the quota was exceeded (a test)', 'QuotaExceededError'));
const how = new URLSearchParams(self.location.search).get('break');
if (how === 'open') self.caches.open = quota;
else if (how === 'put') Cache.prototype.put = quota;
else if (how === 'none') Object.defineProperty(self, 'caches', { value: undefined });
else throw new Error(`broken-cache-worker.js: ?break=open|put|none, not ${how}`);
