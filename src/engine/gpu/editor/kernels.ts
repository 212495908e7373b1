/**
 * The editor's WGSL kernels (shaders/editor/*.wgsl, plus the harness's matmul and moments) behind one
 * object: pipelines are compiled once by `EditorKernels.load`, after which every `encode*` method only
 * records a dispatch into the caller's command encoder, so a whole turn is one submit. Bind groups and
 * parameter blocks (./params.ts) are made once per shape (./binding-cache.ts). The one wrapper of each
 * kernel.
 */
import { InputError } from '../../types';
import type { MatmulShape } from '../../linalg/matmul';
import type { GpuContext } from '../context';
import { ceilDiv, grid2d, splitWorkgroups, type Grid } from '../dispatch';
import { withErrorScope } from '../error-scope';
import { BindingCache } from './binding-cache';
import { packParams, type ParamShader, type ParamValues } from './params';

const MATMUL_TILE = 64; // matmul.wgsl: one 16×16 workgroup per 64×64 block of C
const MOMENTS_COLS = 64; // moments.wgsl: columns per workgroup
/**
 * Block width of the blocked Cholesky and triangular solves (the most cholesky.wgsl's trsm holds: NB).
 * docs/benchmarks.md compares it with one block of n.
 */
export const CHOLESKY_BLOCK = 32;
/**
 * Rows per block of the triangular solves. Their substitution step needs no shared memory and runs the
 * m right-hand sides in parallel, so a wider block only trades dispatches for a longer sequential
 * chain; 128 keeps both small at n of a few thousand (docs/benchmarks.md).
 */
export const SOLVE_BLOCK = 128;
const TILE = 64; // syrk and trisolve update: one 64×64 output tile per workgroup

export type BatchVariance = 'biased' | 'unbiased-batch';

export const EDITOR_PIPELINES = {
  matmulNN: { shader: 'matmul', constants: { TRANS_A: false, TRANS_B: false } },
  matmulTN: { shader: 'matmul', constants: { TRANS_A: true, TRANS_B: false } },
  matmulNT: { shader: 'matmul', constants: { TRANS_A: false, TRANS_B: true } },
  matmulTT: { shader: 'matmul', constants: { TRANS_A: true, TRANS_B: true } },
  moments: { shader: 'moments' },
  chanMerge: { shader: 'editor/chan-merge' },
  scatter: { shader: 'editor/scatter' },
  valuesDiag: { shader: 'editor/values', constants: { K_NORM: true, G_MODE: 1 } },
  valuesGiven: { shader: 'editor/values', constants: { K_NORM: true, G_MODE: 0 } },
  valuesRaw: { shader: 'editor/values', constants: { K_NORM: false, G_MODE: 0 } },
  cholPanel: { shader: 'editor/cholesky', entry: 'potrf' },
  cholTrsm: { shader: 'editor/cholesky', entry: 'trsm' },
  cholSyrk: { shader: 'editor/cholesky', entry: 'syrk' },
  cholZeroUpper: { shader: 'editor/cholesky', entry: 'zeroUpper' },
  lowerDiagonal: { shader: 'editor/trisolve', entry: 'diagonal', constants: { TRANSPOSED: false } },
  lowerUpdate: { shader: 'editor/trisolve', entry: 'update', constants: { TRANSPOSED: false } },
  upperDiagonal: { shader: 'editor/trisolve', entry: 'diagonal', constants: { TRANSPOSED: true } },
  upperUpdate: { shader: 'editor/trisolve', entry: 'update', constants: { TRANSPOSED: true } },
  addDiagonal: { shader: 'editor/add-diagonal' },
  centreRows: { shader: 'editor/centre-rows' },
  scale: { shader: 'editor/scale' },
} as const;

type PipelineName = keyof typeof EDITOR_PIPELINES;

/** The value-target variants: which of k and g get the diagonal normalization in the kernel. */
export type ValuesMode = 'diagonal' | 'whitened' | 'raw';

export class EditorKernels {
  /** Every bind group and parameter block of the editor, made once per shape. */
  readonly bindings: BindingCache;

  private constructor(
    readonly ctx: GpuContext,
    private readonly pipelines: Record<PipelineName, GPUComputePipeline>,
  ) {
    this.bindings = new BindingCache(ctx.device);
  }

  static async load(ctx: GpuContext): Promise<EditorKernels> {
    const names = Object.keys(EDITOR_PIPELINES) as PipelineName[];
    const compiled = await Promise.all(names.map((n) => ctx.pipelines.get(EDITOR_PIPELINES[n])));
    return new EditorKernels(ctx, Object.fromEntries(names.map((n, i) => [n, compiled[i]])) as Record<PipelineName, GPUComputePipeline>);
  }

  /** A storage buffer from the pool (caller releases it to ctx.pool). */
  buffer(floats: number, label: string): GPUBuffer {
    return this.ctx.pool.acquire(floats * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label);
  }

  /** Submits the encoder inside an error scope naming `label`; its parameter blocks may be rewritten after. */
  async submit(encoder: GPUCommandEncoder, label: string): Promise<void> {
    await withErrorScope(this.ctx.device, label, () => {
      try {
        this.ctx.device.queue.submit([encoder.finish()]);
      } finally {
        this.bindings.submitted();
      }
    });
  }

  /** Records pipeline `name` with `buffers` at bindings 0.., then its parameter block. */
  private dispatch<S extends ParamShader>(
    encoder: GPUCommandEncoder,
    name: PipelineName & keyof typeof EDITOR_PIPELINES,
    label: string,
    buffers: (GPUBuffer | null)[],
    grid: Grid,
    params: { shader: S; values: ParamValues<S> },
  ): void {
    if ((EDITOR_PIPELINES[name].shader as string) !== params.shader) throw new Error(`${name}: parameters of ${params.shader}`);
    if (grid[0] * grid[1] * grid[2] === 0) return;
    const pipeline = this.pipelines[name];
    const group = this.bindings.bind(name, pipeline, buffers, packParams(params.shader, params.values), label);
    const pass = encoder.beginComputePass({ label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    pass.end();
  }

  /** One workgroup per TILE×TILE tile on or below the diagonal of an n×n block (cholesky.wgsl syrk). */
  private lowerTiles(n: number): Grid {
    const t = ceilDiv(n, TILE);
    return splitWorkgroups((t * (t + 1)) / 2, this.ctx.maxWorkgroupsPerDimension);
  }

  private linear(count: number, perGroup: number): Grid {
    return splitWorkgroups(ceilDiv(count, perGroup), this.ctx.maxWorkgroupsPerDimension);
  }

  /** C = op(A)·op(B) with the harness's matmul.wgsl (see kernels/matmul.ts for the shape convention). */
  matmul(encoder: GPUCommandEncoder, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, s: MatmulShape): void {
    const name: PipelineName = s.transA ? (s.transB ? 'matmulTT' : 'matmulTN') : s.transB ? 'matmulNT' : 'matmulNN';
    const label = `matmul ${s.m}×${s.k}·${s.k}×${s.n}`;
    this.dispatch(encoder, name, label, [a, b, c], grid2d(s.m, s.n, MATMUL_TILE, MATMUL_TILE, this.ctx.maxWorkgroupsPerDimension), {
      shader: 'matmul',
      values: { m: s.m, k: s.k, n: s.n },
    });
  }

  /** Column mean and M2 of x [rows, d] (harness moments.wgsl). */
  moments(encoder: GPUCommandEncoder, x: GPUBuffer, rows: number, d: number, mean: GPUBuffer, m2: GPUBuffer): void {
    this.dispatch(encoder, 'moments', `moments ${rows}×${d}`, [x, mean, m2], this.linear(d, MOMENTS_COLS), {
      shader: 'moments',
      values: { n: rows, d },
    });
  }

  /**
   * Chan merge of batch moments of `rows` rows into running mean/M2 columns [offset, offset + d);
   * δ = batch mean − old running mean goes to `delta`. nOld is the running count before this batch.
   */
  chanMerge(
    encoder: GPUCommandEncoder,
    b: { mean: GPUBuffer; m2: GPUBuffer },
    run: { mean: GPUBuffer; m2: GPUBuffer },
    delta: GPUBuffer,
    o: { d: number; offset: number; nOld: number; rows: number; variance: BatchVariance },
  ): void {
    if (o.variance === 'unbiased-batch' && o.rows < 2)
      throw new InputError('chanMerge', 'the unbiased batch variance (ultraedit) needs at least 2 rows per sub-batch');
    const denom = o.variance === 'biased' ? o.rows : o.rows - 1;
    this.dispatch(encoder, 'chanMerge', `chan merge ${o.rows}×${o.d}`, [b.mean, b.m2, run.mean, run.m2, delta], this.linear(o.d, 64), {
      shader: 'editor/chan-merge',
      values: { d: o.d, offset: o.offset, nOld: o.nOld, rows: o.rows, denom },
    });
  }

  /** S [d, d] += Σ (g − ḡ_b)(g − ḡ_b)ᵀ + coef·δδᵀ for g [rows, d]. */
  scatter(
    encoder: GPUCommandEncoder,
    g: GPUBuffer,
    batchMean: GPUBuffer,
    delta: GPUBuffer,
    s: GPUBuffer,
    rows: number,
    d: number,
    coef: number,
  ): void {
    this.dispatch(
      encoder,
      'scatter',
      `scatter ${rows}×${d}`,
      [g, batchMean, delta, s],
      grid2d(d, d, 16, 16, this.ctx.maxWorkgroupsPerDimension),
      { shader: 'editor/scatter', values: { rows, d, coef } },
    );
  }

  /**
   * V [rows, dOut] = −lr·‖k̂‖²·ĝ. `diagonal`: k and g standardized from the running mean/M2 (count n);
   * `whitened`: k standardized, g given already whitened; `raw`: no statistics (no-ln).
   */
  values(
    encoder: GPUCommandEncoder,
    mode: ValuesMode,
    keys: GPUBuffer,
    grads: GPUBuffer,
    mean: GPUBuffer,
    m2: GPUBuffer,
    v: GPUBuffer,
    o: { rows: number; dIn: number; dOut: number; n: number; lr: number; eps: number },
  ): void {
    const name: PipelineName = mode === 'diagonal' ? 'valuesDiag' : mode === 'whitened' ? 'valuesGiven' : 'valuesRaw';
    const grid = splitWorkgroups(o.rows, this.ctx.maxWorkgroupsPerDimension);
    this.dispatch(encoder, name, `values ${mode} ${o.rows}×${o.dIn}→${o.dOut}`, [keys, grads, mean, m2, v], grid, {
      shader: 'editor/values',
      values: { rows: o.rows, dIn: o.dIn, dOut: o.dOut, n: o.n, lr: o.lr, eps: o.eps },
    });
  }

  /** out [rows, d] = x − mean[offset + j]. */
  centreRows(encoder: GPUCommandEncoder, x: GPUBuffer, mean: GPUBuffer, out: GPUBuffer, rows: number, d: number, offset: number): void {
    this.dispatch(encoder, 'centreRows', `centre ${rows}×${d}`, [x, mean, out], this.linear(rows * d, 256), {
      shader: 'editor/centre-rows',
      values: { rows, d, offset },
    });
  }

  addDiagonal(encoder: GPUCommandEncoder, a: GPUBuffer, n: number, lambda: number): void {
    this.dispatch(encoder, 'addDiagonal', `+λI ${n}`, [a], this.linear(n, 64), { shader: 'editor/add-diagonal', values: { n, lambda } });
  }

  /**
   * In-place L·Lᵀ = A [n, n]; info[0] = 0 or 1 + the first failed pivot. Blocked right-looking
   * (cholesky.wgsl): per block column a one-workgroup panel, then the trsm and syrk across many
   * workgroups. `block` ≥ n is the single-workgroup factorisation (benchmarks only).
   */
  cholesky(encoder: GPUCommandEncoder, a: GPUBuffer, info: GPUBuffer, n: number, block = CHOLESKY_BLOCK): void {
    checkBlock(n, block);
    const max = this.ctx.maxWorkgroupsPerDimension;
    for (let k0 = 0; k0 < n; k0 += block) {
      const nb = Math.min(block, n - k0);
      const values = { n, k0, nb };
      const shader = 'editor/cholesky' as const;
      this.dispatch(encoder, 'cholPanel', `cholesky panel ${k0}+${nb} of ${n}`, [a, info], [1, 1, 1], { shader, values });
      const rest = n - k0 - nb;
      if (rest === 0) continue;
      // trsm, syrk and zeroUpper never read info (binding 1), so their auto layouts leave it out.
      this.dispatch(encoder, 'cholTrsm', `cholesky trsm ${rest}×${nb}`, [a, null], this.linear(rest, 64), { shader, values });
      this.dispatch(encoder, 'cholSyrk', `cholesky syrk ${rest}`, [a, null], this.lowerTiles(rest), { shader, values });
    }
    this.dispatch(encoder, 'cholZeroUpper', `cholesky zero upper ${n}`, [a, null], this.linear(n * n, 256), {
      shader: 'editor/cholesky',
      values: { n, k0: 0, nb: 0 },
    });
  }

  /**
   * b [n, m] ← L⁻¹b (transposed false) or L⁻ᵀb (true), blocked (trisolve.wgsl): per block of rows a
   * substitution through the block, then a tiled update of the rows not yet solved.
   */
  triangularSolve(
    encoder: GPUCommandEncoder,
    l: GPUBuffer,
    b: GPUBuffer,
    n: number,
    m: number,
    transposed: boolean,
    block = SOLVE_BLOCK,
  ): void {
    if (!Number.isInteger(block) || block < 1) throw new RangeError(`triangular solve block ${block}: must be a positive integer`);
    const max = this.ctx.maxWorkgroupsPerDimension;
    const blocks = ceilDiv(n, block);
    const shader = 'editor/trisolve' as const;
    for (let q = 0; q < blocks; q++) {
      const k0 = (transposed ? blocks - 1 - q : q) * block;
      const nb = Math.min(block, n - k0);
      const values = { n, m, k0, nb };
      const tag = `trisolve ${n}×${m}${transposed ? ' Lᵀ' : ''} rows ${k0}+${nb}`;
      this.dispatch(encoder, transposed ? 'upperDiagonal' : 'lowerDiagonal', tag, [l, b], this.linear(m, 64), { shader, values });
      const rest = transposed ? k0 : n - k0 - nb;
      if (rest > 0)
        this.dispatch(encoder, transposed ? 'upperUpdate' : 'lowerUpdate', `${tag} update`, [l, b], grid2d(rest, m, TILE, TILE, max), {
          shader,
          values,
        });
    }
  }

  /**
   * ΔW [dIn, dOut] = (KᵀK + λI)⁻¹KᵀV. Dual: Kᵀ(KKᵀ + λI)⁻¹V (N×N factorisation); primal: dIn×dIn.
   * `work` must hold max(N, dIn)² + max(N, dIn)·dOut floats; info gets the Cholesky status.
   */
  ridge(
    encoder: GPUCommandEncoder,
    form: 'dual' | 'primal',
    k: GPUBuffer,
    v: GPUBuffer,
    delta: GPUBuffer,
    work: { a: GPUBuffer; x: GPUBuffer; info: GPUBuffer },
    s: { rows: number; dIn: number; dOut: number; lambda: number },
  ): void {
    const { rows, dIn, dOut, lambda } = s;
    if (form === 'dual') {
      this.matmul(encoder, k, k, work.a, { m: rows, k: dIn, n: rows, transB: true });
      this.addDiagonal(encoder, work.a, rows, lambda);
      this.cholesky(encoder, work.a, work.info, rows);
      encoder.copyBufferToBuffer(v, 0, work.x, 0, rows * dOut * 4);
      this.triangularSolve(encoder, work.a, work.x, rows, dOut, false);
      this.triangularSolve(encoder, work.a, work.x, rows, dOut, true);
      this.matmul(encoder, k, work.x, delta, { m: dIn, k: rows, n: dOut, transA: true });
    } else {
      this.matmul(encoder, k, k, work.a, { m: dIn, k: rows, n: dIn, transA: true });
      this.addDiagonal(encoder, work.a, dIn, lambda);
      this.cholesky(encoder, work.a, work.info, dIn);
      this.matmul(encoder, k, v, delta, { m: dIn, k: rows, n: dOut, transA: true });
      this.triangularSolve(encoder, work.a, delta, dIn, dOut, false);
      this.triangularSolve(encoder, work.a, delta, dIn, dOut, true);
    }
  }

  /** out = s·x over `len` floats. */
  scale(encoder: GPUCommandEncoder, x: GPUBuffer, out: GPUBuffer, len: number, s: number): void {
    this.dispatch(encoder, 'scale', `scale ${len}`, [x, out], this.linear(len, 256), { shader: 'editor/scale', values: { len, s } });
  }
}

/** A block wider than the kernels' tiles only works as the single block of the whole matrix. */
function checkBlock(n: number, block: number): void {
  if (!Number.isInteger(block) || block < 1 || (block > CHOLESKY_BLOCK && block < n))
    throw new RangeError(`Cholesky block ${block}: must be 1..${CHOLESKY_BLOCK}, or ≥ n (${n}) for one block`);
}
