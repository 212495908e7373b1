/** The whitening benchmark's row (benchmarks/pages/whitening.ts) and its markdown table. */
export interface WhiteningRow {
  d: number;
  float64Ms: number;
  gpuColdMs: number;
  gpuWarmMs: number;
  sweepsCold: number;
  sweepsWarm: number;
  /** Σ^{-1/2} max-norm relative error of the GPU result against the float64 one (cold, warm). */
  errCold: number;
  errWarm: number;
  float64Gflops: number;
  gpuColdGflops: number;
  gpuWarmGflops: number;
}

export function whiteningTable(rows: WhiteningRow[]): string {
  const head =
    '| d | float64 eigh ms | GPU cold ms (sweeps) | GPU warm ms (sweeps) | warm / float64 | GFLOP/s f64 · cold · warm | Σ^-1/2 err cold · warm |';
  const sep = '|---|---|---|---|---|---|---|';
  const line = (r: WhiteningRow) =>
    `| ${r.d} | ${r.float64Ms.toFixed(0)} | ${r.gpuColdMs.toFixed(0)} (${r.sweepsCold}) | ${r.gpuWarmMs.toFixed(0)} (${r.sweepsWarm}) | ` +
    `${(r.gpuWarmMs / r.float64Ms).toFixed(2)} | ${r.float64Gflops.toFixed(2)} · ${r.gpuColdGflops.toFixed(2)} · ${r.gpuWarmGflops.toFixed(2)} | ` +
    `${r.errCold.toExponential(1)} · ${r.errWarm.toExponential(1)} |`;
  return [head, sep, ...rows.map(line)].join('\n');
}
