// <tabtune-trainer>'s shadow-DOM styles: large type and high contrast for projectors, the
// Okabe–Ito colour-blind-safe palette, a dark palette when the page asks for one, and no motion
// when the system asks for less. The three panels (layout.js) sit side by side when the widget is
// wide, Data and Train side by side with Try it below when it is middling, and stack when narrow:
// container queries, so an embedded widget follows its own width, not the window's, in em, so
// larger type (projector mode: 26 px) takes fewer columns (61em: 1,098 px at 18 px).
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

// The colours every rule uses, light and dark: the widget follows its page's color-scheme (the
// app's index.html says "light dark": the system's choice; a page that says nothing stays light),
// and projector mode is always black on white. Dark: text ≥ 7:1 on the background, the accent
// (Okabe–Ito sky blue) ≥ 8:1. Charts, maps and waveforms stay light cards in both (their
// canvases draw dark on light).
const COLOURS = [['fg', '#111', '#ececec'], ['bg', '#fff', '#15181c'], ['muted', '#333', '#c9c9c9'], ['line', '#333', '#8c939b'],
  ['accent', '#0072B2', '#56B4E9'], ['on-accent', '#fff', '#0b0b0b'], ['focus', '#D55E00', '#E69F00'], ['error', '#b00020', '#ff8f8f'],
  ['ok', '#006b3c', '#6fdc9f'], ['warn', '#8a5f00', '#f3c969'], ['soft', '#f3f3f3', '#22272d'], ['track', '#e5e5e5', '#3b4148'], ['rule', '#999', '#6b737b']];
const VARS = COLOURS.map(([name, light, dark]) => `--${name}: light-dark(${light}, ${dark});`).join(' ');

export const CSS = `
:host { ${VARS} display: block; font: 18px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); container-type: inline-size; }
:host([projector]) { color-scheme: light; }
:host([compact]) { font-size: 15px; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.status-bar { display: flex; gap: .5rem 1rem; align-items: center; font-size: .85em; min-height: calc(2 * 1.45em); margin: 0 0 .5rem; }
.status-bar p { flex: 1; margin: 0; }
progress.load { width: 9rem; height: 1rem; flex: none; }
progress.load[data-state=idle] { visibility: hidden; }
.panels { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 43em) { :host(:not([compact])) .panels { grid-template-columns: minmax(0, 1fr) minmax(0, 1.25fr); }
  :host(:not([compact])) .panel[aria-labelledby=h-try] { grid-column: 1 / -1; } }
@container (min-width: 61em) { :host(:not([compact])) .panels { grid-template-columns: minmax(0, 1fr) minmax(0, 1.45fr) minmax(0, 1fr); }
  :host(:not([compact])) .panel[aria-labelledby=h-try] { grid-column: auto; } }
section { border: 2px solid var(--line); border-radius: 8px; padding: .6rem 1rem 1rem; margin: 0 0 1rem; min-width: 0; }
.panels > section { margin: 0; overflow-wrap: break-word; }
/* a table wider than its panel scrolls in it, never under the panel beside it (a scrolling box
   holds controls, so the keyboard scrolls it too: the search table's buttons, the panel's own) */
.panels > section, .wide { overflow-x: auto; }
h2 { font-size: 1.15em; margin: .2rem 0 .6rem; }
h3 { font-size: 1em; margin: 1rem 0 .4rem; }
.settings { border-top: 1px solid var(--rule); margin-top: 1rem; }
.settings > details { margin: .4rem 0 0; }
/* the settings in even columns; a select (Start from) takes a whole row */
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 8.5rem), 1fr)); gap: 0 1rem; align-items: start; }
.fields .field, .fields > label { margin: 0 0 .4rem; }
.fields > label { grid-column: 1 / -1; }
.fields input[type=number] { width: 100%; }
.fields .field-help { max-width: none; }
label { display: inline-flex; flex-direction: column; margin: 0 1rem .6rem 0; font-weight: 600; max-width: 100%; }
.field { display: inline-flex; flex-direction: column; margin: 0 1rem .6rem 0; max-width: 24rem; }
.field > label { margin: 0; }
label.inline { flex-direction: row; align-items: center; gap: .4rem; }
input, select, button, textarea { font: inherit; max-width: 100%; }
input, select, textarea { color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
input[type=number] { width: 7rem; }
input[type=number][placeholder] { width: 10rem; }
input[type=file] { border: 0; background: none; }
button { padding: .35rem 1rem; border: 2px solid var(--accent); border-radius: 6px; background: var(--accent); color: var(--on-accent); font-weight: 600; cursor: pointer;
  transition: background-color .15s, color .15s, box-shadow .15s; }
button:hover:not(:disabled) { box-shadow: 0 0 0 3px color-mix(in srgb, var(--accent) 35%, transparent); }
button.secondary { background: var(--bg); color: var(--accent); }
button.sample { font-size: 1.05em; padding: .5rem 1rem; }
button:disabled { opacity: .45; cursor: default; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.train-row button:first-child { font-size: 1.15em; padding: .45rem 1.6rem; }
.drop { border: 3px dashed var(--rule); border-radius: 8px; padding: .8rem .6rem; text-align: center; transition: border-color .2s, background-color .2s; }
.drop-help { font-size: .85em; margin: 0 0 .5rem; }
.drop.over { border-color: var(--accent); background: var(--soft); }
.error { color: var(--error); font-weight: 700; }
.field-error { color: var(--error); font-size: .85em; font-weight: 600; min-height: 1.1em; }
.field-help { color: var(--muted); font-size: .8em; max-width: 12rem; }
.note { color: var(--muted); }
.ok { color: var(--ok); font-weight: 700; }
details.advanced { margin: .6rem 0 0; }
summary { font-weight: 700; cursor: pointer; }
fieldset.pair { border: 0; padding: 0; margin: 0 1rem .6rem 0; font-weight: 600; }
fieldset.pair legend { padding: 0; }
fieldset.pair input { width: 6rem; margin-right: .3rem; }
fieldset.mode-switch { border: 0; padding: 0; margin: 0 0 .6rem; display: flex; flex-wrap: wrap; gap: .3rem .9rem; align-items: center; font-weight: 600; }
fieldset.mode-switch legend { float: left; width: 100%; padding: 0; }
fieldset.mode-switch input { width: 1.1rem; height: 1.1rem; }
fieldset.mode-switch label { margin: 0; }
fieldset.augment { border: 1px solid var(--rule); border-radius: 6px; margin: .4rem 0; font-weight: 600; }
.search-results td[data-score] { font-variant-numeric: tabular-nums; font-weight: 700; }
table { border-collapse: collapse; margin: .5rem 0; max-width: 100%; }
caption { text-align: left; font-weight: 700; padding: .2rem 0; }
th, td { border: 1px solid var(--rule); padding: .2rem .5rem; text-align: left; vertical-align: top; }
td { max-width: 32rem; overflow-wrap: break-word; }
.confusion th, .confusion td { padding: .15rem .35rem; }
.confusion td { text-align: center; background: rgb(0 114 178 / calc(var(--shade) * .85)); color: var(--fg); font-weight: 700; }
.bars { margin: .5rem 0; }
.bar-row { display: grid; grid-template-columns: minmax(5rem, 12rem) 1fr 4rem; gap: .5rem; align-items: center; }
.bar-label { overflow-wrap: anywhere; }
.bar-track { background: var(--track); height: 1.1rem; border-radius: 3px; }
.bar-fill { display: block; height: 100%; background: var(--accent); border-radius: 3px; transition: width .25s ease-out; }
.layers { display: flex; gap: .3rem; flex-wrap: wrap; margin: .3rem 0; }
.block { border: 2px solid var(--line); border-radius: 5px; padding: .15rem .45rem; font-size: .85em; }
.block.trained { background: #E69F00; border-color: #8a5f00; color: #111; font-weight: 700; }
.block.frozen { background: #eee; color: #444; }
progress { width: 100%; height: 1.4rem; }
.train-progress { min-height: 1.45em; }
.train-progress p { margin: .3rem 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); gap: 1rem; }
.charts > div { min-width: 0; overflow: hidden; }
.charts > [data-chart=loss] { grid-column: 1 / -1; }
/* each chart's drawn height kept from the start: uPlot's stylesheet may arrive after the first
   paint, and the charts growing then would shift the page (layout.test.mjs measures it) */
.charts > [data-chart=loss], .charts > [data-chart=epochs] { min-height: 299px; }
.charts > [data-chart=lr] { min-height: 219px; }
/* an empty chart says what will be drawn in it (words for the eye: the progress line speaks) */
.charts > div { position: relative; }
.charts > div:not([data-points])::after, .charts > div[data-points="0"]::after { content: 'drawn as the model trains'; position: absolute; inset: 45% 0 auto; text-align: center; color: #555; }
[data-chart] { background: #fff; color: #111; border-radius: 6px; }
.row { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; }
.run-badge { align-self: center; font-weight: 700; padding: .1rem .5rem; border-radius: 3px; }
.run-badge:empty { display: none; }
.run-badge[data-state=training], .run-badge[data-state=preparing] { background: #e6f4ec; color: #00502d; animation: pulse 1.6s ease-in-out infinite; }
.run-badge[data-state=paused] { background: #fff3d6; color: #6b4700; }
.run-badge[data-state=failed] { background: #fde8e8; color: #8b0000; }
.run-badge[data-state=done], .run-badge[data-state=cancelled] { background: #eee; color: #333; }
@keyframes pulse { 50% { box-shadow: 0 0 0 4px rgb(0 158 115 / .35); } }
pre { background: var(--soft); padding: .5rem; overflow: auto; font-size: .85em; }
@container (max-width: 480px) { label, .field { display: flex; } .bar-row { grid-template-columns: 6rem 1fr 3.5rem; } }
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;
