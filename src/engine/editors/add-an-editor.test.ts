/**
 * "Add an editor: one file and one line": a throwaway editor (e2e/fixtures/throwaway-editor.ts, UltraEdit's
 * unbiased batch variance with StableEdit's whitening) joins the registry by one line and runs on the
 * float64 backend exactly as its spec says; src/gpu-checks/wgsl-checks.test.ts runs the same file on the GPU (Dawn) and e2e/editor-kernels.harness.spec.ts one editor in Chromium.
 * Every editor saves exactly the checkpoint layout its spec declares.
 */
import { describe, expect, it } from 'vitest';
import { ultraeditWhitened } from '../../../e2e/fixtures/throwaway-editor';
import { relativeError } from '../linalg/test-matrices';
import { builtinEditors, editorRegistry, editorNames, createEditor } from './registry';
import { stateLayout } from './spec';
import { StableEditNormalizer } from './normalizers/stableedit';
import { SyntheticStream } from './synthetic-stream';
import { valueTargets } from './values';
import { ridgeSolve } from '../linalg/ridge';

const mods = [
  { module: 'a.down_proj', dIn: 10, dOut: 4 },
  { module: 'c.c_proj', dIn: 7, dOut: 3 },
];

describe('adding an editor', () => {
  const registry = editorRegistry([...builtinEditors, ultraeditWhitened]);

  it('one file and one line: the registry builds it, and it does what its spec says', () => {
    expect(registry.names).toEqual([...editorNames, 'ultraedit-whitened']);
    const e = registry.definition('ultraedit-whitened').create({ lr: 0.2, ridge: 3 });
    // The reference: the scatter normalizer with the unbiased batch variance, then V and the ridge solve.
    const ref = new Map(mods.map((m) => [m.module, new StableEditNormalizer(m.dIn, m.dOut, 'unbiased-batch')]));
    const stream = new SyntheticStream(mods, 5);
    const kinds = new Set<string | null>();
    for (let t = 0; t < 6; t++) {
      const turn = stream.turn(t === 0 ? [2, 2] : [3, 4]);
      const r = e.turn({ subBatches: turn });
      for (const sb of turn) for (const c of sb) ref.get(c.module)!.update(c.keys, c.grads, c.rows);
      for (const m of mods) {
        const plan = ref.get(m.module)!.plan({ diagonalOnly: false });
        const rows = t === 0 ? 4 : 7;
        const caps = turn.map((sb) => sb.find((c) => c.module === m.module)!);
        const keys = Float64Array.from([...caps[0].keys, ...caps[1].keys]);
        const grads = Float64Array.from([...caps[0].grads, ...caps[1].grads]);
        const { kHat, gHat } = plan.normalize(keys, grads, rows);
        const v = valueTargets(kHat, gHat, rows, m.dIn, m.dOut, 0.2);
        const want = ridgeSolve(keys, v, { rows, dIn: m.dIn, dOut: m.dOut }, 3, rows < m.dIn ? 'dual' : 'primal');
        expect(relativeError(r.deltas.get(m.module)!.delta, want)).toBeLessThan(1e-6);
        kinds.add(r.diagnostics.modules.find((d) => d.module === m.module)!.sigma);
      }
    }
    // Whitened once n > dOut + 1, diagonal before; and a one-row sub-batch is refused (unbiased variance).
    expect([...kinds].sort()).toEqual(['diagonal', 'full']);
    expect(() => e.turn({ subBatches: stream.turn([1]) })).toThrow(/1 row\(s\); this editor's running variance needs at least 2/);
  });

  it('every editor saves exactly the checkpoint layout its spec declares', () => {
    for (const d of [...builtinEditors, ultraeditWhitened]) {
      const e = d.create({ lr: 0.1, ridge: 2, niw: { psi0: 1e-3, nu0: 9 } });
      e.turn({ subBatches: new SyntheticStream(mods, 1).turn([3, 2]) });
      const shapes = e.saveState().shapes;
      expect(Object.keys(shapes).sort()).toEqual(d.spec.statistics ? ['10x4', '7x3'] : []);
      for (const [key, rec] of Object.entries(shapes)) {
        const [dIn, dOut] = key.split('x').map(Number);
        const layout = stateLayout(d.spec, dIn, dOut);
        expect(Object.keys(rec).sort()).toEqual(Object.keys(layout).sort());
        for (const [f, len] of Object.entries(layout)) expect(len === 'number' ? typeof rec[f] : (rec[f] as Float64Array).length).toBe(len);
      }
    }
  });

  it('a checkpoint whose record misses a field of the layout is refused, naming the field', () => {
    const e = createEditor('stableedit', { lr: 0.1, ridge: 2 });
    e.turn({ subBatches: new SyntheticStream(mods, 1).turn([3, 2]) });
    const state = e.saveState();
    delete state.shapes['10x4'].scatter;
    expect(() => createEditor('stableedit', { lr: 0.1, ridge: 2 }).loadState(state)).toThrow(
      /editor state "scatter": expected a Float64Array/,
    );
  });
});
