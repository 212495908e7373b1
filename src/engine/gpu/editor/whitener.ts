/**
 * How the GPU backend gets Σ^{-1/2} = U diag(max(λ, 1e-6))^{-1/2} Uᵀ of Σ = scale·cov for a shape:
 * it writes Σ^{-1/2} [d, d] and the eigenvalues λ [d] into the given buffers, recording into the
 * turn's encoder (WGSL Jacobi, ./jacobi.ts) or, as the float64 twin, submitting the statistics and
 * decomposing a readback on the CPU (`HostEighWhitener`).
 */
import { inverseSqrtEigh } from '../../linalg/inverseSqrt';
import { readFloat32, writeBuffer } from '../buffers';

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

/** The float64 eigendecomposition of the read-back Σ: exact, one readback and O(d³) CPU work per shape. */
export class HostEighWhitener implements Whitener {
  constructor(private readonly device: GPUDevice) {}

  async whiten(io: WhitenIo, job: WhitenJob): Promise<void> {
    await io.submit();
    const cov = await readFloat32(this.device, job.cov, job.d * job.d);
    const { invSqrt, eigen } = inverseSqrtEigh(
      Float64Array.from(cov, (v) => v * job.scale),
      job.d,
    );
    writeBuffer(this.device, job.invSqrt, Float32Array.from(invSqrt));
    writeBuffer(this.device, job.eigenvalues, Float32Array.from(eigen.values));
  }

  dispose(): void {}
}
