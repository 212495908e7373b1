/** StableEdit with the paper's general NIW prior (options.niw); the zero prior is `stableedit`. */
import type { EditorDefinition } from './editor';
import { LifelongEditor } from './lifelong';
import { NiwNormalizer } from './normalizers/niw';

export const stableeditNiw: EditorDefinition = {
  name: 'stableedit-niw',
  summary: 'StableEdit whitening from NIW posterior means with prior μ₀, κ₀, ν₀, Ψ₀ = ψ₀I (options.niw)',
  create: (options) =>
    new LifelongEditor({
      name: 'stableedit-niw',
      options,
      step: 'ridge',
      normalizer: (dIn, dOut) => new NiwNormalizer(dIn, dOut, options.niw),
    }),
};
