/** Fine-tuning baseline: one plain gradient step on the same captures, ΔW = −lr·KᵀG. */
import { defineEditor } from './define';

export const ft = defineEditor({
  name: 'ft',
  summary: 'plain gradient step ΔW = −lr·KᵀG on the captures (baseline)',
  statistics: null,
  step: 'gradient',
});
