import { describe, expect, it } from 'vitest';
import { editorNames } from '../../editors/registry';
import { chooseEditorBackend, createRunEditor } from './backend-choice';

describe('editor backend choice', () => {
  it('every editor goes to the GPU whenever the model runs on WebGPU, with no fallback', () => {
    for (const editor of editorNames)
      expect(chooseEditorBackend({ editor, modelBackend: 'webgpu', gpu: true })).toEqual({ backend: 'gpu', fallback: null });
  });

  it('the CPU editor is the fallback, with a reason when the GPU was possible or asked for', () => {
    expect(chooseEditorBackend({ editor: 'stableedit', modelBackend: 'wasm', gpu: true })).toEqual({ backend: 'cpu', fallback: null });
    expect(chooseEditorBackend({ editor: 'stableedit', modelBackend: 'wasm', gpu: false, request: 'gpu' })).toEqual({
      backend: 'cpu',
      fallback: 'the model runs on wasm, not WebGPU',
    });
    expect(chooseEditorBackend({ editor: 'ft', modelBackend: 'webgpu', gpu: false })).toEqual({
      backend: 'cpu',
      fallback: 'no WebGPU device for the editor',
    });
    expect(chooseEditorBackend({ editor: 'ft', modelBackend: 'webgpu', gpu: true, request: 'cpu' })).toEqual({
      backend: 'cpu',
      fallback: null,
    });
    expect(() => chooseEditorBackend({ editor: 'nope', modelBackend: 'webgpu', gpu: true })).toThrow(/unknown editor "nope"/);
  });

  it('without a device (Node) builds the float64 editor and says why', async () => {
    const r = await createRunEditor({
      editor: 'stableedit-niw',
      modelBackend: 'webgpu',
      gpu: true,
      ctx: null,
      options: { lr: 0.1, ridge: 1 },
    });
    expect(r.backend).toBe('cpu');
    expect(r.fallback).toBe('no WebGPU device for the editor');
    expect(r.editor.name).toBe('stableedit-niw');
  });
});
