/** Frobenius inner product, norm and cosine of equally shaped flat tensors (float64 accumulation). */
export function frobeniusInner(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`frobeniusInner: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function frobeniusNorm(a: ArrayLike<number>): number {
  return Math.sqrt(frobeniusInner(a, a));
}

/** ‖a − b‖_F */
export function frobeniusDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`frobeniusDistance: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] - b[i];
    s += t * t;
  }
  return Math.sqrt(s);
}

/** ⟨a, b⟩ / (‖a‖‖b‖); null when either is zero (no direction to compare). */
export function frobeniusCosine(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const na = frobeniusNorm(a);
  const nb = frobeniusNorm(b);
  if (na === 0 || nb === 0) return null;
  return frobeniusInner(a, b) / (na * nb);
}
