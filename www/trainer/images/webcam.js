// The webcam, Teachable-Machine style: a preview, and "Hold to record" buttons
// (../kinds/capture.js) that grab ~10 frames a second into their class while held. Frames leave
// as ImageBitmaps for the worker to crop and resize; the stream stops whenever the page leaves
// Images mode, so the camera light never stays on behind the user's back.
import { el } from '../dom.js';
import { deviceError, holdGroup } from '../kinds/capture.js';

const FPS = 10;

/** onFrames(bitmaps, label) takes each frame; say(text, isError) reports. */
export function webcam(onFrames, say) {
  let stream = null;
  const video = el('video', { muted: true, playsinline: true, 'aria-label': 'Camera preview', hidden: true });
  video.muted = true;
  const toggle = el('button', { type: 'button', class: 'secondary', text: 'Start the camera', onclick: () => (stream ? stop() : start()) });
  const holds = holdGroup(); // every Hold-to-record button, enabled while the camera runs
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
      say(deviceError(e, 'camera'), true);
    } finally {
      toggle.disabled = false;
      holds.enable(Boolean(stream));
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
    holds.stop();
    for (const f of stopped) f();
  }

  /** The preview's current frame as an ImageBitmap, or null while there is none. */
  async function frame() {
    if (!stream || video.readyState < 2) return null;
    return createImageBitmap(video);
  }

  /** A "Hold to record" button for class label() (a function: the class may be renamed). */
  function holdButton(label) {
    let timer = null;
    let grabbed = 0;
    const grab = async () => {
      if (!stream || video.readyState < 2) return;
      try { onFrames([await createImageBitmap(video)], label()); grabbed += 1; } catch { /* a frame between stream states: skip it */ }
    };
    const begin = (button) => {
      if (timer || !stream) return;
      button.setAttribute('aria-pressed', 'true');
      grab();
      timer = setInterval(grab, 1000 / FPS);
    };
    // the frames taken so far are kept, whether released or stopped
    const end = (button) => {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      button.setAttribute('aria-pressed', 'false');
      // one announcement per recording (the counts line changes with every frame, so it is not live)
      say(`Recorded ${grabbed} frame${grabbed === 1 ? '' : 's'} into ${label()}.`);
      grabbed = 0;
    };
    return holds.button(Boolean(stream), { begin, end });
  }

  return { video, toggle, start, stop, frame, holdButton, onStop: (f) => stopped.add(f), get on() { return Boolean(stream); } };
}
