/**
 * One SVG line plot, drawn directly: a path string per line, axes with nice ticks (whole numbers on
 * counting axes), an optional log y axis, a hover crosshair, and drag-to-zoom on x (double-click
 * resets). No chart library: a redraw is a few path strings, cheap enough to follow a run turn by
 * turn on every chart at once (e2e/chart-stream.built.spec.ts holds it to one frame). Colours are literal
 * attribute values so the PNG export, which sees none of the page's CSS, draws the same picture.
 */
import { memo, useId, useMemo, useRef, useState, type PointerEvent } from 'react';
import { formatValue } from './labels';
import { linearTicks, logTicks } from './ticks';
import { boundedDomain } from '../lib/percent';

export interface PlotLine {
  key: string;
  stroke: string;
  dash?: string;
  xs: Float64Array;
  ys: Float64Array;
  /** Raw values drawn thin and pale behind the smoothed line. */
  faint?: boolean;
}

export interface LinePlotProps {
  lines: readonly PlotLine[];
  width: number;
  height: number;
  log: boolean;
  /** Whole-number ticks only (turns, edits). */
  integerX: boolean;
  xTitle: string;
  /** What the y axis measures, with its unit ("token accuracy (%)"). */
  yTitle: string;
  /** A y range the axis never leaves (scores: [0, 100]); linear axes only. */
  yBounds?: readonly [number, number];
  /** Vertical marks at x (the warm-up's end), each with a short label. */
  markers?: readonly { x: number; label: string }[];
  /** Zoomed x range, or null for all the data. */
  zoom: readonly [number, number] | null;
  onZoom: (range: [number, number] | null) => void;
  /** The hovered x (snapped to a drawn point), or null. */
  hoverX: number | null;
  onHover: (x: number | null) => void;
  /** Accessible name and description of the graphic. */
  label: string;
  description: string;
}

const M = { top: 8, right: 14, bottom: 38, left: 64 };
/** Axis text: 8:1 on white; the dark theme overrides it in charts.css. */
export const AXIS_TEXT = '#464b53';
const GRID = '#d6d9de';

/** Memoized: a chart re-renders for its legend and notes more often than its lines change. */
export const LinePlot = memo(function LinePlot(p: LinePlotProps) {
  const uid = 'p' + useId().replace(/\W/g, '');
  const pw = Math.max(10, p.width - M.left - M.right);
  const ph = Math.max(10, p.height - M.top - M.bottom);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const overlay = useRef<SVGRectElement>(null);

  const [x0, x1] = xDomain(p.lines, p.zoom, p.integerX, p.markers);
  const [y0, y1] = p.yBounds && !p.log ? boundedDomain(yDomain(p.lines, x0, x1, false), p.yBounds, 5) : yDomain(p.lines, x0, x1, p.log);
  const fy = p.log ? Math.log10 : (v: number) => v;
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => M.top + ph - ((fy(y) - fy(y0)) / (fy(y1) - fy(y0))) * ph;
  const xTicks = linearTicks(x0, x1, Math.max(2, Math.floor(pw / 70)), p.integerX);
  const yTicks = p.log ? logTicks(y0, y1) : linearTicks(y0, y1, Math.max(2, Math.floor(ph / 40)));

  const paths = useMemo(() => p.lines.map((l) => pathOf(l, sx, sy)), [p.lines, x0, x1, y0, y1, pw, ph, p.log]);

  const xAt = (e: PointerEvent) => {
    const r = overlay.current!.getBoundingClientRect();
    return x0 + ((e.clientX - r.left) / r.width) * (x1 - x0);
  };
  const snap = (x: number) => {
    let best: number | null = null;
    for (const l of p.lines) {
      if (l.faint || l.xs.length === 0) continue;
      const v = l.xs[nearestIndex(l.xs, x)];
      if (best === null || Math.abs(v - x) < Math.abs(best - x)) best = v;
    }
    return best;
  };
  const onMove = (e: PointerEvent) => {
    const x = xAt(e);
    if (drag) setDrag({ ...drag, to: x });
    p.onHover(snap(x));
  };
  const onUp = (e: PointerEvent) => {
    if (!drag) return;
    setDrag(null);
    const a = Math.min(drag.from, xAt(e));
    const b = Math.max(drag.from, xAt(e));
    if (((b - a) / (x1 - x0)) * pw < 5) return; // a click, not a drag
    p.onZoom(p.integerX ? [Math.round(a), Math.max(Math.round(b), Math.round(a) + 1)] : [a, b]);
  };

  return (
    <svg
      className="se-plot"
      width={p.width}
      height={p.height}
      role="img"
      aria-labelledby={`${uid}-t ${uid}-d`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${uid}-t`}>{p.label}</title>
      <desc id={`${uid}-d`}>{p.description}</desc>
      <defs>
        <clipPath id={`${uid}-clip`}>
          <rect x={M.left} y={M.top} width={pw} height={ph} />
        </clipPath>
      </defs>
      <path
        className="se-grid-lines"
        stroke={GRID}
        strokeDasharray="3 3"
        d={
          xTicks.map((t) => `M${sx(t)} ${M.top}V${M.top + ph}`).join('') + yTicks.map((t) => `M${M.left} ${sy(t)}H${M.left + pw}`).join('')
        }
      />
      <g className="se-axis" fill={AXIS_TEXT} fontSize={12} fontFamily="system-ui, sans-serif">
        <line x1={M.left} x2={M.left + pw} y1={M.top + ph} y2={M.top + ph} stroke={AXIS_TEXT} />
        <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + ph} stroke={AXIS_TEXT} />
        {xTicks.map((t) => (
          <text key={t} className="se-xtick" x={sx(t)} y={M.top + ph + 15} textAnchor="middle">
            {formatValue(t)}
          </text>
        ))}
        {yTicks.map((t) => (
          <text key={t} className="se-ytick" x={M.left - 6} y={sy(t) + 4} textAnchor="end">
            {formatValue(t)}
          </text>
        ))}
        <text x={M.left + pw / 2} y={p.height - 4} textAnchor="middle">
          {p.xTitle}
        </text>
        <text className="se-ytitle" transform={`translate(12 ${M.top + ph / 2}) rotate(-90)`} textAnchor="middle">
          {p.yTitle}
        </text>
        {p.markers
          ?.filter((m) => m.x >= x0 && m.x <= x1)
          .map((m) => (
            <g key={`${m.x}:${m.label}`} className="se-warmup-mark" data-x={m.x}>
              <line x1={sx(m.x)} x2={sx(m.x)} y1={M.top} y2={M.top + ph} stroke={AXIS_TEXT} strokeDasharray="5 3" strokeOpacity={0.8} />
              <text
                x={sx(m.x) + 3}
                y={M.top + 11}
                fontSize={10}
                textAnchor={sx(m.x) > M.left + pw - 60 ? 'end' : 'start'}
                dx={sx(m.x) > M.left + pw - 60 ? -6 : 0}
              >
                {m.label}
              </text>
            </g>
          ))}
      </g>
      <g clipPath={`url(#${uid}-clip)`} fill="none">
        {p.lines.map((l, i) => (
          <path
            key={l.key}
            className={l.faint ? 'se-line-raw' : 'se-line'}
            d={paths[i]}
            stroke={l.stroke}
            strokeOpacity={l.faint ? 0.28 : 1}
            strokeWidth={l.faint ? 1 : 1.75}
            strokeDasharray={l.dash}
            strokeLinejoin="round"
          />
        ))}
        {p.hoverX !== null && p.hoverX >= x0 && p.hoverX <= x1 && (
          <g className="se-hover">
            <line x1={sx(p.hoverX)} x2={sx(p.hoverX)} y1={M.top} y2={M.top + ph} stroke={AXIS_TEXT} strokeOpacity={0.6} />
            {p.lines.map((l) => {
              if (l.faint || l.xs.length === 0) return null;
              const i = nearestIndex(l.xs, p.hoverX!);
              if (l.xs[i] !== p.hoverX) return null;
              return <circle key={l.key} cx={sx(l.xs[i])} cy={sy(l.ys[i])} r={3} fill={l.stroke} />;
            })}
          </g>
        )}
        {drag && (
          <rect
            className="se-zoom-pick"
            x={sx(Math.min(drag.from, drag.to))}
            y={M.top}
            width={Math.abs(sx(drag.to) - sx(drag.from))}
            height={ph}
            fill="#0072b2"
            fillOpacity={0.12}
          />
        )}
      </g>
      <rect
        ref={overlay}
        x={M.left}
        y={M.top}
        width={pw}
        height={ph}
        fill="transparent"
        style={{ cursor: 'crosshair', touchAction: 'none' }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const x = xAt(e);
          setDrag({ from: x, to: x });
        }}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerLeave={() => !drag && p.onHover(null)}
        onDoubleClick={() => p.onZoom(null)}
      />
    </svg>
  );
});

function pathOf(l: PlotLine, sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '';
  // Tenths of a pixel, rounded without toFixed (which is slow in a loop run on every frame).
  for (let i = 0; i < l.xs.length; i++) d += (i ? 'L' : 'M') + Math.round(sx(l.xs[i]) * 10) / 10 + ' ' + Math.round(sy(l.ys[i]) * 10) / 10;
  return d;
}

/** The data's x extent, widened to show the markers (the warm-up's end before a chart's first score). */
function xDomain(
  lines: readonly PlotLine[],
  zoom: readonly [number, number] | null,
  integer: boolean,
  markers: readonly { x: number }[] = [],
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  if (zoom) [lo, hi] = zoom;
  else {
    for (const l of lines)
      if (l.xs.length) {
        lo = Math.min(lo, l.xs[0]);
        hi = Math.max(hi, l.xs[l.xs.length - 1]);
      }
    if (Number.isFinite(lo)) for (const m of markers) [lo, hi] = [Math.min(lo, m.x), Math.max(hi, m.x)];
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi > lo) return [lo, hi];
  return integer ? [lo - 1, hi + 1] : [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
}

/** Extent of every point inside [x0, x1], padded 5% (in log space on a log axis). */
function yDomain(lines: readonly PlotLine[], x0: number, x1: number, log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines)
    for (let i = 0; i < l.xs.length; i++) {
      const y = l.ys[i];
      if (l.xs[i] < x0 || l.xs[i] > x1 || !Number.isFinite(y) || (log && y <= 0)) continue;
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
  if (!Number.isFinite(lo)) return log ? [0.1, 10] : [0, 1];
  // Equal up to rounding (a score of 1 computed two ways): draw it as a flat line with room around it.
  if (hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) hi = lo;
  if (log) {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const pad = b > a ? (b - a) * 0.05 : 0.5;
    return [10 ** (a - pad), 10 ** (b + pad)];
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 0.5;
  return [lo - pad, hi + pad];
}

/** Index of the value in sorted `xs` nearest to x. */
export function nearestIndex(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x) ? lo - 1 : lo;
}
