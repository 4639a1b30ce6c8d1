// <tabtune-trainer>'s teaching view (attribute `teaching`): a panel that shows a run as it learns,
// for a class to watch — the embedding map, layer activity, loss with the LR schedule, step mode,
// what the model looks at, and its mistakes; a projector mode (attribute `projector`) makes type
// large and charts full-width. It only draws what the worker reports: the run's `activity` on
// each step, its `map` messages, its state (paused, training), tt.attention / tt.mistakes / tt.teachingRows.
// The element passes its hooks through hooks(), its config through config(), and says when a run
// ended; the rest the panel does itself, following the host's attributes.
import { layerActivity } from './activity.js';
import { attentionView, mistakesTable } from './look.js';
import { lossAndLr } from './loss.js';
import { embeddingMap } from './map.js';
import { TEACH_CSS } from './styles.js';
import { el } from '../dom.js';

/** host: the element; tt(): its engine now; fail(e, where): says an error. */
export function teachView(host, tt, fail) {
  const map = embeddingMap();
  const activity = layerActivity();
  const lossHost = el('div', { 'data-chart': 'teach-loss', class: 'teach-loss' });
  let loss = null; // made when first shown: uPlot measures its box
  const btn = (text, send, cls = 'secondary') => el('button', { type: 'button', class: cls, disabled: true, text, onclick: () => send() });
  const step = {
    once: btn('One step', () => tt().stepOnce(runId)), epoch: btn('One epoch', () => tt().stepEpoch(runId)),
    play: btn('Play', () => tt().play(runId)), pause: btn('Pause', () => tt().pause(runId)),
  };
  const startPaused = el('input', { type: 'checkbox' });
  const runState = el('p', { class: 'run-state', role: 'status', 'aria-live': 'polite', text: 'No run yet: press Train.' });
  const projector = el('input', { type: 'checkbox', onchange: () => host.toggleAttribute('projector', projector.checked) });
  const sentence = el('input', { type: 'text', class: 'look-input', 'aria-label': 'A sentence to look at', placeholder: 'Type a sentence (or use the Try-it box)', oninput: () => later() });
  const look = el('div', { class: 'look', 'aria-live': 'polite' });
  const mistakes = mistakesTable();
  const note = el('p', { class: 'note', 'aria-live': 'polite' });
  const h = (id, text) => el('h3', { id, text });
  const section = el('section', { class: 'teach', 'aria-labelledby': 'h-teach', hidden: true },
    el('style', { text: TEACH_CSS }),
    el('div', { class: 'row teach-head' }, el('h2', { id: 'h-teach', text: 'Teaching view: watch it learn' }),
      el('label', { class: 'inline' }, projector, 'Projector mode')),
    note,
    el('div', { class: 'row step-mode', role: 'group', 'aria-label': 'Step mode' },
      el('label', { class: 'inline' }, startPaused, 'Start the next run paused'), step.once, step.epoch, step.play, step.pause),
    runState,
    el('div', { class: 'teach-grid' },
      el('div', { class: 'teach-cell', 'aria-labelledby': 'h-t-map', role: 'region' }, h('h-t-map', '1. How the classes pull apart'), map.figure),
      el('div', { class: 'teach-cell', 'aria-labelledby': 'h-t-loss', role: 'region' }, h('h-t-loss', '2. Loss and learning rate'), lossHost),
      el('div', { class: 'teach-cell wide', 'aria-labelledby': 'h-t-act', role: 'region' }, h('h-t-act', '3. Which layers change'), activity.figure),
      el('div', { class: 'teach-cell', 'aria-labelledby': 'h-t-look', role: 'region' }, h('h-t-look', '4. What it looks at'), sentence, look),
      el('div', { class: 'teach-cell', 'aria-labelledby': 'h-t-mis', role: 'region' }, h('h-t-mis', '5. Mistakes'), mistakes.wrap)));

  let runId = null;
  let info = null;
  let lastStep = 0;
  let timer = 0;
  let collecting = false; // this run was started with teaching on

  // s: 'paused' (after step `at`; 0: before the first) or 'playing' (until: null, 'step' or
  // 'epoch'), as the worker said; null before it has said either
  function setState(s, at, until = null) {
    const running = runId != null;
    step.once.disabled = step.epoch.disabled = step.play.disabled = !running || s !== 'paused';
    step.pause.disabled = !running || s !== 'playing';
    const where = at ? ` after step ${at} of ${info?.total_steps ?? '?'}` : ' before the first step';
    const going = { step: 'Running one step…', epoch: 'Running to the end of this epoch…' }[until] || 'Playing.';
    runState.textContent = !running ? runState.textContent : s === 'paused' ? `Paused${where}: step through it, or press Play.` : s === 'playing' ? going : 'Preparing the run…';
    runState.dataset.state = running ? s || 'starting' : 'idle';
  }

  async function refresh() {
    const text = sentence.value.trim();
    // only while the panel is shown: otherwise each Try-it keystroke would cost an attention pass
    if (!text || !tt() || !host.hasAttribute('teaching')) { look.replaceChildren(); return; }
    try { look.replaceChildren(...attentionView(text, await tt().attention(text))); } catch (e) { fail(e, look); }
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 250); }
  async function showMistakes() {
    if (!collecting) return;
    try { mistakes.show(await tt().mistakes(), info?.labels); } catch (e) { mistakes.clear(e.message); }
  }

  function sync() {
    const on = host.hasAttribute('teaching');
    section.hidden = !on;
    projector.checked = host.hasAttribute('projector');
    if (on) { loss ??= lossAndLr(lossHost); loss.projector(projector.checked); map.redraw(); activity.redraw(); later(); }
  }
  new MutationObserver(sync).observe(host, { attributes: true, attributeFilter: ['teaching', 'projector'] });
  sync();

  return {
    section,
    /** Puts the panel above the element's three panels, the whole width: turned on, it is what
     *  the screen shows. The Try-it box's sentence is then the one looked at as the user types it. */
    mount(root, ui) {
      root.querySelector('.panels').before(section);
      ui.text.addEventListener('input', () => { sentence.value = ui.text.value; later(); });
    },
    get on() { return host.hasAttribute('teaching'); },
    /** The run's config, asking the core for the teaching numbers while the view is on. */
    config(c) { return this.on ? { ...c, teaching: true } : c; },
    /** The element's run hooks with the panel's own added (and `paused` when asked for). */
    hooks(base) {
      collecting = this.on;
      runId = null; info = null; lastStep = 0;
      setState(null);
      note.textContent = collecting ? '' : 'The teaching view was off when this run started: its numbers are collected from the next run on.';
      loss?.reset();
      mistakes.clear('The rows it gets wrong appear at each epoch’s end.');
      return {
        ...base,
        paused: collecting && startPaused.checked,
        on_start: (x) => {
          base.on_start?.(x);
          runId = x.info.run_id; info = x.info;
          map.reset(info.labels);
          activity.reset(info);
          setState(null);
          if (collecting) tt().teachingRows().then((r) => map.rows(r), (e) => fail(e, note));
        },
        on_step: (s) => {
          base.on_step?.(s);
          lastStep = s.step;
          activity.step(s);
          loss?.step(s.step, s.loss, s.lr);
        },
        on_epoch: (e) => {
          base.on_epoch?.(e);
          if (e.val_loss != null && info?.strategy !== 'contrastive') loss?.val(lastStep, e.val_loss);
          if (collecting) { refresh(); showMistakes(); }
        },
        on_map: (m) => { base.on_map?.(m); map.add(m); },
        // step mode follows the run's state as the worker reports it
        on_state: (x) => {
          base.on_state?.(x);
          if (x.state === 'paused') { setState('paused', x.step ?? lastStep); refresh(); }
          else if (x.state === 'training') setState('playing', lastStep, x.until ?? null);
        },
      };
    },
    /** The run ended (finished, cancelled or failed): the step buttons go quiet, and what it
     *  looks at and gets wrong are those of the model it leaves. */
    ended(result) {
      runId = null;
      runState.textContent = !result ? 'The run failed (see above).' : result.cancelled ? 'Cancelled.' : 'Finished: replay the epochs on the map with its slider.';
      setState(null);
      refresh(); showMistakes();
    },
  };
}
