import { describe, expect, it } from 'vitest';
import { chooseBackend } from './backend-choice';

const real = { isFallbackAdapter: false, description: 'nvidia · ampere' };
const software = { isFallbackAdapter: true, description: 'google · swiftshader' };

describe('chooseBackend', () => {
  it('auto takes a real adapter', () => {
    expect(chooseBackend('auto', real)).toEqual({ backend: 'webgpu' });
  });
  it('auto prefers the CPU over a software fallback adapter, and says so', () => {
    const d = chooseBackend('auto', software);
    expect(d.backend).toBe('wasm');
    expect(d.backend === 'wasm' && d.note).toMatch(/software fallback \(google · swiftshader\).*choose WebGPU/);
  });
  it('auto without any adapter runs on the CPU', () => {
    expect(chooseBackend('auto', null)).toMatchObject({ backend: 'wasm', note: expect.stringMatching(/no WebGPU/) });
  });
  it('an explicit choice is obeyed, software adapter or not', () => {
    expect(chooseBackend('webgpu', software)).toEqual({ backend: 'webgpu' });
    expect(chooseBackend('wasm', real)).toEqual({ backend: 'wasm' });
  });
});
