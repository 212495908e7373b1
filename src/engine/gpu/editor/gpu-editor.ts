/**
 * The GPU editor: the shared editor core (editors/core.ts) on the WGSL backend (./gpu-backend.ts), for
 * any editor the registry defines — same turn semantics, diagnostics and checkpoint layout as the
 * float64 editor of that name. Its turn, save and load resolve after GPU readbacks.
 */
import type { EditorOptions, EditorState, TurnInput, TurnResult } from '../../editors/editor';
import { EditorCore } from '../../editors/core';
import { editors, type EditorRegistry } from '../../editors/registry';
import { runAsync } from '../../util/maybe-async';
import type { GpuContext } from '../context';
import { GpuBackend } from './gpu-backend';
import { EditorKernels } from './kernels';
import { JacobiWhitener } from './jacobi';
import type { Whitener } from './whitener';

/** Every registered editor has a GPU version. */
export const gpuEditorNames: readonly string[] = editors.names;

export interface GpuEditorSetup {
  /** Where the editor's spec is looked up (default: the built-in editors). */
  registry?: EditorRegistry;
  /** How Σ^{-1/2} is computed (default: the WGSL Jacobi eigensolver, ./jacobi.ts). */
  whitener?: (kernels: EditorKernels) => Whitener | Promise<Whitener>;
}

export class GpuEditor {
  private constructor(
    private readonly core: EditorCore,
    private readonly backend: GpuBackend,
  ) {}

  static async create(name: string, options: EditorOptions, ctx: GpuContext, setup: GpuEditorSetup = {}): Promise<GpuEditor> {
    const spec = (setup.registry ?? editors).definition(name).spec;
    const kernels = await EditorKernels.load(ctx);
    const whitener = await (setup.whitener ?? ((k: EditorKernels) => JacobiWhitener.create(k)))(kernels);
    const backend = new GpuBackend(spec, options, kernels, whitener);
    return new GpuEditor(new EditorCore(spec, options, backend), backend);
  }

  get name(): string {
    return this.core.spec.name;
  }

  get turnIndex(): number {
    return this.core.turnIndex;
  }

  turn(input: TurnInput): Promise<TurnResult> {
    return runAsync(this.core.turn(input));
  }

  saveState(): Promise<EditorState> {
    return runAsync(this.core.save());
  }

  loadState(state: EditorState): Promise<void> {
    return runAsync(this.core.load(state));
  }

  /** How the per-module stage times are measured on this device. */
  get timing(): 'timestamp-query' | 'stage sums' {
    return this.backend.timing;
  }

  /** Frees the resident statistics (the editor is unusable after). */
  dispose(): void {
    this.backend.dispose();
  }
}
