// www/worker/backend-choice.js with fake adapters (no browser): 'auto' passes every software adapter
// by, and takes a hardware one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CPU_ADAPTER, decideBackend, softwareAdapter } from '../../www/worker/backend-choice.js';

const adapter = (info, extra = {}) => ({ info, ...extra });
const SOFTWARE = {
  'SwiftShader': adapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' }),
  'SwiftShader named only in the description': adapter({ vendor: '', architecture: '', description: 'SwiftShader Device (LLVM 10.0.0)' }),
  'llvmpipe': adapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' }),
  'lavapipe': adapter({ vendor: 'mesa', architecture: 'lavapipe', description: '' }),
  'softpipe': adapter({ vendor: 'mesa', architecture: '', description: 'softpipe' }),
  'WARP': adapter({ vendor: 'microsoft', architecture: '', description: 'Microsoft Basic Render Driver' }),
  'WARP by name': adapter({ vendor: 'microsoft', architecture: 'warp', description: '' }),
  'a fallback adapter (older Chromium: on the adapter)': adapter({ vendor: 'acme', architecture: 'x' }, { isFallbackAdapter: true }),
  'a fallback adapter (newer Chromium: on adapter.info)': adapter({ vendor: 'acme', architecture: 'x', isFallbackAdapter: true }),
};
const HARDWARE = {
  NVIDIA: adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' }, { isFallbackAdapter: false }),
  Intel: adapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) Iris(R) Xe Graphics', isFallbackAdapter: false }),
  Apple: adapter({ vendor: 'apple', architecture: 'metal-3', description: '' }),
  'no info at all': {},
};

test('auto takes the CPU backend for every software adapter and says which one it found', () => {
  for (const [what, a] of Object.entries(SOFTWARE)) {
    const found = softwareAdapter(a);
    assert.ok(found, `${what} is software`);
    const choice = decideBackend('auto', a);
    assert.equal(choice.kind, 'cpu', what);
    assert.equal(choice.adapter, CPU_ADAPTER);
    assert.match(choice.reason, /software renderer/, what);
    assert.ok(choice.reason.includes(found), `${what}: ${choice.reason}`);
  }
  assert.match(decideBackend('auto', SOFTWARE.SwiftShader).reason, /software renderer \(SwiftShader: google swiftshader/);
  assert.match(decideBackend('auto', SOFTWARE.llvmpipe).reason, /llvmpipe/);
  assert.match(decideBackend('auto', SOFTWARE.WARP).reason, /WARP/);
  assert.match(decideBackend('auto', SOFTWARE['a fallback adapter (newer Chromium: on adapter.info)']).reason, /fallback/);
});

test('auto takes WebGPU on a hardware adapter, named by its info', () => {
  for (const [what, a] of Object.entries(HARDWARE)) {
    assert.equal(softwareAdapter(a), null, what);
    const choice = decideBackend('auto', a);
    assert.equal(choice.kind, 'webgpu', what);
    assert.equal(choice.reason, 'a WebGPU adapter was found');
  }
  assert.equal(decideBackend('auto', HARDWARE.NVIDIA).adapter, 'nvidia ampere NVIDIA GeForce RTX 3080');
  assert.equal(decideBackend('auto', HARDWARE['no info at all']).adapter, 'WebGPU adapter');
});

test('no adapter: auto runs on the CPU, webgpu fails with the fix, cpu is the CPU', () => {
  assert.equal(decideBackend('auto', null).kind, 'cpu');
  assert.match(decideBackend('auto', null).reason, /no WebGPU adapter/);
  assert.throws(() => decideBackend('webgpu', null), /WebGPU is not available.*use backend "cpu" or "auto"/);
  assert.deepEqual(decideBackend('cpu', HARDWARE.NVIDIA), { kind: 'cpu', adapter: CPU_ADAPTER, reason: 'the CPU backend was asked for' });
});

test('asked for, WebGPU runs even on a software adapter', () => {
  const choice = decideBackend('webgpu', SOFTWARE.SwiftShader);
  assert.equal(choice.kind, 'webgpu');
  assert.match(choice.adapter, /swiftshader/);
});
