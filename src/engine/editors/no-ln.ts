/** No-normalization ablation: V = −lr·‖k‖²·g from the raw captures, same ridge solve. */
import { defineEditor } from './define';

export const noLn = defineEditor({
  name: 'no-ln',
  summary: 'no running statistics: V = −lr‖k‖²g on raw k, g, ridge solve',
  statistics: null,
  step: 'ridge',
});
