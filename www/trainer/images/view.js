// The Images data panel (../kinds/panel.js builds it): a folder of class folders, a zip (class
// folders or a labels.csv), images per class, or the webcam (the Train on switch is ../mode.js).
// Everything heavy (unzip, decode, resize) happens in the worker. What is the images' own: the
// Image size control, the camera's preview, and thumbnails that are pictures.
import { classFolderPanel } from '../kinds/panel.js';
import { el } from '../dom.js';
import { webcam } from './webcam.js';
import { imageJournal } from './journal.js';
import { IMAGES_CSS } from './styles.js';

const SIZES = [96, 128, 160, 224];

// what the class cards say and draw for images (../kinds/classes.js)
const IMAGE_CARDS = {
  prefix: 'img', one: 'image', many: 'images', items: 'Images', add: 'Add images', accept: 'image/*', grid: 'thumbs',
  thumb({ name, thumb }) {
    const url = URL.createObjectURL(thumb);
    return { node: el('img', { src: url, alt: name, title: name, width: 72, height: 72 }), drop: () => URL.revokeObjectURL(url) };
  },
};

/** tt(): the Tabtune; onChange() after each change of the images; sampleUrl(): the element's
 *  images-data attribute. mount(textData) puts the panel after the Data section's text controls;
 *  show(on) follows the Train on switch. */
export function imagesView(tt, onChange, sampleUrl = () => null) {
  let size = null; // the Image size control
  const panel = classFolderPanel(tt, onChange, sampleUrl, {
    set: 'images', one: 'image', device: 'webcam', css: IMAGES_CSS, cards: IMAGE_CARDS,
    count: (data) => data.images,
    detail: (data) => `, at ${data.image_size}×${data.image_size} px`,
    calls: { add: 'addImages', remove: 'removeImages', rename: 'renameClass', removeClass: 'removeClass', clear: 'clearImages' },
    journal: imageJournal(), // journal.js
    texts: {
      folder: 'Choose a folder', folderName: 'Choose a folder of class folders',
      files: 'or a zip', filesName: 'Choose a zip (or images inside class folders)',
      drop: 'Drop a folder holding one folder per class (the folder name is the class), or a zip of such folders or with a labels.csv (path,label).',
    },
    capture({ change, say }) {
      const cam = webcam((frames, label) => change('addFrames', [frames, label]), say);
      return { device: cam, controls: [cam.toggle], below: [cam.video] };
    },
    settings({ change }) {
      size = el('select', { name: 'image_size', onchange: () => change('setImageSize', [Number(size.value)]).catch(() => {}) },
        ...SIZES.map((s) => el('option', { value: s, text: `${s} px`, selected: s === 224 })));
      return [el('label', {}, 'Image size (the network sees this square)', size)];
    },
  });

  return {
    mount: panel.mount,
    /** Images mode shown or left: leaving it turns the camera off. */
    show: panel.show,
    /** The Image size control's value: the run's image_size. */
    get imageSize() { return Number(size.value); },
    /** Classes that hold images, as the worker last reported. */
    get classes() { return panel.classes; },
    camera: panel.device,
    stopCamera: () => panel.device.stop(),
    /** A new engine (the worker failed, the device was lost): the images it held, given again.
     *  Resolves true when there were images to restore. */
    restore: panel.restore,
  };
}
