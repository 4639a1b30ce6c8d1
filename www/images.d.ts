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
  /** `thumb` is a small JPEG of the centre-cropped image; `id` is for removeImages. */
  added: { id: number; name: string; label: string; thumb: Blob }[];
  problems: ImageProblem[];
  /** What was decided on the way (a wrapper folder looked through, labels from labels.csv, …). */
  notes: string[];
  data: ImageDataInfo;
}

/** A file with the path that names its class ("pets/cats/1.jpg"). */
export interface ImageItem { path: string; file: Blob }
