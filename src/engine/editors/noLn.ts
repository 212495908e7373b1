/** No-normalization ablation: V = −lr·‖k‖²·g from the raw captures, same ridge solve. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';

export const noLn: EditorDefinition = {
  name: 'no-ln',
  summary: 'no running statistics: V = −lr‖k‖²g on raw k, g, ridge solve',
  create: (options) => new LifelongEditor({ name: 'no-ln', options, step: 'ridge', normalizer: null }),
};
