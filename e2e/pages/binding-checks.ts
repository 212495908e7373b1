/**
 * Bind groups and parameter blocks are made once per shape (src/engine/gpu/editor/binding-cache.ts):
 * a GPU editor runs turns of one unchanging shape (same modules, same rows per sub-batch), and the
 * cache's creation counters are read after every turn. Once the editor's plan has settled (warm-up
 * over, whitening on), a further turn must create no bind group and no uniform buffer.
 */
import { createGpuContext } from '../../src/engine/gpu/context';
import { requestGpu } from '../../src/engine/gpu/device';
import { GpuEditor } from '../../src/engine/gpu/editor/gpu-editor';
import { JacobiWhitener } from '../../src/engine/gpu/editor/jacobi';
import type { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import { bundledEditorShaderSources } from '../../src/engine/gpu/editor/shader-sources.vite';
import { SyntheticStream } from '../../src/engine/editors/syntheticStream';

export interface BindingCheck {
  editor: string;
  /** Cumulative creations after each turn. */
  bindGroups: number[];
  uniformBuffers: number[];
}

export async function runBindingChecks(editors: string[], turns: number): Promise<BindingCheck[]> {
  const { device } = await requestGpu();
  const ctx = createGpuContext(device, bundledEditorShaderSources);
  const out: BindingCheck[] = [];
  try {
    for (const editor of editors) {
      let kernels: EditorKernels | null = null;
      const niw = editor === 'stableedit-niw' ? { mu0: 2e-4, kappa0: 5, nu0: 60, psi0: 1e-6 } : undefined;
      const gpu = await GpuEditor.create(editor, { lr: 0.05, ridge: 10, niw }, ctx, {
        whitener: (k) => {
          kernels = k;
          return JacobiWhitener.create(k);
        },
      });
      const stream = new SyntheticStream(
        [
          { module: 'layers.0.down_proj', dIn: 96, dOut: 40 },
          { module: 'layers.1.down_proj', dIn: 96, dOut: 40 },
        ],
        5,
      );
      const r: BindingCheck = { editor, bindGroups: [], uniformBuffers: [] };
      for (let t = 0; t < turns; t++) {
        // 33 rows per module: the dual ridge system spans two Cholesky blocks.
        await gpu.turn({ subBatches: stream.turn([13, 9, 11]), warmup: t === 0 });
        const created = kernels!.bindings.created;
        r.bindGroups.push(created.bindGroups);
        r.uniformBuffers.push(created.uniformBuffers);
      }
      gpu.dispose();
      out.push(r);
    }
  } finally {
    device.destroy();
  }
  return out;
}
