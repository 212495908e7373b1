/** The preset a loaded model matched (by name or by config): each number with where it comes from. */
import { presetFor, type Provenance, type Sourced } from '../../engine/model/presets';
import { DEMO_RUN } from '../../engine/lab/demo-defaults';
import type { ModelSummary } from '../../protocol/messages';

const FROM: Record<Provenance, string> = { paper: 'the paper', reference: 'the reference code', lab: 'the lab’s own' };

export function PresetNote({ model }: { model: ModelSummary }) {
  if (model.name === 'demo (built-in)')
    return (
      <span data-testid="model-preset">
        the demo’s own — <strong>the lab’s own, measured on this model</strong> (docs/demo.md): {DEMO_RUN.modules.join(', ')}, lr{' '}
        {DEMO_RUN.lr}, λ {DEMO_RUN.ridge}
      </span>
    );
  const match = presetFor(model);
  if (!match)
    return <span className="muted">none: the upper-middle layers, lr and λ as set (no published or lab preset has this shape)</span>;
  const { preset: p, by } = match;
  const row = (label: string, s: Sourced<number | number[]>) => (
    <li>
      {label} {Array.isArray(s.value) ? s.value.join(', ') : s.value} — <strong>{FROM[s.from]}</strong>: {s.how}
    </li>
  );
  return (
    <div data-testid="model-preset">
      {p.model}
      {by === 'config' && ' (matched by its config: same architecture, layers, width and vocabulary)'}
      <ul className="plain">
        {row('layers', p.layers)}
        {row('lr', p.lr)}
        {row('λ', p.ridge)}
      </ul>
      {p.unmeasured && (
        <p className="muted" data-testid="preset-unmeasured">
          {p.unmeasured}
        </p>
      )}
    </div>
  );
}
