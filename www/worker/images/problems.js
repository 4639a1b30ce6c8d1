// The messages for bad image files and data: the same words as the CLI's
// src/data/images/problems.rs (keep the two in step), so a folder reads the same in the tab and on
// the command line. Each says what is wrong and what to do; the page shows it after the file name.

export const MAX_PIXELS = 50_000_000;
export const MAX_FILE_BYTES = 64 * 2 ** 20;
const FORMATS = 'JPEG, PNG, GIF, BMP or WebP';
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'jfif'];

const extension = (name) => {
  const base = name.split('/').pop();
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(dot + 1).toLowerCase() : null;
};
export const hasImageExtension = (name) => IMAGE_EXTENSIONS.includes(extension(name));

export function notAnImage(name) {
  const ext = extension(name);
  return IMAGE_EXTENSIONS.includes(ext)
    ? `named .${ext} but its content is not a ${FORMATS} image (perhaps another kind of file renamed): open it in an image viewer and save it as JPEG or PNG, or remove it`
    : `not an image (${FORMATS}): convert it to JPEG or PNG, or remove it`;
}
export const damaged = (detail) => `the image is truncated or damaged and could not be decoded (${detail}): open it in an image viewer and save it again, or remove it`;
export const noPixels = (w, h) => `the image has no pixels (${w}×${h}): remove it, or save it again from the original`;
export const tooManyPixels = (w, h) => `the image is ${w}×${h} pixels (${Math.round((w * h) / 1e6)} megapixels), too large to decode (the limit is ${MAX_PIXELS / 1e6} megapixels): scale it down (a few hundred pixels a side is plenty for training) and add it again`;
export const tooLargeFile = (bytes) => `the file is ${Math.ceil(bytes / 2 ** 20)} MB, over the ${MAX_FILE_BYTES / 2 ** 20} MB limit for one image (or a zip entry that inflates to more): scale it down or save it as JPEG`;
export const CMYK = 'a CMYK JPEG (print colours, which browsers and this decoder do not show the same way): save it as RGB (sRGB), e.g. "Export as JPEG" with colour mode RGB';
export const ANIMATED_GIF = 'an animated GIF (more than one frame), so it is not clear which frame to learn from: save the frame you want as PNG or JPEG (or each frame as its own file)';
export const unreadable = (detail) => `could not be read (${detail}): check that the file is there and readable`;
export const NOT_IN_CLASS_FOLDER = 'not in a class folder, so it has no label, and was left out: move it into the folder named after its class';

/** Zip and folder paths: forward slashes, no leading "./" or "/", no empty parts. */
export const normalizePath = (path) => path.replaceAll('\\', '/').split('/').filter((p) => p && p !== '.').join('/');

/** Files nobody meant as data: macOS's __MACOSX/ and .DS_Store, anything hidden, Thumbs.db. */
export const isIgnored = (path) => path.split('/').some((p) => p === '__MACOSX' || p.startsWith('.') || p === 'Thumbs.db' || p === 'desktop.ini');

/** Class names in index order, as the CLI orders labels: numerically when every one is an
 *  integer ("2" before "10"), else in code-unit order. */
export function sortClasses(names) {
  const text = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  if (names.length && names.every((n) => /^[+-]?\d+$/.test(n))) return [...names].sort((a, b) => Number(a) - Number(b) || text(a, b));
  return [...names].sort(text);
}
