/**
 * The d³ product of Σ^{-1/2} = Σ_j s_j u_j u_jᵀ (inverse-sqrt.ts), by blocks of four output rows:
 * out[a][b] = Σ_j U[j][a] · (s_j U[j][b]) for b ≥ a (the upper triangle; the caller mirrors it). Four
 * output rows stay in cache while row j of the scaled basis streams past once per block (4 FMAs per
 * load). Block q (rows 4q..4q+3, cost ∝ d − 4q) belongs to part q mod parts; every entry sums over j
 * in order whatever the split, so any part count gives the same bits.
 */
export function inverseSqrtRows(
  vectors: Float64Array,
  scaled: Float64Array,
  out: Float64Array,
  n: number,
  part: number,
  parts: number,
): void {
  for (let a = 4 * part; a < n; a += 4 * parts) {
    const rows = Math.min(4, n - a);
    for (let j = 0; j < n; j++) {
      const uj = j * n;
      const u0 = vectors[uj + a];
      const u1 = rows > 1 ? vectors[uj + a + 1] : 0;
      const u2 = rows > 2 ? vectors[uj + a + 2] : 0;
      const u3 = rows > 3 ? vectors[uj + a + 3] : 0;
      const r0 = a * n;
      for (let b = a; b < n; b++) {
        const sb = scaled[uj + b];
        out[r0 + b] += u0 * sb;
        if (rows > 1) out[r0 + n + b] += u1 * sb;
        if (rows > 2) out[r0 + 2 * n + b] += u2 * sb;
        if (rows > 3) out[r0 + 3 * n + b] += u3 * sb;
      }
    }
  }
}
