/**
 * Bind groups and parameter blocks are made once per shape (src/engine/gpu/editor/binding-cache.ts):
 * a GPU editor runs turns of one unchanging shape (same modules, same rows per sub-batch), and the
 * cache's creation counters are read after every turn. Once the editor's plan has settled (warm-up
 * over, whitening on, warm start on), a further turn must create no bind group and no uniform buffer.
 * Run on the kernel page's context, so its pipelines are compiled already.
 */
import type { GpuContext } from '../../src/engine/gpu/context';
import { GpuEditor } from '../../src/engine/gpu/editor/gpu-editor';
import { JacobiWhitener } from '../../src/engine/gpu/editor/jacobi';
import type { EditorKernels } from '../../src/engine/gpu/editor/kernels';
import { SyntheticStream } from '../../src/engine/editors/synthetic-stream';
import type { EditorKernelCheck } from './editor-kernel-checks';

export interface BindingCheck {
  editor: string;
  /** Cumulative creations after each turn. */
  bindGroups: number[];
  uniformBuffers: number[];
}

/** `editor` for `turns` turns of one shape on `ctx`, the cache's counters read after each. */
export async function checkBindings(ctx: GpuContext, editor: string, turns: number): Promise<BindingCheck> {
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
  try {
    for (let t = 0; t < turns; t++) {
      // 33 rows per module: the dual ridge system spans two Cholesky blocks.
      await gpu.turn({ subBatches: stream.turn([13, 9, 11]), warmup: t === 0 });
      const created = kernels!.bindings.created;
      r.bindGroups.push(created.bindGroups);
      r.uniformBuffers.push(created.uniformBuffers);
    }
  } finally {
    gpu.dispose();
  }
  return r;
}

/**
 * stableedit-niw whitens from its first edit turn (turn 1) and warm-starts from the next, so its plan
 * has settled by turn 3: turn 1 must create bind groups and parameter blocks (the counters see the
 * editor's dispatches), turn 3 none.
 */
export async function bindingKernelChecks(ctx: GpuContext): Promise<EditorKernelCheck[]> {
  const r = await checkBindings(ctx, 'stableedit-niw', 4);
  const notes = Object.fromEntries(r.bindGroups.map((v, t) => [`bind groups after turn ${t}`, v]));
  return [
    {
      name: 'bind groups: the first edit turn creates its own (the counters count)',
      errors: { 'none created': Number(!(r.bindGroups[1] > r.bindGroups[0] && r.uniformBuffers[1] > r.uniformBuffers[0])) },
      tolerance: 0,
      notes,
    },
    {
      name: 'bind groups: a settled turn of an unchanged shape creates none',
      errors: {
        'bind groups created': r.bindGroups[3] - r.bindGroups[2],
        'uniform buffers created': r.uniformBuffers[3] - r.uniformBuffers[2],
      },
      tolerance: 0,
    },
  ];
}
