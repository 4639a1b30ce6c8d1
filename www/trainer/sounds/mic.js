// The microphone, Teachable-Machine style: a level meter, and "Hold to record" buttons
// (../kinds/capture.js) that record into their class while held. A press records at least one
// second — Teachable Machine records fixed one-second clips — so a quick tap still catches the
// word said just after it; a long press records until release (at most MAX_S: the
// worker keeps the loudest second). The samples come from an AudioWorklet (capture-worklet.js)
// into a ring holding the last RING_S seconds at the AudioContext's rate; live listening
// (live.js) reads its last second. Echo cancellation, noise suppression and gain control are off:
// they change a voice from moment to moment, and the model should hear what the files hold. The
// stream stops whenever the page leaves Sounds mode, so the microphone never stays on unseen.
import { el } from '../dom.js';
import { deviceError, holdGroup } from '../kinds/capture.js';

const MIN_S = 1;
const MAX_S = 10;
const RING_S = MAX_S + 2;
const FLOOR_DB = -60; // the meter's zero: the core calls a clip quieter than this at its peak silent
const METER_S = 0.05; // the meter shows the peak of the last 50 ms…
const FALL = 0.04; // …and falls by at most this much a frame, so a word's peak can be seen

/** onRecording(samples, sample_rate, label) takes each recording; say(text, isError) reports. */
export function microphone(onRecording, say) {
  let live = null; // { stream, ctx, node } while on
  let ring = null;
  let written = 0; // samples captured since the start (the ring holds the last ring.length)
  let starting = 0; // a start in progress; stop() bumps it so a late getUserMedia is let go
  let frame = 0;
  let recording = false; // one recording at a time
  const waiters = new Set(); // recordings waiting for their last samples: called after each block
  const holds = holdGroup(); // every Hold-to-record button, enabled while the microphone is on
  const stopped = new Set(); // called when the stream stops (live listening ends with it)
  const reduced = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)');

  const toggle = el('button', { type: 'button', class: 'secondary', text: 'Start the microphone', onclick: () => (live ? stop() : start()) });
  const meter = el('meter', { min: 0, max: 1, low: 0.25, high: 0.95, optimum: 0.6, value: 0 });
  const level = el('label', { class: 'mic-level', hidden: true }, 'Microphone level', meter);

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia || !globalThis.AudioWorkletNode) {
      say('This page cannot use a microphone here: it needs https (or localhost) and a browser with microphone access and AudioWorklet.', true);
      return false;
    }
    const me = ++starting;
    toggle.disabled = true;
    let stream = null, ctx = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
      ctx = new AudioContext();
      await ctx.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
      if (me !== starting) throw new Error('stopped'); // Sounds mode was left while the browser asked
      const node = new AudioWorkletNode(ctx, 'tabtune-capture', { numberOfOutputs: 1, outputChannelCount: [1] });
      ring = new Float32Array(Math.round(ctx.sampleRate * RING_S));
      written = 0;
      node.port.onmessage = (e) => take(e.data);
      // a node that reaches no destination may never be run: through a muted gain, so nothing is heard
      const mute = ctx.createGain();
      mute.gain.value = 0;
      ctx.createMediaStreamSource(stream).connect(node).connect(mute).connect(ctx.destination);
      await ctx.resume();
      live = { stream, ctx, node };
      stream.getAudioTracks()[0]?.addEventListener('ended', () => { stop(); say('The microphone was disconnected.', true); });
      toggle.textContent = 'Stop the microphone';
      level.hidden = false;
      frame = requestAnimationFrame(draw);
      say('Microphone on: hold a class’s “Hold to record” button and say its word (each press records at least one second).');
    } catch (e) {
      stream?.getTracks().forEach((t) => t.stop());
      ctx?.close().catch(() => {});
      if (me === starting) { stop(); say(deviceError(e, 'microphone'), true); }
    } finally {
      toggle.disabled = false;
      holds.enable(Boolean(live));
    }
    return Boolean(live);
  }

  function stop() {
    starting += 1;
    if (live) say('Microphone off.'); // "Microphone on" must not outlive the stream
    live?.stream.getTracks().forEach((t) => t.stop());
    if (live) live.node.port.onmessage = null;
    live?.ctx.close().catch(() => {});
    live = null;
    cancelAnimationFrame(frame);
    meter.value = 0;
    level.hidden = true;
    toggle.textContent = 'Start the microphone';
    holds.stop();
    for (const w of [...waiters]) w();
    for (const f of stopped) f();
  }

  // one block from the worklet into the ring
  function take(block) {
    if (!ring) return;
    let at = written % ring.length;
    const first = Math.min(block.length, ring.length - at);
    ring.set(block.subarray(0, first), at);
    ring.set(block.subarray(first), 0);
    written += block.length;
    for (const w of [...waiters]) w();
  }

  /** Samples [from, to) of the stream, the part still in the ring. */
  function slice(from, to) {
    from = Math.max(from, written - ring.length, 0);
    const out = new Float32Array(Math.max(0, to - from));
    for (let i = 0; i < out.length; i++) out[i] = ring[(from + i) % ring.length];
    return out;
  }

  /** The last `seconds` of the microphone (mono, at sampleRate), or null while off or not yet
   *  that long on. */
  function last(seconds) {
    if (!live) return null;
    const n = Math.round(seconds * live.ctx.sampleRate);
    return written < n ? null : slice(written - n, written);
  }

  // the meter: the recent peak in dB between FLOOR_DB and 0, once a frame (with reduced motion
  // asked for, five times a second: a bar that jumps every frame is motion)
  let drawn = 0;
  function draw(t) {
    if (!live) return;
    if (!reduced?.matches || t - drawn > 200) {
      drawn = t;
      let peak = 0;
      for (const v of last(METER_S) ?? []) peak = Math.max(peak, Math.abs(v));
      const now = Math.max(0, 1 - (20 * Math.log10(Math.max(peak, 1e-9))) / FLOOR_DB);
      meter.value = Math.max(now, meter.value - FALL);
    }
    frame = requestAnimationFrame(draw);
  }

  // resolves true once `until` samples have come, false if the microphone stopped first
  const reached = (until) => new Promise((resolve) => {
    const check = () => {
      if (!live || written >= until) { waiters.delete(check); resolve(Boolean(live)); }
    };
    waiters.add(check);
    check();
  });

  /** A "Hold to record" button for class label() (a function: the class may be renamed). */
  function holdButton(label) {
    let from = null; // the sample the press began at
    let limit = null;
    const begin = (button) => {
      if (from !== null || recording || !live) return;
      recording = true;
      from = written;
      button.setAttribute('aria-pressed', 'true');
      limit = setTimeout(() => end(button, false), MAX_S * 1000);
    };
    // cancel: the microphone stopped (or the class went away): nothing to keep
    const end = async (button, cancel) => {
      if (from === null) return;
      const start = from;
      from = null;
      clearTimeout(limit);
      // pressed until the clip is complete: a short press still records its full second
      const rate = live?.ctx.sampleRate;
      const until = Math.max(written, start + Math.round(MIN_S * rate));
      const ok = !cancel && live && (await reached(Math.min(until, start + MAX_S * rate)));
      button.setAttribute('aria-pressed', 'false');
      recording = false;
      if (ok) onRecording(slice(start, Math.min(until, start + MAX_S * rate)), rate, label());
    };
    return holds.button(Boolean(live), { begin, end });
  }

  return {
    toggle, level, start, stop, last, holdButton,
    onStop: (f) => stopped.add(f),
    get on() { return Boolean(live); },
    get sampleRate() { return live?.ctx.sampleRate ?? null; },
  };
}
