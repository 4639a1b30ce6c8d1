// Styles of Sounds mode (view.js, live.js, train.js), in the widget's shadow DOM beside styles.js.
// The card, thumbnail and record-button rules they share with Images mode are images/styles.js's
// (always in the shadow root); these are what differs: waveforms, the level meter, the classes
// shown or hidden by mode.
export const SOUNDS_CSS = `
.tt-root.sounds-mode .text-only, .tt-root.sounds-mode .not-sound, .tt-root:not(.sounds-mode) .sound-only { display: none !important; }
.snd-summary { font-weight: 700; }
.snd-classes { display: grid; gap: .8rem; margin-top: .6rem; }
section.snd-class { border-width: 1px; margin: 0; }
.snd-class .class-name { font-weight: 700; width: 14rem; max-width: 100%; }
.snd-class .row { margin-bottom: .4rem; align-items: center; }
ul.thumbs.waves li { width: 104px; height: 44px; }
ul.thumbs.waves canvas { display: block; width: 104px; height: 44px; border: 1px solid #999; border-radius: 4px; background: #f4f4f4; }
label.mic-level { flex-direction: row; align-items: center; gap: .5rem; margin: 0; }
label.mic-level meter { width: 12rem; max-width: 100%; height: 1.3rem; }
button.listen[aria-pressed=true] { background: #D55E00; border-color: #D55E00; }
.snd-live-top { font-size: 2.2em; font-weight: 800; margin: .3rem 0; min-height: 1.3em; }
.snd-problems ul { margin: .2rem 0 .6rem; }
`;
