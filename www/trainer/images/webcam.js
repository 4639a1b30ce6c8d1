// The webcam, Teachable-Machine style: a preview, and "Hold to record" buttons that grab ~10
// frames a second into their class while held (pointer, or Space / Enter from the keyboard).
// Frames leave as ImageBitmaps for the worker to crop and resize; the stream stops whenever the
// page leaves Images mode, so the camera light never stays on behind the user's back.
import { el } from '../dom.js';

const FPS = 10;

/** onFrames(bitmaps, label) takes each frame; say(text, isError) reports. */
export function webcam(onFrames, say) {
  let stream = null;
  const video = el('video', { muted: true, playsinline: true, 'aria-label': 'Camera preview', hidden: true });
  video.muted = true;
  const toggle = el('button', { type: 'button', class: 'secondary', text: 'Start the camera', onclick: () => (stream ? stop() : start()) });
  const holds = new Set(); // every Hold-to-record button, enabled while the camera runs
  const stopped = new Set(); // called when the stream stops (live prediction ends with it)

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia) { say('This page cannot use a camera here: it needs https (or localhost) and a browser with camera access.', true); return; }
    toggle.disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 320 }, height: { ideal: 240 } }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      toggle.textContent = 'Stop the camera';
      say('Camera on: hold a class’s “Hold to record” button to record frames into it.');
    } catch (e) {
      stop();
      say(cameraError(e), true);
    } finally {
      toggle.disabled = false;
      for (const b of holds) b.disabled = !stream;
    }
    return Boolean(stream);
  }

  function stop() {
    if (stream) say('Camera off.'); // "Camera on" must not outlive the stream
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    toggle.textContent = 'Start the camera';
    for (const b of holds) { b.disabled = true; b.dispatchEvent(new Event('tabtune-stop')); }
    for (const f of stopped) f();
  }

  /** The preview's current frame as an ImageBitmap, or null while there is none. */
  async function frame() {
    if (!stream || video.readyState < 2) return null;
    return createImageBitmap(video);
  }

  /** A "Hold to record" button for class label() (a function: the class may be renamed). */
  function holdButton(label) {
    const button = el('button', { type: 'button', class: 'record', disabled: !stream, 'aria-pressed': 'false', text: 'Hold to record' });
    let timer = null;
    let grabbed = 0;
    const grab = async () => {
      if (!stream || video.readyState < 2) return;
      try { onFrames([await createImageBitmap(video)], label()); grabbed += 1; } catch { /* a frame between stream states: skip it */ }
    };
    const begin = () => {
      if (timer || !stream) return;
      button.setAttribute('aria-pressed', 'true');
      grab();
      timer = setInterval(grab, 1000 / FPS);
    };
    const end = () => {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      button.setAttribute('aria-pressed', 'false');
      // one announcement per recording (the counts line changes with every frame, so it is not live)
      say(`Recorded ${grabbed} frame${grabbed === 1 ? '' : 's'} into ${label()}.`);
      grabbed = 0;
    };
    button.addEventListener('pointerdown', (e) => { button.setPointerCapture?.(e.pointerId); begin(); });
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture', 'blur', 'tabtune-stop']) button.addEventListener(type, end);
    button.addEventListener('keydown', (e) => {
      if (e.key !== ' ' && e.key !== 'Enter') return;
      e.preventDefault(); // no page scroll, no click
      if (!e.repeat) begin();
    });
    button.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') end(); });
    holds.add(button);
    button.forget = () => { end(); holds.delete(button); };
    return button;
  }

  return { video, toggle, start, stop, frame, holdButton, onStop: (f) => stopped.add(f), get on() { return Boolean(stream); } };
}

function cameraError(e) {
  switch (e?.name) {
    case 'NotAllowedError': case 'SecurityError':
      return 'The camera was not allowed: allow it for this site in the browser’s address bar, then press “Start the camera” again.';
    case 'NotFoundError': case 'OverconstrainedError':
      return 'No camera was found on this device.';
    case 'NotReadableError': case 'AbortError':
      return 'The camera could not be started: another program may be using it.';
    default:
      return `The camera could not be started (${e?.message || e}).`;
  }
}
