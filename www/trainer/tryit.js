// <tabtune-trainer>'s "Try it" and "Take it home": a typed text's prediction (a moment after the
// user stops typing), a whole file's predictions as CSV, the model as a zip or an .onnx file. `ui()` and `tt()`
// give the element's controls and engine as they are now (a lost GPU makes a new engine).
import { downloadModel, downloadPredictions } from './export.js';
import { predictionView } from './results.js';
import { el } from './dom.js';

export function tryIt(ui, tt, fail) {
  let timer = 0;
  async function predict() {
    const text = ui().text.value.trim();
    if (!text) { ui().prediction.replaceChildren(); return; }
    try {
      const [p] = await tt().predict([text]);
      ui().prediction.replaceChildren(...predictionView(p));
    } catch (e) { fail(e, ui().prediction); }
  }
  return {
    schedulePredict() { clearTimeout(timer); timer = setTimeout(predict, 250); },
    async predictFile(file) {
      try {
        const n = await downloadPredictions(tt(), file);
        ui().prediction.replaceChildren(el('p', { text: `Predicted ${n} texts from ${file.name}; the CSV was downloaded.` }));
      } catch (e) { fail(e, ui().prediction); }
    },
    async download(format) {
      ui().downloadError.textContent = '';
      try { await downloadModel(tt(), format); } catch (e) { fail(e, ui().downloadError); }
    },
  };
}
