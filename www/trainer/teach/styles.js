// The teaching view's styles, and projector mode's (attribute `projector` on the element): larger
// type, black on white with thicker lines, and one chart per row at the full width.
export const TEACH_CSS = `
section.teach { border-color: var(--accent); border-width: 3px; }
.teach-head { justify-content: space-between; align-items: center; }
.teach-head h2 { margin: 0; }
.teach h3 { font-size: 1em; margin: .2rem 0 .4rem; }
.teach-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem 1.5rem; }
@container (max-width: 760px) { .teach-grid { grid-template-columns: 1fr; } }
.teach-cell { min-width: 0; }
.teach-cell.wide { grid-column: 1 / -1; }
.step-mode { align-items: center; }
.run-state { font-weight: 700; }
.run-state[data-state=paused] { color: var(--warn); }
.run-state[data-state=playing] { color: var(--ok); }
figure { margin: 0; }
figcaption { font-size: .85em; color: var(--muted); margin-bottom: .3rem; }
.map-wrap { position: relative; border: 1px solid var(--rule); }
.map-wrap canvas { display: block; touch-action: none; }
.teach-map { --dot: 5; --axis-font: 14px system-ui; --map-h: 560; }
.map-tip { position: absolute; max-width: 22rem; background: #fff; color: #111; border: 3px solid #333; border-radius: 6px; padding: .3rem .5rem;
  font-size: .85em; pointer-events: none; box-shadow: 0 2px 6px rgb(0 0 0 / .25); }
.map-slider input { width: 14rem; }
.map-epoch { font-variant-numeric: tabular-nums; min-width: 9rem; }
.legend { list-style: none; padding: 0; margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
.legend li { display: inline-flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border: 1px solid #111; border-radius: 50%; }
.teach-blocks .block { font-size: .8em; }
.strip { display: flex; gap: 8px; align-items: flex-start; }
.strip canvas { --row: 18; display: block; flex: 1; min-width: 0; }
.strip-labels { display: flex; flex-direction: column; font-size: .75em; }
.strip-labels span { height: var(--row, 18px); line-height: var(--row, 18px); white-space: nowrap; padding: 0 .3rem; }
.strip-labels .trained { font-weight: 700; }
.strip-labels .frozen { color: var(--muted); }
.strip-scale { display: flex; align-items: center; gap: .4rem; font-size: .8em; margin-top: .3rem; font-variant-numeric: tabular-nums; }
.strip-ramp { display: inline-block; width: 10rem; height: .9em; border: 1px solid #555; }
.strip-scale .swatch { border-radius: 2px; margin-left: 1rem; }
.strip-metric { display: flex; align-items: center; gap: .2rem 1rem; flex-wrap: wrap; border: 0; padding: 0; margin: .4rem 0; }
.strip-metric legend { float: left; font-weight: 700; margin-right: .5rem; padding: 0; }
.strip-metric label { margin: 0; font-weight: 400; }
.attention { font-size: 1.2em; line-height: 2; }
mark.att { background: rgb(230 159 0 / var(--w)); color: #000; padding: .1em .05em; border-radius: 3px; box-shadow: inset 0 -2px 0 rgb(0 0 0 / calc(var(--w) * .8)); }
.mistakes { max-height: 28rem; overflow: auto; }
.mistakes-table { width: 100%; }
.mistakes-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mistakes-table th { padding: 0; }
.look-input { width: 100%; }
button.sort { white-space: nowrap;  background: none; color: var(--fg); border: 0; border-radius: 0; padding: .2rem .5rem; width: 100%; text-align: left; }
:host([projector]) { font-size: 26px; color: #000; }
:host([projector]) section { border-color: #000; border-width: 3px; }
:host([projector]) .note, :host([projector]) figcaption { color: #000; }
:host([projector]) .teach-grid, :host([projector]) .charts { grid-template-columns: 1fr; }
:host([projector]) .teach-map { --dot: 9; --axis-font: 22px system-ui; --map-h: 760; }
:host([projector]) .strip canvas { --row: 32; }
:host([projector]) .strip-labels, :host([projector]) .teach-blocks .block, :host([projector]) .strip-scale { font-size: .7em; }
:host([projector]) .map-slider input { width: 24rem; }
:host([projector]) button { border-width: 3px; }
:host([projector]) input[type=checkbox], :host([projector]) input[type=radio] { width: .9em; height: .9em; }
:host([projector]) .u-title { font-size: 1em; }
:host([projector]) .u-legend { font-size: .75em; }
:host([projector]) .bar-row { grid-template-columns: minmax(5rem, 12rem) 1fr 7rem; }
`;
