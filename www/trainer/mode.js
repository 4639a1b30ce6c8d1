// The widget's "Train on" switch: Text, Images or Sounds. One data panel shows at a time: the text
// data box in Text mode, images/view.js's panel in Images mode, sounds/view.js's in Sounds mode.
// A panel is told when it is left, so the camera or the microphone goes off with it.
import { el } from './dom.js';

const MODES = [['text', 'Text'], ['images', 'Images'], ['sounds', 'Sounds']];

/** panels: { images, sounds }, each with show(on); onChange(mode) after each switch. */
export function modeSwitch(panels, onChange) {
  let mode = 'text';
  let textData = null;
  const radio = (value, text) => el('label', { class: 'inline' },
    el('input', { type: 'radio', name: 'tabtune-mode', value, checked: value === mode, onchange: () => set(value) }), text);
  const node = el('fieldset', { class: 'mode-switch' }, el('legend', { text: 'Train on' }), ...MODES.map(([v, t]) => radio(v, t)));

  /** Shows `value`'s panel (an unknown value: Text) and hides the others. */
  function set(value, notify = true) {
    mode = MODES.some(([v]) => v === value) ? value : 'text';
    for (const r of node.querySelectorAll('input')) r.checked = r.value === mode;
    if (textData) textData.hidden = mode !== 'text';
    for (const [m, panel] of Object.entries(panels)) panel.show(m === mode);
    if (notify) onChange(mode);
  }

  return {
    /** Puts the switch before the Data section's text controls (`text`, hidden outside Text mode). */
    mount(text) {
      textData = text;
      text.before(node);
    },
    set,
    get mode() { return mode; },
  };
}
