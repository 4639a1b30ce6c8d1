// Step mode for a training run (train.js), and the teaching view's calls into it (worker.js).
//
// The train loop calls `gate()` before each step: while paused it waits on a promise that
// play / stepOnce / stepEpoch / cancel resolve (no polling, no busy loop), and it moves the run's
// lifecycle (lifecycle.js) to `paused` ({ step }) or `training` ({ until: null = play on,
// 'step' = one step, 'epoch' = to the next epoch end}), which reports it to the page.
//
// Every call that takes the run's trainer (a step, prepare, a checkpoint, attention, mistakes)
// goes through `exclusive`, one after another, so a teaching call that arrives mid-step waits
// for the step instead of failing with "busy".
export class RunControl {
  #lifecycle;
  #mode;
  #wake = null;
  #lock = Promise.resolve();
  #announced = null;

  // lifecycle: the run's (lifecycle.js); paused: start in step mode.
  constructor(lifecycle, { paused = false } = {}) {
    this.#lifecycle = lifecycle;
    this.#mode = paused ? 'paused' : 'playing';
  }

  get paused() { return this.#mode === 'paused'; }

  // Runs fn() when no other trainer call is in flight; resolves (or rejects) with its result.
  exclusive(fn) {
    const p = this.#lock.then(fn);
    this.#lock = p.catch(() => {});
    return p;
  }

  // Resolves when the next step may run (at once while playing); `me.cancelled` ends the wait.
  async gate(me, step) {
    while (this.#mode === 'paused' && !me.cancelled) {
      if (this.#announced !== 'paused') this.#tell('paused', { step });
      await new Promise((resolve) => { this.#wake = resolve; });
      this.#wake = null;
    }
    if (!me.cancelled && this.#announced !== this.#mode) {
      this.#tell(this.#mode, { until: { playing: null, step: 'step', epoch: 'epoch' }[this.#mode] });
    }
  }

  // After each step: one step, or one epoch, is done → pause again.
  after(s) {
    if (this.#mode === 'step' || (this.#mode === 'epoch' && s.epoch_end)) this.#mode = 'paused';
  }

  // The page's requests. pause takes effect after the step in flight.
  pause() { if (this.#mode !== 'paused') this.#mode = 'paused'; }
  play() { this.#resume('playing'); }
  stepOnce() { this.#resume('step'); }
  stepEpoch() { this.#resume('epoch'); }
  // cancel: the run sets its flag; this only lets a paused loop see it.
  wake() { this.#wake?.(); }

  #resume(mode) {
    this.#mode = mode;
    this.wake();
  }

  #tell(state, extra) {
    this.#announced = state === 'paused' ? 'paused' : this.#mode;
    this.#lifecycle.to(state === 'paused' ? 'paused' : 'training', extra);
  }
}

// The teaching view's map frames the trainer made since the last call, posted as
// { type: 'map', epoch, points } (none unless the run has `teaching`).
export async function postMaps(session, me, control, send) {
  const frames = await control.exclusive(() => session.teaching_maps(me.id));
  for (const f of frames) send({ type: 'map', epoch: f.epoch, points: f.points });
}

// attention / mistakes / teachingRows: on the run's trainer between steps while a training
// runs, else on the session's model and the last run's validation rows.
export function teachingCall(session, run, msg) {
  const call = {
    attention: () => session.attention(String(msg.text ?? '')),
    mistakes: () => session.mistakes(),
    teachingRows: () => session.teaching_rows(),
  }[msg.type];
  if (run?.search) throw new Error(`search ${run.id} is in progress: the teaching view looks into a training run or the trained model`);
  return run?.control ? run.control.exclusive(call) : call();
}
