// Styles of the Images data panel (view.js), in the widget's shadow DOM beside styles.js.
export const IMAGES_CSS = `
.tt-root.images-mode .text-only, .tt-root:not(.images-mode) .image-only { display: none !important; }
.live-top { font-size: 2.2em; font-weight: 800; margin: .3rem 0; min-height: 1.3em; }
.images-panel video { display: block; width: 320px; max-width: 100%; margin: .5rem 0; border: 2px solid var(--line); border-radius: 6px; }
.img-summary { font-weight: 700; }
.img-classes { display: grid; gap: .8rem; margin-top: .6rem; }
section.img-class { border-width: 1px; margin: 0; }
.img-class .class-name { font-weight: 700; width: 14rem; max-width: 100%; }
.img-class .row { margin-bottom: .4rem; align-items: center; }
button.record[aria-pressed=true] { background: #D55E00; border-color: #D55E00; }
.button-like { display: inline-block; margin: 0; padding: .35rem 1rem; border: 2px solid var(--accent); border-radius: 6px; color: var(--accent); font-weight: 600; cursor: pointer; }
.button-like:focus-within { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ul.thumbs { list-style: none; display: flex; flex-wrap: wrap; gap: .4rem; padding: 0; margin: 0; }
ul.thumbs li { position: relative; width: 72px; height: 72px; }
ul.thumbs img { display: block; width: 72px; height: 72px; border-radius: 4px; }
button.thumb-delete { position: absolute; top: 2px; right: 2px; padding: 0 .35rem; line-height: 1.2; font-size: .9em; background: #fff; color: #b00020; border-color: #b00020; }
.img-problems ul { margin: .2rem 0 .6rem; }
`;
