// The load progress beside the status line: indeterminate while the engine (the worker and its
// WebAssembly) starts, then a model's bytes as they arrive. Its room stays when it is idle, so
// nothing on the page moves when a load ends.
import { el } from './dom.js';

export function loadBar() {
  const bar = el('progress', { class: 'load', max: 1, 'aria-label': 'Loading', 'data-state': 'idle' });
  return {
    node: bar,
    /** The engine is starting: no byte count yet. */
    engine() { bar.removeAttribute('value'); bar.dataset.state = 'busy'; },
    /** A download's progress ({ loaded, total }, as tt.loadModel reports it). */
    bytes(p) {
      bar.dataset.state = 'busy';
      if (p.total) bar.value = Math.min(1, p.loaded / p.total);
      else bar.removeAttribute('value');
    },
    done() { bar.dataset.state = 'idle'; },
  };
}
