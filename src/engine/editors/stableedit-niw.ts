/** StableEdit with the paper's general NIW prior (options.niw); the zero prior is `stableedit`. */
import { defineEditor } from './define';

export const stableeditNiw = defineEditor({
  name: 'stableedit-niw',
  summary: 'StableEdit whitening from NIW posterior means with prior μ₀, κ₀, ν₀, Ψ₀ = ψ₀I (options.niw)',
  statistics: { variance: 'biased', covariance: 'niw' },
  step: 'ridge',
});
