/** UltraEdit (Gu et al.): diagonal lifelong normalization with the code's unbiased batch variance. */
import { defineEditor } from './define';

export const ultraedit = defineEditor({
  name: 'ultraedit',
  summary: 'diagonal running normalization of [k|g] (UltraEdit code, unbiased batch variance), ridge solve',
  statistics: { variance: 'unbiased-batch', covariance: 'diagonal' },
  step: 'ridge',
});
