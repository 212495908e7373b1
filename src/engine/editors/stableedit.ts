/** StableEdit: exact Chan statistics, full ZCA whitening of the value gradients, ridge solve. */
import { defineEditor } from './define';

export const stableedit = defineEditor({
  name: 'stableedit',
  summary: 'exact Chan statistics, ĝ whitened by Σ^{-1/2} (Σ = S/(n−dOut−1+ε)), keys diagonal, ridge solve',
  statistics: { variance: 'biased', covariance: 'scatter' },
  step: 'ridge',
});
