// What the user did to the sound set, kept on the page so that a new engine (after the worker
// failed or the GPU device was lost) holds the same clips again: each change the worker took,
// with its inputs, replayed in order (as images/journal.js does for images). Files and zips are
// the user's own File objects (the browser keeps their bytes on disk); a recording is its samples,
// a copy of what was sent (a few hundred kB a second at 48 kHz). The worker numbers clips in the
// order they come, so the replayed set has the same ids and a later removeSounds(ids) still fits.

export function soundJournal() {
  let ops = [];
  return {
    /** A change the worker took: tt[method](...args) and its answer `r`. */
    record(method, args, r) {
      if (method === 'clearSounds') { ops = []; return; }
      // on_progress belongs to the first time
      if (method === 'addSounds') { ops.push(['addSounds', [args[0], { label: args[1]?.label }]]); return; }
      // a refused recording (silent, too short) added nothing and took no id
      if (method === 'addRecording' && !r.added?.length) return;
      ops.push([method, args]);
    },
    get empty() { return !ops.length; },
    /** The changes again, in order, on `tt`; resolves the last answer's `data`. */
    async replay(tt) {
      let data = null;
      for (const [method, args] of ops) {
        // a recording's samples may be handed over (transferred) to the worker: send a copy
        const a = method === 'addRecording' ? [args[0].slice(), ...args.slice(1)] : args;
        data = (await tt[method](...a)).data;
      }
      return data;
    },
  };
}
