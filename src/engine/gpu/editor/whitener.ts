/**
 * How the GPU backend gets Σ^{-1/2} = U diag(max(λ, 1e-6))^{-1/2} Uᵀ of Σ = scale·cov for a shape:
 * it writes Σ^{-1/2} [d, d] and the eigenvalues λ [d] into the given buffers, recording into the
 * turn's encoder (the WGSL Jacobi eigensolver, ./jacobi.ts) or, if an implementation must read Σ back,
 * submitting what the turn recorded so far first. Its float64 twin: linalg/inverse-sqrt.ts.
 */

export interface WhitenIo {
  /** The turn's current encoder. */
  encoder(): GPUCommandEncoder;
  /** Submits what the turn has recorded so far (a later encoder() starts a new one). */
  submit(): Promise<void>;
}

export interface WhitenJob {
  /** Shape key: a whitener may keep per-shape state (a warm-start basis). */
  key: string;
  cov: GPUBuffer;
  d: number;
  scale: number;
  invSqrt: GPUBuffer;
  eigenvalues: GPUBuffer;
}

export interface Whitener {
  whiten(io: WhitenIo, job: WhitenJob): void | Promise<void>;
  dispose(): void;
}
