/**
 * The ridge-solve benchmark's row (benchmarks/pages/cholesky.ts) and its markdown table, with the
 * FLOP-based model of the two schedules (docs/design.md, "GPU linear algebra"): the share of the
 * factorisation's FLOPs done inside a single workgroup, and the critical path, the FMAs one invocation
 * must perform in sequence (the rest of the work spreads over the device's cores).
 */
export interface CholeskyRow {
  n: number;
  /** Right-hand sides of the two triangular solves (d_out of the module). */
  m: number;
  /** Block widths of the blocked schedule: factorisation, solves. */
  block: number;
  solveBlock: number;
  /** ms: factorisation, then both solves; single workgroup (one block of n) vs blocked. */
  oneFactorMs: number;
  blockedFactorMs: number;
  oneSolveMs: number;
  blockedSolveMs: number;
  /** X max-norm relative difference between the two schedules. */
  diff: number;
}

const WORKGROUP = 256; // cholesky.wgsl potrf: invocations sharing the one-workgroup panel

/** FLOPs (multiply + add = 2) of A = LLᵀ and of the forward and backward solves with m columns. */
export const factorFlops = (n: number) => n ** 3 / 3;
export const solveFlops = (n: number, m: number) => 2 * n * n * m;

/** Share of the factorisation's FLOPs in single-workgroup panels: (n/b)·b³/3 of n³/3. */
export function singleWorkgroupShare(n: number, block: number): number {
  return Math.min(1, (block * block) / (n * n));
}

/**
 * FMAs on the critical path of the factorisation. One workgroup of n: the n³/6 FMAs of the whole
 * update spread over its 256 invocations. Blocked: per block column a panel (b³/6 over 256), a trsm
 * row (b²/2 FMAs in sequence) and a syrk invocation's 4×4 outputs (16·b FMAs).
 */
export function criticalPathFmas(n: number, block: number): number {
  if (block >= n) return n ** 3 / 6 / WORKGROUP;
  return (n / block) * (block ** 3 / 6 / WORKGROUP + block ** 2 / 2 + 16 * block);
}

export function choleskyTable(rows: CholeskyRow[]): string {
  const head =
    '| n | m | blocks | factor ms: one workgroup · blocked | solves ms: unblocked · blocked | factor speed-up | GFLOP/s factor (one · blocked) | FLOPs in one workgroup (blocked) | critical path FMAs: one · blocked | X diff |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|';
  const g = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(2);
  const line = (r: CholeskyRow) =>
    `| ${r.n} | ${r.m} | ${r.block} · ${r.solveBlock} | ${r.oneFactorMs.toFixed(0)} · ${r.blockedFactorMs.toFixed(0)} | ${r.oneSolveMs.toFixed(0)} · ${r.blockedSolveMs.toFixed(0)} | ` +
    `${(r.oneFactorMs / r.blockedFactorMs).toFixed(1)}× | ${g(factorFlops(r.n), r.oneFactorMs)} · ${g(factorFlops(r.n), r.blockedFactorMs)} | ` +
    `${(100 * singleWorkgroupShare(r.n, r.block)).toPrecision(2)} % | ${criticalPathFmas(r.n, r.n).toExponential(1)} · ${criticalPathFmas(r.n, r.block).toExponential(1)} | ` +
    `${r.diff.toExponential(1)} |`;
  return [head, sep, ...rows.map(line)].join('\n');
}
