/** No-whitening ablation: StableEdit's exact Chan statistics with diagonal normalization only. */
import { defineEditor } from './define';

export const diagonal = defineEditor({
  name: 'diagonal',
  summary: 'StableEdit without whitening: exact Chan statistics, per-dimension normalization, ridge solve',
  statistics: { variance: 'biased', covariance: 'diagonal' },
  step: 'ridge',
});
