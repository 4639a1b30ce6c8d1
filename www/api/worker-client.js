// The promise plumbing under Tabtune (../tabtune.js): one module worker, an id per request, the
// request's hooks called as its progress and run messages arrive, and its promise settled by the
// worker's result or error. Tabtune's methods (and images.js's) call the worker through [CALL].

/** The key of the method that posts a request and resolves with its answer (not public API). */
export const CALL = Symbol('tabtune: call the worker');
/** The key of the method that posts a message no answer comes to (cancel, step mode). */
export const POST = Symbol('tabtune: post to the worker');

// The worker's run messages → the hook of the request they belong to.
const HOOKS = { progress: 'on_progress', started: 'on_start', step: 'on_step', epoch: 'on_epoch', checkpoint: 'on_checkpoint', case: 'on_case',
  training: 'on_training', fold: 'on_fold', run_result: 'on_result', map: 'on_map' };
const ENDED = ['done', 'failed', 'cancelled'];

/** A run's lifecycle message (worker/lifecycle.js) to its hooks: on_state, and step mode's
 *  on_paused({ step }) / on_playing({ until }), which say the same in the older words. */
function tellState(handlers, { state, from, ...rest }) {
  handlers.on_state?.({ state, from, ...rest });
  if (state === 'paused') handlers.on_paused?.({ run_id: rest.run_id, step: rest.step });
  else if (state === 'training' && 'until' in rest) handlers.on_playing?.({ run_id: rest.run_id, until: rest.until });
}

export class WorkerClient {
  #worker;
  #pending = new Map();
  #nextId = 1;
  /** Called with { reason, message } when the GPU device is lost: the run stops; resume it from
   *  its last checkpoint in a new Tabtune. */
  on_device_lost = null;
  /** Called with { message } when the worker itself failed (a trap in the engine: out of memory,
   *  a panic): every request in flight rejects, the worker is ended, and this Tabtune refuses
   *  every later call; create a new one (and resume the run from its last checkpoint). */
  on_failed = null;
  /** Why the worker failed, or null while it works. */
  failed = null;

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => this.#receive(data);
    worker.onerror = (e) => this.#fail(e.message || 'could not start');
  }

  // An error nothing in the worker caught: a trapped engine is in no state to go on (its call in
  // flight never settles), so the worker ends here and nothing waits on it.
  #fail(why) {
    if (this.failed || !this.#worker) return;
    this.failed = why;
    this.#worker.terminate();
    this.#worker = null;
    // a run in flight cannot say it failed: this side says it for the worker
    for (const p of this.#pending.values()) {
      if (p.run && !ENDED.includes(p.run.state)) tellState(p.handlers, { run_id: p.run.run_id, state: 'failed', from: p.run.state, message: `the tabtune worker failed (${why})` });
    }
    this.#failAll(new Error(`the tabtune worker failed (${why}); what it held is gone: start a new one`));
    this.on_failed?.({ message: why });
  }

  #receive(msg) {
    if (msg.type === 'device-lost') { this.on_device_lost?.({ reason: msg.reason, message: msg.message }); return; }
    const p = this.#pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'state') {
      const { id, type, ...rest } = msg;
      p.run = { run_id: msg.run_id, state: msg.state };
      tellState(p.handlers, rest);
      return;
    }
    const hook = HOOKS[msg.type];
    if (hook) {
      const { id, type, ...rest } = msg;
      p.handlers[hook]?.(rest);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.type === 'error') p.reject(Object.assign(new Error(msg.message), { state: msg.state }));
    else p.resolve(msg.value);
  }

  #failAll(err) {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  [CALL](msg, handlers = {}, transfer = []) {
    if (this.failed) return Promise.reject(new Error(`this Tabtune's worker failed (${this.failed}): create a new one`));
    if (!this.#worker) return Promise.reject(new Error('this Tabtune was disposed: create a new one'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, handlers });
      this.#worker.postMessage({ ...msg, id }, transfer);
    });
  }

  [POST](msg) {
    this.#worker?.postMessage(msg);
  }

  dispose() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(new Error('this Tabtune was disposed'));
  }
}
