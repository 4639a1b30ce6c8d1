// What the user did to the image set, kept on the page so that a new engine (after the worker
// failed or the GPU device was lost) holds the same images again: each change the worker took,
// with its inputs, replayed in order. Files and zips are the user's own File objects (the browser
// keeps their bytes on disk, not in this tab); a webcam frame is the lossless PNG of what the
// worker kept (its `source`). The worker numbers images in the order they come and skips the
// same files it skipped before, so the replayed set has the same ids, classes and pixels.

export function imageJournal() {
  let ops = [];
  return {
    /** A change the worker took: tt[method](...args) and its answer `r`. */
    record(method, args, r) {
      if (method === 'clearImages') { ops = ops.filter(([m]) => m === 'setImageSize'); return; }
      if (method === 'addFrames') {
        // the frames were handed over: their PNGs come back with the answer
        ops.push(['addImages', [r.added.map((a) => ({ path: a.name, file: a.source })), { label: args[1] }]]);
        return;
      }
      // on_progress belongs to the first time
      if (method === 'addImages') { ops.push(['addImages', [args[0], { label: args[1]?.label }]]); return; }
      ops.push([method, args]);
    },
    /** Changes that hold images (a lone image size holds none). */
    get empty() { return !ops.some(([m]) => m !== 'setImageSize'); },
    /** The changes again, in order, on `tt`; resolves the last answer's `data`. */
    async replay(tt) {
      let data = null;
      for (const [method, args] of ops) data = (await tt[method](...args)).data;
      return data;
    },
  };
}
