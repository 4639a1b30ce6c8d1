// A run's lifecycle, the one place its state changes, for every kind of run (text, images, a
// search):
//
//   idle → preparing → training ⇄ paused → done | failed | cancelled
//
// `preparing` runs the frozen layers over the data; `training` steps; `paused` waits in step mode.
// The worker reports each change as a run message { type: 'state', state, from, ... }; the page
// draws what it is told (a page never decides a run's state itself). A worker that dies cannot
// report: the client (api/worker-client.js) then reports `failed` for it.

export const ENDED = Object.freeze(['done', 'failed', 'cancelled']);

// The changes a run can make; anything else is a bug in the worker, refused loudly.
export const NEXT = Object.freeze({
  idle: ['preparing'],
  // a run with no steps left ends from here; a run started paused waits before its first step
  preparing: ['training', 'paused', ...ENDED],
  training: ['paused', ...ENDED],
  // a paused run steps again, or is cancelled, or fails (a lost device wakes it)
  paused: ['training', 'cancelled', 'failed'],
  done: [], failed: [], cancelled: [],
});

export class Lifecycle {
  #state = 'idle';
  #send;

  /** send(msg): posts a run message (the caller adds the run's id). */
  constructor(send) { this.#send = send; }

  get state() { return this.#state; }
  get ended() { return ENDED.includes(this.#state); }

  /** Moves to `state` and reports it with `extra` ({ step }, { until }, { message }). The same
   *  state again is reported again (a paused run told to step once, then to run to the epoch's
   *  end), but is no change. */
  to(state, extra = {}) {
    const from = this.#state;
    if (state !== from && !NEXT[from]?.includes(state)) throw new Error(`a run cannot go from ${from} to ${state}`);
    this.#state = state;
    this.#send({ type: 'state', state, from, ...extra });
  }
}
