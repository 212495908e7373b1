/**
 * Seeded synthetic captures for tests and benches: keys with a per-dimension offset and scale,
 * value gradients correlated through a fixed mixing matrix (so whitening has work to do).
 */
import type { ModuleCapture } from '../types';
import { Rng } from '../util/rng';

export interface SyntheticModule {
  module: string;
  dIn: number;
  dOut: number;
}

export class SyntheticStream {
  private readonly rng: Rng;
  private readonly mixing = new Map<string, Float64Array>();

  constructor(
    readonly modules: SyntheticModule[],
    seed: number,
  ) {
    this.rng = new Rng(seed);
    for (const m of modules) this.mixing.set(m.module, this.rng.normals(m.dOut * m.dOut, 1 / Math.sqrt(m.dOut)) as Float64Array);
  }

  /** One turn: `rows[b]` label positions in sub-batch b, every module captured in every sub-batch. */
  turn(rows: number[]): ModuleCapture[][] {
    return rows.map((r) => this.modules.map((m) => this.capture(m, r)));
  }

  private capture(m: SyntheticModule, rows: number): ModuleCapture {
    const keys = new Float32Array(rows * m.dIn);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < m.dIn; j++) keys[i * m.dIn + j] = 0.5 * (j % 3) + (1 + (j % 5) * 0.3) * this.rng.normal();
    const a = this.mixing.get(m.module)!;
    const grads = new Float32Array(rows * m.dOut);
    for (let i = 0; i < rows; i++) {
      const z = this.rng.normals(m.dOut) as Float64Array;
      for (let j = 0; j < m.dOut; j++) {
        let s = 0.01 * j;
        for (let p = 0; p < m.dOut; p++) s += z[p] * a[p * m.dOut + j];
        grads[i * m.dOut + j] = 1e-3 * s;
      }
    }
    return { module: m.module, rows, dIn: m.dIn, dOut: m.dOut, keys, grads };
  }
}
