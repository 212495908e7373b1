/**
 * A turn whose every ΔW is exactly zero edits nothing, yet a run or replay would go on and write a
 * full report. It happens when the ridge λ swamps KᵀK (ΔW = (KᵀK + λI)⁻¹KᵀV underflows in float32:
 * `--ridge 1e300`) or the learning rate underflows the value targets; say so, with the flags to change.
 */
export function zeroUpdateWarning(
  deltas: ReadonlyMap<string, { delta: Float32Array }>,
  where: string,
  settings: { lr: number; ridge: number },
): string | null {
  if (deltas.size === 0) return null;
  for (const { delta } of deltas.values()) for (let i = 0; i < delta.length; i++) if (delta[i] !== 0) return null;
  return (
    `${where}: every ΔW is exactly 0, so nothing is edited — --ridge ${settings.ridge} is far too large for these keys ` +
    `(λ swamps KᵀK in (KᵀK + λI)⁻¹) or --lr ${settings.lr} too small; lower --ridge (the paper's is 10) or raise --lr`
  );
}
