/**
 * The drift map beside the charts (docs/design.md §2): for the newest shown run with drift states, its
 * pre-edit final-layer states drawn by a seeded UMAP (grey, fixed) and the latest states placed
 * against them (the run's colour), with the latest mean cosine and CKA. The fit runs in chunks
 * (ui/lib/drift-map.ts), once per run; a new `states` event only re-places the current points.
 */
import { useEffect, useMemo, useState } from 'react';
import type { LabRun } from '../runs/types';
import { fitDriftMap, type DriftMapFit } from '../lib/drift-map';

const SIZE = 260;
const PAD = 8;

export function DriftMapPanel({ runs, colors }: { runs: readonly LabRun[]; colors: ReadonlyMap<string, string> }) {
  const run = [...runs].reverse().find((r) => r.driftStates);
  const pre = run?.driftStates?.pre;
  const [fit, setFit] = useState<{ runId: string; fit: DriftMapFit } | null>(null);
  useEffect(() => {
    if (!run || !pre) return;
    let cancelled = false;
    void fitDriftMap(pre, { pause: () => new Promise((r) => setTimeout(r, 0)), cancelled: () => cancelled }).then((f) => {
      if (f && !cancelled) setFit({ runId: run.id, fit: f });
    });
    return () => {
      cancelled = true;
    };
  }, [run?.id, pre]);
  const current = fit && run && fit.runId === run.id ? fit.fit : null;
  const now = run?.driftStates?.now;
  const placed = useMemo(() => (current && now ? current.place(now) : null), [current, now]);
  if (!run) return null;
  const latest = [...run.metrics].reverse().find((m) => m.drift && m.protocol !== 'pre-edit')?.drift;
  const all = [...(current?.pre ?? []), ...(placed ?? [])];
  const [xs, ys] = [all.map((p) => p[0]), all.map((p) => p[1])];
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (SIZE - 2 * PAD);
  const sy = (y: number) => SIZE - PAD - ((y - y0) / (y1 - y0 || 1)) * (SIZE - 2 * PAD);
  return (
    <figure className="se-chart se-drift-map" aria-label="Representation drift map">
      <h3>Representation drift — UMAP of final-layer states</h3>
      {!current && <p className="se-muted">fitting the map on {pre!.n} pre-edit states…</p>}
      {current && (
        <svg
          width={SIZE}
          height={SIZE}
          role="img"
          aria-label={`UMAP of ${pre!.n} prompts: pre-edit (grey) and after ${run.driftStates!.edits} edits`}
        >
          {current.pre.map((p, i) => (
            <circle key={`p${i}`} className="se-drift-pre" cx={sx(p[0])} cy={sy(p[1])} r={1.6} fill="#9aa0a6" fillOpacity={0.55} />
          ))}
          {placed?.map((p, i) => (
            <circle
              key={`n${i}`}
              className="se-drift-now"
              cx={sx(p[0])}
              cy={sy(p[1])}
              r={1.6}
              fill={colors.get(run.id) ?? '#1a73e8'}
              fillOpacity={0.7}
            />
          ))}
        </svg>
      )}
      <figcaption>
        {run.label}: grey = before editing (fixed), colour ={' '}
        {run.driftStates!.edits ? `after ${run.driftStates!.edits} edits` : 'not measured yet'}
        {latest && ` — mean cosine ${latest.meanCosine.toFixed(4)}, linear CKA ${latest.cka.toFixed(4)}`}
      </figcaption>
    </figure>
  );
}
