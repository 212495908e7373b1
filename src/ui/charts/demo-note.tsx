/**
 * Why the demo's scores are low, where the scores are: a newcomer seeing 13 % efficacy after 500
 * edits (and no-LN scoring as the unedited model) should learn that this is the demo model's
 * measured limit, not the lab failing — docs/demo.md has the measurements.
 */
import { useLabStore } from '../store';

const DEMO_MODEL = 'demo (built-in)';

export function DemoNote({ runs }: { runs: readonly { config: unknown }[] }) {
  const loaded = useLabStore((s) => (s.model.status === 'loaded' ? s.model.summary.name : undefined));
  const onDemo = runs.length ? runs.some((r) => (r.config as { model?: string } | null)?.model === DEMO_MODEL) : loaded === DEMO_MODEL;
  if (!onDemo) return null;
  return (
    <p className="se-muted se-demo-note" data-testid="demo-note">
      <strong>Low scores on the demo are expected.</strong> Its tiny model (hidden 128) gives edits keys that are too alike, so a long
      stream’s updates add up and overwrite each other: one turn of 20 edits can land at 90 % (lr 5e-3), but after 500 edits efficacy ends
      near 13 % (specificity ~81 %), and no-LN and FT barely move the model (they under-fit, as in the paper). The measurements:{' '}
      <a href={`${import.meta.env.BASE_URL}docs/demo.md`} target="_blank" rel="noopener" data-testid="demo-note-link">
        docs/demo.md
      </a>
      .
    </p>
  );
}
