/**
 * Where a run's editor math goes: the GPU editor whenever the model runs on WebGPU (the editor shares
 * its device, so captures and weights stay on one GPU), the float64 CPU editor otherwise — or when the
 * user asks for it, or when the GPU editor cannot start — always with a reason a person can read.
 * The worker calls `createRunEditor` once per run and shows `fallback` when it is not null.
 */
import type { AnyEditor, EditorOptions } from '../../editors/editor';
import { editors, type EditorRegistry } from '../../editors/registry';
import type { GpuContext } from '../context';
import { GpuEditor } from './gpu-editor';

/** 'auto': GPU when the model is on WebGPU; 'cpu': always the float64 editor; 'gpu': as auto, but a fallback is a warning. */
export type EditorMathRequest = 'auto' | 'cpu' | 'gpu';

export interface EditorBackendChoice {
  backend: 'gpu' | 'cpu';
  /** Why the CPU editor is used when the GPU one was possible or asked for; null when nothing fell back. */
  fallback: string | null;
}

export interface EditorSituation {
  editor: string;
  /** Where the model runs. */
  modelBackend: 'webgpu' | 'wasm' | 'node';
  /** A WebGPU device the editor may share (the model's). */
  gpu: boolean;
  request?: EditorMathRequest;
  registry?: EditorRegistry;
}

export function chooseEditorBackend(s: EditorSituation): EditorBackendChoice {
  const request = s.request ?? 'auto';
  (s.registry ?? editors).definition(s.editor); // an unknown editor is an error on either backend
  if (request === 'cpu') return { backend: 'cpu', fallback: null };
  const quiet = request === 'auto' && s.modelBackend !== 'webgpu';
  if (s.modelBackend !== 'webgpu') return { backend: 'cpu', fallback: quiet ? null : `the model runs on ${s.modelBackend}, not WebGPU` };
  if (!s.gpu) return { backend: 'cpu', fallback: 'no WebGPU device for the editor' };
  return { backend: 'gpu', fallback: null };
}

export interface RunEditor extends EditorBackendChoice {
  editor: AnyEditor & { dispose?(): void };
}

/** The chosen editor, built; a GPU editor that fails to start falls back to the CPU one, saying why. */
export async function createRunEditor(s: EditorSituation & { options: EditorOptions; ctx: GpuContext | null }): Promise<RunEditor> {
  const registry = s.registry ?? editors;
  const choice = chooseEditorBackend({ ...s, gpu: s.gpu && s.ctx !== null });
  const cpu = () => registry.definition(s.editor).create(s.options);
  if (choice.backend === 'cpu') return { ...choice, editor: cpu() };
  try {
    return { ...choice, editor: await GpuEditor.create(s.editor, s.options, s.ctx!, { registry }) };
  } catch (e) {
    return { backend: 'cpu', fallback: `the GPU editor failed to start: ${(e as Error).message}`, editor: cpu() };
  }
}
