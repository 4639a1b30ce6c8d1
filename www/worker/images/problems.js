// The core's image rules, asked of the wasm (src/web/rules.rs) rather than kept here as a copy:
// the limits, which paths are data, the messages for bad files (the CLI's words, so a folder
// reads the same in the tab and on the command line) and the class order. The calls are
// synchronous once the engine is compiled; every image request awaits `rulesReady` first.
import { image_class_order, image_paths, image_problem, image_rules } from '../../pkg/tabtune.js';
import { wasmReady } from '../state.js';

let limits = null;
/** Resolves once the wasm answers (the worker's 'init' compiles it). */
export const rulesReady = () => wasmReady;

/** { max_pixels, max_file_bytes, extensions, formats }. */
export const rules = () => (limits ??= image_rules());

const say = (problem, fields = {}) => image_problem({ problem, ...fields });
export const notAnImage = (name) => say('not_an_image', { name: String(name) });
export const damaged = (detail) => say('damaged', { detail: String(detail) });
export const noPixels = (width, height) => say('no_pixels', { width, height });
export const tooManyPixels = (width, height) => say('too_many_pixels', { width, height });
export const tooLargeFile = (bytes) => say('too_large_file', { bytes });
export const cmyk = () => say('cmyk');
export const animatedGif = () => say('animated_gif');
export const unreadable = (detail) => say('unreadable', { detail: String(detail) });

/** Each path as the rules see it: [{ path, normalized, ignored, image }]. */
export const pathInfo = (paths) => image_paths(paths);
/** Files nobody meant as data (hidden, __MACOSX/, Thumbs.db). */
export const isIgnored = (path) => image_paths([path])[0].ignored;
/** Whether the name's extension is an image format's. */
export const hasImageExtension = (path) => image_paths([path])[0].image;

/** Class names in index order, as the CLI orders labels. */
export const sortClasses = (names) => image_class_order(names);
