/** The chart controls shared by a single chart and the dashboard that drives many. */
import { useId } from 'react';
import { X_AXES, type XAxis } from '../lib/series';
import { X_AXIS_TITLE } from './labels';

export function XAxisSelect({ label, value, onChange }: { label: string; value: XAxis; onChange: (x: XAxis) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as XAxis)}>
        {X_AXES.map((x) => (
          <option key={x} value={x}>
            {X_AXIS_TITLE[x]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** TensorBoard-style smoothing weight in [0, 0.99]; 0 draws the raw values. */
export function SmoothingSlider({ value, onChange }: { value: number; onChange: (w: number) => void }) {
  const id = useId();
  return (
    <label htmlFor={id}>
      smoothing
      <input id={id} type="range" min={0} max={0.99} step={0.01} value={value} onChange={(e) => onChange(Number(e.target.value))} />
      <output htmlFor={id}>{value.toFixed(2)}</output>
    </label>
  );
}
