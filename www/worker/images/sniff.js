// What an image file is, read from its bytes before anything decodes it: format, size, whether it
// is animated, CMYK or cut short. createImageBitmap would happily allocate 20k×20k×4 bytes for a
// huge image, take the first frame of an animated GIF and fill a truncated JPEG with grey, so
// these checks run first and give each bad file a reason a person can act on (problems.js: the
// CLI's words, so a folder is judged the same in the tab and on the command line).
import { animatedGif, cmyk, damaged, noPixels, notAnImage, rules, tooManyPixels } from './problems.js';

const be16 = (b, i) => (b[i] << 8) | b[i + 1];
const be32 = (b, i) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const le16 = (b, i) => b[i] | (b[i + 1] << 8);
const le24 = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const le32 = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const ascii = (b, i, n) => String.fromCharCode(...b.subarray(i, i + n));

/** { format, width, height, animated, cmyk, truncated } or null when no format matches. */
export function sniff(b) {
  if (b.length >= 8 && be32(b, 0) === 0x89504e47 && be32(b, 4) === 0x0d0a1a0a) return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (b.length >= 6 && /^GIF8[79]a$/.test(ascii(b, 0, 6))) return gif(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (b.length >= 2 && ascii(b, 0, 2) === 'BM') return bmp(b);
  return null;
}

/** Why file `name` (sniffed as `info`) cannot be used, or null when it can be decoded. An
 *  animated PNG or WebP is not refused: the CLI's decoder and the browser both take its first
 *  frame, while a GIF's frames are refused by both. */
export function refusal(name, info) {
  if (!info) return notAnImage(name);
  if (info.truncated) return damaged(`the file ends before the ${info.format} image does`);
  if (!(info.width > 0 && info.height > 0)) return noPixels(info.width || 0, info.height || 0);
  if (info.width * info.height > rules().max_pixels) return tooManyPixels(info.width, info.height);
  if (info.animated) return animatedGif();
  if (info.cmyk) return cmyk();
  return null;
}

// Chunks: length, type, data, CRC. IHDR first; no IEND means the file was cut.
function png(b) {
  const info = { format: 'PNG', width: 0, height: 0, animated: false, cmyk: false, truncated: true };
  if (b.length < 24) return info;
  info.width = be32(b, 16);
  info.height = be32(b, 20);
  for (let at = 8; at + 8 <= b.length;) {
    const len = be32(b, at), type = ascii(b, at + 4, 4);
    if (at + 12 + len > b.length) break;
    if (type === 'IEND') { info.truncated = false; break; }
    at += 12 + len;
  }
  return info;
}

// Segments: FF marker, 2-byte length. SOFn holds height, width and the component count (4 is
// CMYK/YCCK); the entropy-coded data after SOS never holds FF D9 (FF is byte-stuffed), so an EOI
// after SOS is the image's end and its absence a cut file. Trailing bytes after EOI are allowed.
function jpeg(b) {
  const info = { format: 'JPEG', width: 0, height: 0, animated: false, cmyk: false, truncated: true };
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return info;
    const marker = b[at + 1];
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; }
    const len = be16(b, at + 2);
    const sof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (sof && at + 10 <= b.length) {
      info.height = be16(b, at + 5);
      info.width = be16(b, at + 7);
      info.cmyk = b[at + 9] === 4;
    }
    if (marker === 0xda) {
      for (let i = b.length - 2; i > at; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) { info.truncated = false; break; }
      return info;
    }
    at += 2 + len;
  }
  return info;
}

// Header, optional global colour table, then blocks: 0x21 extensions and 0x2C image descriptors
// (one per frame), each followed by length-prefixed sub-blocks, up to the 0x3B trailer.
function gif(b) {
  const info = { format: 'GIF', width: 0, height: 0, animated: false, cmyk: false, truncated: true };
  if (b.length < 13) return info;
  info.width = le16(b, 6);
  info.height = le16(b, 8);
  let at = 13 + (b[10] & 0x80 ? 3 * 2 ** ((b[10] & 7) + 1) : 0);
  let frames = 0;
  const skipSubBlocks = () => { while (at < b.length && b[at] !== 0) at += b[at] + 1; at += 1; };
  while (at < b.length) {
    const kind = b[at];
    if (kind === 0x3b) { info.truncated = false; break; }
    if (kind === 0x21) { at += 2; skipSubBlocks(); } else if (kind === 0x2c) {
      if (at + 10 > b.length) break;
      const flags = b[at + 9];
      at += 10 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0) + 1; // + LZW minimum code size
      skipSubBlocks();
      frames += 1;
    } else break; // an unknown block: stop reading, the decoder has the last word
  }
  // a GIF whose trailer is missing after whole frames still decodes everywhere; one cut inside a
  // frame does not
  if (info.truncated && frames > 0 && at <= b.length) info.truncated = false;
  info.animated = frames > 1;
  return info;
}

// RIFF container; VP8X carries the canvas size, VP8L / VP8 their own size.
function webp(b) {
  const info = { format: 'WebP', width: 0, height: 0, animated: false, cmyk: false, truncated: le32(b, 4) + 8 > b.length };
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) {
    info.width = le24(b, 24) + 1;
    info.height = le24(b, 27) + 1;
  } else if (chunk === 'VP8L' && b.length >= 25) {
    const bits = le32(b, 21);
    info.width = (bits & 0x3fff) + 1;
    info.height = ((bits >>> 14) & 0x3fff) + 1;
  } else if (chunk === 'VP8 ' && b.length >= 30) {
    info.width = le16(b, 26) & 0x3fff;
    info.height = le16(b, 28) & 0x3fff;
  } else info.truncated = true;
  return info;
}

// BITMAPFILEHEADER's file size, then BITMAPINFOHEADER's width and (signed: top-down) height.
function bmp(b) {
  const info = { format: 'BMP', width: 0, height: 0, animated: false, cmyk: false, truncated: b.length < 26 || le32(b, 2) > b.length };
  if (b.length >= 26) {
    info.width = Math.abs(le32(b, 18) | 0);
    info.height = Math.abs(le32(b, 22) | 0);
  }
  return info;
}
