/**
 * Axis ticks: "nice" steps (1, 2 or 5 × 10^k) over a linear range, whole numbers only on counting axes
 * (turns, edits: there is no turn 1.75), and powers of ten (with 2 and 5 between when few decades
 * show) on a log range.
 */

/** About `count` ticks covering [lo, hi]; every tick lies in the range. */
export function linearTicks(lo: number, hi: number, count: number, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || count < 1) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return integer && !Number.isInteger(lo) ? [] : [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  // A range that is tiny next to its values (0.9999999999999999 to 1) has steps below the float
  // resolution there: k·step stops moving, so no ticks rather than a loop that never ends.
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last - first > 4 * count + 10) return [];
  const out: number[] = [];
  for (let k = first; k <= last; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks for a log axis over [lo, hi] (both > 0). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const mults = b - a <= 2 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((b - a) / 8));
  const out: number[] = [];
  for (let e = a; e <= b; e += mults.length === 1 ? every : 1)
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  // A range inside one decade may hold no 1/2/5 value: fall back to linear ticks.
  return out.length >= 2 ? out : linearTicks(lo, hi, 4);
}
