// <tabtune-trainer>'s text data: a dropped or chosen file (or the sample the `data` attribute
// names) loaded into the worker, with the columns picked last time when the file has them; what
// the worker found is shown (results.js), and the file is read again when other columns are picked.
import { showData } from './results.js';
import { el } from './dom.js';

/** host: { ui(), tt() (the engine; before it has started, the promise of it), store(), sample()
 *  (the `data` attribute), changed() (rechecks the settings), fail(e, where), trainWith(settings)
 *  (puts a suggestion into the settings) }. */
export function textData(host) {
  let source = null; // the data as given (File or text), re-read when the columns change
  let labels = [];
  let task = null; // the task the loaded data suggests (the Task control may override it)
  let record = null; // { blob, name, options } of the loaded data, kept with a run

  async function use(src, options = {}) {
    const u = host.ui();
    u.dataError.textContent = '';
    u.truncated.textContent = '';
    u.train.disabled = true;
    try {
      // columns picked last time, when this file has them; otherwise inferred
      const remembered = Object.keys(options).length ? null : await host.store().get('columns');
      // before the engine has started, tt() is the promise of it: the file waits for it
      u.dataInfo.replaceChildren(el('p', { class: 'note', text: `Reading ${src.name || 'the data'}…` }));
      const tt = await host.tt();
      const info = await tt.loadData(src, remembered || options)
        .catch((e) => (remembered && /not found/.test(e.message) ? tt.loadData(src, options) : Promise.reject(e)));
      source = src;
      const blob = src instanceof Blob ? src : new Blob([src]);
      record = { blob, name: src.name || 'data.csv', options: { format: info.format, text_column: info.text_column, label_column: info.label_column } };
      labels = info.labels;
      task = info.task || null;
      showData(u, info, (settings) => host.trainWith(settings));
      host.changed();
    } catch (e) {
      u.dataInfo.replaceChildren();
      host.fail(e, u.dataError);
    }
  }

  return {
    /** Loads `src` (a File or text) with `options` ({ format, text_column, label_column }). */
    use,
    async useSample() {
      const url = host.sample();
      try {
        const res = await fetch(new URL(url, document.baseURI));
        if (!res.ok) throw new Error(`the sample data could not be loaded (HTTP ${res.status})`);
        await use(new File([await res.blob()], url.split('/').pop()));
      } catch (e) { host.fail(e, host.ui().dataError); }
    },
    /** The user picked other columns: remembered, and the file read again with them. */
    reload() {
      if (!source) return;
      const u = host.ui();
      const columns = { text_column: u.textCol.value, label_column: u.labelCol.value };
      host.store().put('columns', columns).catch(() => {});
      use(source, columns);
    },
    get loaded() { return Boolean(source); },
    get labels() { return labels; },
    get task() { return task; },
    get record() { return record; },
  };
}
