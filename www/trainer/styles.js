// <tabtune-trainer>'s shadow-DOM styles: large type and high contrast for projectors, and the
// Okabe–Ito colour-blind-safe palette.
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const CSS = `
:host { display: block; font: 18px/1.45 system-ui, sans-serif; color: #111; background: #fff; container-type: inline-size; }
:host([compact]) { font-size: 15px; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
section { border: 2px solid #333; border-radius: 8px; padding: .6rem 1rem 1rem; margin: 0 0 1rem; }
h2 { font-size: 1.15em; margin: .2rem 0 .6rem; }
label { display: inline-flex; flex-direction: column; margin: 0 1rem .6rem 0; font-weight: 600; }
.field { display: inline-flex; flex-direction: column; margin: 0 1rem .6rem 0; max-width: 24rem; }
.field > label { margin: 0; }
label.inline { flex-direction: row; align-items: center; gap: .4rem; }
input, select, button { font: inherit; }
input[type=number] { width: 7rem; }
input[type=number][placeholder] { width: 10rem; }
button { padding: .35rem 1rem; border: 2px solid #0072B2; border-radius: 6px; background: #0072B2; color: #fff; font-weight: 600; cursor: pointer; }
button.secondary { background: #fff; color: #0072B2; }
button:disabled { opacity: .45; cursor: default; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
.drop { border: 3px dashed #777; border-radius: 8px; padding: 1rem; text-align: center; }
.drop.over { border-color: #0072B2; background: #eef6fb; }
.error { color: #b00020; font-weight: 700; }
.field-error { color: #b00020; font-size: .85em; font-weight: 600; min-height: 1.1em; }
.field-help { color: #333; font-size: .8em; max-width: 12rem; }
.note { color: #333; }
.ok { color: #006b3c; font-weight: 700; }
details.advanced { margin: .6rem 0 0; }
summary { font-weight: 700; cursor: pointer; }
fieldset.pair { border: 0; padding: 0; margin: 0 1rem .6rem 0; font-weight: 600; }
fieldset.pair legend { padding: 0; }
fieldset.pair input { width: 6rem; margin-right: .3rem; }
fieldset.mode-switch { border: 0; padding: 0; margin: 0 0 .6rem; display: flex; gap: 1rem; align-items: center; font-weight: 600; }
fieldset.mode-switch legend { float: left; padding: 0; margin-right: .5rem; }
fieldset.mode-switch input { width: 1.1rem; height: 1.1rem; }
fieldset.augment { border: 1px solid #999; border-radius: 6px; margin: .4rem 0; font-weight: 600; }
.search-results td[data-score] { font-variant-numeric: tabular-nums; font-weight: 700; }
table { border-collapse: collapse; margin: .5rem 0; max-width: 100%; }
caption { text-align: left; font-weight: 700; padding: .2rem 0; }
th, td { border: 1px solid #999; padding: .2rem .5rem; text-align: left; vertical-align: top; }
td { max-width: 32rem; overflow-wrap: break-word; }
.confusion td { text-align: center; background: rgb(0 114 178 / calc(var(--shade) * .85)); color: #000; font-weight: 700; }
.bars { margin: .5rem 0; }
.bar-row { display: grid; grid-template-columns: minmax(5rem, 12rem) 1fr 4rem; gap: .5rem; align-items: center; }
.bar-label { overflow-wrap: anywhere; }
.bar-track { background: #e5e5e5; height: 1.1rem; border-radius: 3px; }
.bar-fill { display: block; height: 100%; background: #0072B2; border-radius: 3px; }
.layers { display: flex; gap: .3rem; flex-wrap: wrap; margin: .3rem 0; }
.block { border: 2px solid #555; border-radius: 5px; padding: .15rem .45rem; font-size: .85em; }
.block.trained { background: #E69F00; border-color: #8a5f00; font-weight: 700; }
.block.frozen { background: #eee; color: #444; }
progress { width: 100%; height: 1.4rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.charts > div { min-width: 0; overflow: hidden; }
.row { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; }
.run-badge { align-self: center; font-weight: 700; padding: .1rem .5rem; border-radius: 3px; }
.run-badge:empty { display: none; }
.run-badge[data-state=training], .run-badge[data-state=preparing] { background: #e6f4ec; color: #00502d; }
.run-badge[data-state=paused] { background: #fff3d6; color: #6b4700; }
.run-badge[data-state=failed] { background: #fde8e8; color: #8b0000; }
.run-badge[data-state=done], .run-badge[data-state=cancelled] { background: #eee; color: #333; }
pre { background: #f3f3f3; padding: .5rem; overflow: auto; font-size: .85em; }
@container (max-width: 480px) { label, .field { display: flex; } .bar-row { grid-template-columns: 6rem 1fr 3.5rem; } }
`;
