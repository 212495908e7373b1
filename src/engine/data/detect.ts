/** Which layout a dataset is in, from the top-level field names of its first record. */
import { LAYOUTS, type Layout } from './layouts';

export interface LayoutDetection {
  layout: Layout;
  /** Human-readable: which fields decided it. */
  reason: string;
}

export function detectLayout(first: Record<string, unknown>): LayoutDetection | null {
  const keys = new Set(Object.keys(first));
  for (const layout of LAYOUTS) {
    const matched = layout.signature.map((group) => group.find((k) => keys.has(k)));
    if (matched.every((k) => k !== undefined)) {
      return { layout, reason: `${layout.title}: the first record has ${matched.map((k) => `"${k}"`).join(', ')}` };
    }
  }
  return null;
}

/** For the error message when nothing matches. */
export function describeSignatures(): string {
  return LAYOUTS.map((l) => `${l.id} (${l.signature.map((g) => g.join('|')).join(' + ')})`).join('; ');
}
