// What a kind's capture device (images/webcam.js, sounds/mic.js) shares with the other's:
// "Hold to record", Teachable-Machine style — a button per class that records while it is held, by
// pointer or Space / Enter from the keyboard, and the group of them, enabled while the device is
// on — and the words for a device the browser would not start. This module says when a recording
// begins and ends; the device says what it records (frames, samples) and when its button shows
// pressed (a press on the microphone stays pressed until its clip is complete).
import { el } from '../dom.js';

/** Returns { button(on, { begin, end }), enable(on), stop() }. */
export function holdGroup() {
  const holds = new Map(); // every Hold-to-record button → its cancel

  /** A "Hold to record" button, enabled if the device is `on`: begin(button) on a press,
   *  end(button, false) on its release, end(button, true) when the device stops or the button
   *  is forgotten (its class went away): nothing more is taken then. */
  function button(on, { begin, end }) {
    const b = el('button', { type: 'button', class: 'record', disabled: !on, 'aria-pressed': 'false', text: 'Hold to record' });
    const release = () => end(b, false);
    b.addEventListener('pointerdown', (e) => { b.setPointerCapture?.(e.pointerId); begin(b); });
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture', 'blur']) b.addEventListener(type, release);
    b.addEventListener('keydown', (e) => {
      if (e.key !== ' ' && e.key !== 'Enter') return;
      e.preventDefault(); // no page scroll, no click
      if (!e.repeat) begin(b);
    });
    b.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') release(); });
    holds.set(b, () => end(b, true));
    b.forget = () => { end(b, true); holds.delete(b); };
    return b;
  }

  return {
    button,
    /** The device started (or did not): its buttons follow. */
    enable(on) { for (const b of holds.keys()) b.disabled = !on; },
    /** The device stopped: every button off, and a recording going on ends with nothing more. */
    stop() { for (const [b, cancel] of holds) { b.disabled = true; cancel(); } },
  };
}

/** Why getUserMedia refused the `device` ('camera', 'microphone'), in words that say what to do. */
export function deviceError(e, device) {
  switch (e?.name) {
    case 'NotAllowedError': case 'SecurityError':
      return `The ${device} was not allowed: allow it for this site in the browser’s address bar, then press “Start the ${device}” again.`;
    case 'NotFoundError': case 'OverconstrainedError':
      return `No ${device} was found on this device.`;
    case 'NotReadableError': case 'AbortError':
      return `The ${device} could not be started: another program may be using it.`;
    default:
      return `The ${device} could not be started (${e?.message || e}).`;
  }
}
