/**
 * Σ^{-1/2} on the GPU by the parallel-order cyclic Jacobi eigensolver of shaders/editor/jacobi.wgsl,
 * recorded into the turn's encoder (no readback): one compute pass of at most MAX_SWEEPS sweeps of
 * n − 1 rounds, each round two indirect dispatches that launch nothing once a sweep needed no
 * rotation. Warm start: a shape's eigenbasis V of the previous turn is kept, re-orthonormalized (one
 * polar step), and the next turn starts from B = Vᵀ Σ V (Σ moves little from turn to turn, so B is
 * nearly diagonal and few sweeps remain); every COLD_EVERY-th turn starts cold all the same.
 * Buffers, bind groups and the uniform block are made once per shape.
 */
import { ceilDiv } from '../dispatch';
import { readBuffer } from '../buffers';
import type { EditorKernels } from './kernels';
import { packParams } from './params';
import type { WhitenIo, WhitenJob, Whitener } from './whitener';

const MAX_SWEEPS = 20;
const COLD_EVERY = 32;

export const JACOBI_ENTRIES = ['coldStart', 'polar', 'warmSigmaV', 'warmVtT', 'rotations', 'rotate', 'check', 'norms', 'finish'] as const;
type Entry = (typeof JACOBI_ENTRIES)[number];

/** The bindings of shaders/editor/jacobi.wgsl each entry point uses (its auto layout has exactly these). */
const BINDINGS: Record<Entry, string[]> = {
  coldStart: ['cov', 'aHi', 'aLo', 'v', 'params'],
  polar: ['v', 'tHi', 'params'],
  warmSigmaV: ['cov', 'v', 'tHi', 'tLo', 'params'],
  warmVtT: ['aHi', 'aLo', 'v', 'tHi', 'tLo', 'params'],
  rotations: ['aHi', 'aLo', 'rot', 'state', 'params'],
  rotate: ['aHi', 'aLo', 'v', 'rot', 'state', 'params'],
  check: ['state', 'args'],
  norms: ['v', 'colNorm', 'params'],
  finish: ['aHi', 'aLo', 'v', 'w', 'vd', 'eig', 'params', 'colNorm'],
};
const SLOT = ['cov', 'aHi', 'aLo', 'v', 'rot', 'state', 'args', 'tHi', 'tLo', 'w', 'vd', 'eig', 'params', 'colNorm'];

interface ShapeSolver {
  d: number;
  n: number;
  cov: GPUBuffer;
  eig: GPUBuffer;
  own: Record<string, GPUBuffer>;
  groups: Record<Entry, GPUBindGroup>;
  /** Turns since the last cold start; -1 before the first. */
  warmTurns: number;
}

export interface JacobiOptions {
  /** Start from the previous turn's eigenbasis (default true). */
  warm?: boolean;
}

export class JacobiWhitener implements Whitener {
  private readonly shapes = new Map<string, ShapeSolver>();

  private constructor(
    private readonly k: EditorKernels,
    private readonly pipelines: Record<Entry, GPUComputePipeline>,
    private readonly options: JacobiOptions,
  ) {}

  static async create(k: EditorKernels, options: JacobiOptions = {}): Promise<JacobiWhitener> {
    const compiled = await Promise.all(JACOBI_ENTRIES.map((entry) => k.ctx.pipelines.get({ shader: 'editor/jacobi', entry })));
    return new JacobiWhitener(
      k,
      Object.fromEntries(JACOBI_ENTRIES.map((e, i) => [e, compiled[i]])) as Record<Entry, GPUComputePipeline>,
      options,
    );
  }

  whiten(io: WhitenIo, job: WhitenJob): void {
    const s = this.solver(job);
    const device = this.k.ctx.device;
    const { n, d } = s;
    device.queue.writeBuffer(s.own.params, 0, packParams('editor/jacobi', { n, d, scale: job.scale }));
    device.queue.writeBuffer(s.own.state, 0, new Uint32Array(4));
    const half = n / 2;
    const blocks = ceilDiv(half, 8);
    device.queue.writeBuffer(s.own.args, 0, new Uint32Array([ceilDiv(half, 64), 1, 1, 0, blocks, blocks, 1, 0]));
    const warm = this.options.warm !== false && s.warmTurns >= 0 && s.warmTurns < COLD_EVERY;
    s.warmTurns = warm ? s.warmTurns + 1 : 0;

    const enc = io.encoder();
    if (warm) {
      const polar = enc.beginComputePass({ label: `jacobi polar ${job.key}` });
      polar.setPipeline(this.pipelines.polar);
      polar.setBindGroup(0, s.groups.polar);
      polar.dispatchWorkgroups(ceilDiv(n, 8), ceilDiv(n, 8));
      polar.end();
      this.k.matmul(enc, s.own.v, s.own.tHi, s.own.tLo, { m: n, k: n, n });
      enc.copyBufferToBuffer(s.own.tLo, 0, s.own.v, 0, n * n * 4);
    }
    const pass = enc.beginComputePass({ label: `jacobi ${job.key}` });
    const run = (entry: Entry, x: number, y = 1) => {
      pass.setPipeline(this.pipelines[entry]);
      pass.setBindGroup(0, s.groups[entry]);
      pass.dispatchWorkgroups(x, y);
    };
    const full = ceilDiv(n, 8);
    if (warm) {
      run('warmSigmaV', full, full);
      run('warmVtT', full, full);
    } else run('coldStart', full, full);
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      for (let r = 0; r < n - 1; r++) {
        pass.setPipeline(this.pipelines.rotations);
        pass.setBindGroup(0, s.groups.rotations);
        pass.dispatchWorkgroupsIndirect(s.own.args, 0);
        pass.setPipeline(this.pipelines.rotate);
        pass.setBindGroup(0, s.groups.rotate);
        pass.dispatchWorkgroupsIndirect(s.own.args, 16);
      }
      run('check', 1);
    }
    run('norms', ceilDiv(d, 64));
    run('finish', ceilDiv(d, 8), ceilDiv(d, 8));
    pass.end();
    this.k.matmul(enc, s.own.w, s.own.vd, job.invSqrt, { m: d, k: d, n: d, transB: true });
    enc.copyBufferToBuffer(s.eig, 0, job.eigenvalues, 0, d * 4);
  }

  /** Sweeps that rotated in the last solve of `key` (reads back; for tests and benches). */
  async sweeps(key: string): Promise<number> {
    const s = this.shapes.get(key);
    if (!s) return 0;
    return new Uint32Array(await readBuffer(this.k.ctx.device, s.own.state, 16))[2];
  }

  private solver(job: WhitenJob): ShapeSolver {
    const old = this.shapes.get(job.key);
    if (old && old.d === job.d && old.cov === job.cov) return old;
    if (old) this.destroy(old);
    const d = job.d;
    const n = d + (d % 2);
    const device = this.k.ctx.device;
    const storage = (floats: number, label: string, usage = 0) =>
      device.createBuffer({
        size: Math.max(16, floats * 4),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | usage,
        label: `${label} ${job.key}`,
      });
    const own: Record<string, GPUBuffer> = {
      aHi: storage(n * n, 'jacobi A hi'),
      aLo: storage(n * n, 'jacobi A lo'),
      v: storage(n * n, 'jacobi V'),
      tHi: storage(n * n, 'jacobi T hi'),
      tLo: storage(n * n, 'jacobi T lo'),
      rot: storage(2 * n, 'jacobi rotations'),
      state: storage(4, 'jacobi state'),
      args: storage(8, 'jacobi dispatch args', GPUBufferUsage.INDIRECT),
      w: storage(d * d, 'jacobi W'),
      vd: storage(d * d, 'jacobi V (d×d)'),
      eig: storage(d, 'jacobi λ'),
      colNorm: storage(d, 'jacobi ‖v_j‖²'),
      params: this.k.bindings.createUniform(16, `jacobi params ${job.key}`),
    };
    const all: Record<string, GPUBuffer> = { ...own, cov: job.cov };
    const groups = Object.fromEntries(
      JACOBI_ENTRIES.map((entry) => [
        entry,
        this.k.bindings.createBindGroup({
          label: `jacobi ${entry} ${job.key}`,
          layout: this.pipelines[entry].getBindGroupLayout(0),
          entries: BINDINGS[entry].map((name) => ({ binding: SLOT.indexOf(name), resource: { buffer: all[name] } })),
        }),
      ]),
    ) as Record<Entry, GPUBindGroup>;
    const s: ShapeSolver = { d, n, cov: job.cov, eig: own.eig, own, groups, warmTurns: -1 };
    this.shapes.set(job.key, s);
    return s;
  }

  dispose(): void {
    for (const s of this.shapes.values()) this.destroy(s);
    this.shapes.clear();
  }

  private destroy(s: ShapeSolver): void {
    for (const b of Object.values(s.own)) {
      this.k.bindings.forget(b);
      b.destroy();
    }
  }
}
