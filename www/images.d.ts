// The image-data types of the JS API (tt.addImages and friends); tabtune.d.ts re-exports them.

/** What the worker holds after a change: the counts the page shows. */
export interface ImageDataInfo {
  images: number;
  /** In class-index order (numeric when every class is an integer, else code-unit order). */
  classes: { name: string; count: number }[];
  /** The side of the square RGB8 images the worker assembles. */
  image_size: number;
}

/** A file left out, and why (the CLI's words): shown as `name: message`. */
export interface ImageProblem { name: string; message: string }

export interface AddImagesResult {
  /** `thumb` is a small JPEG of the centre-cropped image; `id` is for removeImages; a webcam
   *  frame's `source` is the image as the worker keeps it (a lossless PNG, 224 px): addImages
   *  takes it back, e.g. into a new Tabtune. */
  added: { id: number; name: string; label: string; thumb: Blob; source?: Blob }[];
  problems: ImageProblem[];
  /** What was decided on the way (a wrapper folder looked through, labels from labels.csv, …). */
  notes: string[];
  data: ImageDataInfo;
}

/** One image tt.predict takes: a webcam frame (transferred), pixels, or an image file's bytes. */
export type ImageInput = ImageBitmap | ImageData | Blob | ArrayBuffer | ArrayBufferView;

/** A file with the path that names its class ("pets/cats/1.jpg"). */
export interface ImageItem { path: string; file: Blob }

/** tt.loadModel's answer for an image model (and the deprecated tt.loadImageModel's). */
export interface ImageModelInfo {
  kind: 'image';
  /** MBConv blocks (16 for EfficientNet-Lite0): an image run's `layers` counts these. */
  blocks: number;
  /** The input side the weights were trained at (224). */
  image_size: number;
  /** How many classes its own head has (ImageNet's 1000). */
  classes: number;
  fingerprint: string;
}

/** tt.predict(image)'s answer (and the deprecated tt.predictImage's): the top class, each
 *  class's probability, and the time it took. An array of images gives these without `ms`. */
export interface ImagePrediction { label: string; probs: Record<string, number>; ms: number }

/** The image side of tt.state(): what the worker holds, never what the page assumed. */
export interface ImageState {
  /** The loaded image model (loadModel of an image model), or null. */
  base: { fingerprint: string; blocks: number } | null;
  /** The last image run's model (predict(image) and exportModel({ kind: 'image' }) use it), or null. */
  model: { labels: string[]; fingerprint: string; image_size: number } | null;
  /** Images handed to the core (at a run's start), not the worker's current count. */
  images: number;
}
