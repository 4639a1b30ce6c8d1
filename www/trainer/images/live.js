// After an image run, "Try it" in Images mode (../kinds/live.js draws it): live webcam prediction
// and one picture's prediction. Frames go one at a time — grab → predictImage → show → next — at
// most FPS a second. The camera is the Images panel's (webcam.js).
import { livePrediction } from '../kinds/live.js';

const FPS = 10;

/** tt(): the Tabtune; camera: webcam.js's. Returns { box, enable(on), stop() }. */
export function imagesLive(tt, camera) {
  return livePrediction({
    device: camera,
    toggle: { text: 'Start live prediction', stop: 'Stop live prediction' },
    box: 'image-only live',
    prefix: 'live',
    intro: 'After training: the webcam’s frames or a picture, through the fine-tuned model.',
    needs: 'Live prediction needs the camera: see the Images panel’s message above.',
    async input() {
      try { return await camera.frame(); } catch { return null; } // between stream states: try the next
    },
    idle: 50, // the preview is not playing yet
    predict: (frame) => tt().predictImage(frame),
    every: 1000 / FPS,
    over: 10,
    rate: (perSecond, ms) => `${perSecond.toFixed(1)} frames per second (${Math.round(ms)} ms per prediction)`,
    file: { accept: 'image/*', label: 'Predict a picture: drop one image file here, or choose one', predict: (file) => tt().predictImage(file) },
  });
}
