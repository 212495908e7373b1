/** Fine-tuning baseline: one plain gradient step on the same captures, ΔW = −lr·KᵀG. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';

export const ft: EditorDefinition = {
  name: 'ft',
  summary: 'plain gradient step ΔW = −lr·KᵀG on the captures (baseline)',
  create: (options) => new LifelongEditor({ name: 'ft', options, step: 'gradient', normalizer: null }),
};
