// Which backend runs: a pure decision from what was asked for and the WebGPU adapter found (or
// null), so it can be tested without a browser. A software WebGPU adapter (a CPU emulating a GPU)
// trains slower than the CPU backend, so 'auto' passes it by.

// Software rasterisers that browsers offer as WebGPU adapters: Chromium's SwiftShader, Mesa's
// llvmpipe / lavapipe / softpipe, and Direct3D's WARP ("Microsoft Basic Render Driver").
const SOFTWARE = [[/swiftshader/i, 'SwiftShader'], [/llvmpipe/i, 'llvmpipe'], [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'], [/\bwarp\b|microsoft basic render driver/i, 'WARP']];

export const CPU_ADAPTER = 'CPU (WebAssembly, burn flex)';

const describe = ({ vendor, architecture, device, description } = {}) =>
  [vendor, architecture, device, description].filter(Boolean).join(' ');

/** The adapter's vendor / architecture / device / description, as one readable name. */
export function adapterName(adapter) {
  return describe(adapter?.info) || 'WebGPU adapter';
}

/** Why `adapter` is software, e.g. 'SwiftShader' or 'a fallback adapter'; null for hardware. */
export function softwareAdapter(adapter) {
  if (!adapter) return null;
  const name = describe(adapter.info);
  const found = SOFTWARE.find(([pattern]) => pattern.test(name));
  if (found) return found[1];
  // Chromium moved isFallbackAdapter from the adapter (deprecated) to adapter.info
  if (adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter) return 'a fallback adapter';

  return null;
}

/** { kind: 'webgpu'|'cpu', adapter, reason } for `wanted` ('auto'|'webgpu'|'cpu'). */
export function decideBackend(wanted, adapter) {
  const cpu = { kind: 'cpu', adapter: CPU_ADAPTER };
  if (wanted === 'cpu') return { ...cpu, reason: 'the CPU backend was asked for' };
  const name = adapterName(adapter);
  if (wanted === 'webgpu') {
    if (!adapter) throw new Error('WebGPU is not available in this browser (no adapter was found): use backend "cpu" or "auto"');
    return { kind: 'webgpu', adapter: name, reason: 'WebGPU was asked for' };
  }
  if (!adapter) return { ...cpu, reason: 'this browser offers no WebGPU adapter, so the CPU backend runs' };
  const software = softwareAdapter(adapter);
  if (software) {
    return { ...cpu, reason: `the only WebGPU adapter is a software renderer (${software}: ${name}), slower than the CPU backend` };
  }
  return { kind: 'webgpu', adapter: name, reason: 'a WebGPU adapter was found' };
}
