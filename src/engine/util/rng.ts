/**
 * Seeded pseudo-random numbers. Everything random in the lab (test tensors, generated checkpoints,
 * the demo world, dataset shuffles) draws from here so a seed reproduces a run bit for bit.
 */
export class Rng {
  private s: number;
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 scramble so that nearby seeds give unrelated streams
    this.s = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform 32-bit unsigned integer (mulberry32). */
  nextU32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller, caching the second draw). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }

  /** Array of n normals scaled by std. */
  normals(n: number, std = 1, out: Float32Array | Float64Array = new Float64Array(n)): Float32Array | Float64Array {
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }
}
